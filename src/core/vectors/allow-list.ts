// The labels a search may return, as a sorted Uint32Array: it crosses to the index worker as one
// memory copy (a 100k-label Set takes ~30 ms to structured-clone) and is tested by binary search.

export type AllowList = ReadonlySet<number> | Uint32Array;

/** `allow` as ascending labels; a Uint32Array must already be ascending (a catalog query's ORDER BY). */
export function sortedLabels(allow: AllowList, where: string): Uint32Array {
  if (!(allow instanceof Uint32Array)) {
    const out = new Uint32Array(allow.size);
    let i = 0;
    for (const label of allow) out[i++] = label;
    return out.sort();
  }
  for (let i = 1; i < allow.length; i++) {
    if (allow[i]! < allow[i - 1]!)
      throw new RangeError(`${where}: allowed labels are not ascending at index ${i}`);
  }
  return allow;
}

/** Whether ascending `labels` holds `label`. */
export function hasLabel(labels: Uint32Array, label: number): boolean {
  let lo = 0;
  let hi = labels.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = labels[mid]!;
    if (v === label) return true;
    if (v < label) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

// Runs a measurement and its baseline in alternating rounds (A B B A …) and pools each side, so the
// load of a shared machine drifting during the run weighs on both numbers alike and their ratio holds.

/** One timed run: how many items it got through in how many seconds. */
export interface Sample {
  items: number;
  seconds: number;
}

export interface Pooled {
  /** Σ items ÷ Σ seconds over the rounds. */
  perSecond: number;
  items: number;
  seconds: number;
  /** Items per second of each round, in the order they ran. */
  rounds: number[];
}

export function pool(samples: Sample[]): Pooled {
  if (!samples.length) throw new RangeError('pool: no samples');
  const items = samples.reduce((s, x) => s + x.items, 0);
  const seconds = samples.reduce((s, x) => s + x.seconds, 0);
  return { perSecond: items / seconds, items, seconds, rounds: samples.map((x) => x.items / x.seconds) };
}

interface Paired {
  measured: Pooled;
  baseline: Pooled;
  /** Median over rounds of (measured rate ÷ baseline rate) within the round: a ratio that a burst of
   *  load from elsewhere, hitting a window or two, does not move. */
  medianRatio: number;
}

/**
 * `rounds` runs of each, ordered A B, B A, A B … (each side goes first equally often, so neither
 * always pays for a cold cache or gains from a warm one), pooled per side.
 */
export async function alternate(
  rounds: number,
  measure: () => Promise<Sample>,
  baseline: () => Promise<Sample>,
): Promise<Paired> {
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new RangeError(`alternate: rounds must be ≥ 1, got ${rounds}`);
  const a: Sample[] = [];
  const b: Sample[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      a.push(await measure());
      b.push(await baseline());
    } else {
      b.push(await baseline());
      a.push(await measure());
    }
  }
  const ratios = a.map((x, i) => x.items / x.seconds / (b[i]!.items / b[i]!.seconds));
  return { measured: pool(a), baseline: pool(b), medianRatio: median(ratios) };
}

export function median(values: number[]): number {
  if (!values.length) throw new RangeError('median: no values');
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A timed call of `fn`, whose result says how many items it did. */
export async function timed(fn: () => Promise<number>): Promise<Sample> {
  const t0 = performance.now();
  const items = await fn();
  return { items, seconds: (performance.now() - t0) / 1000 };
}

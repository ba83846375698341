// Free disk space before a download or an import: refuse up front instead of failing gigabytes in.
import { statfs } from 'node:fs/promises';
import { ModelDownloadError } from './errors';

/** Left free after a model lands, so the library, thumbnails and the OS can keep writing. */
export const DISK_MARGIN_BYTES = 256 * 1024 * 1024;

/** fs.promises.statfs's shape, injectable so tests can simulate a full disk. */
export type StatfsFn = (path: string) => Promise<{ bavail: number | bigint; bsize: number | bigint }>;

async function freeBytes(dir: string, fn: StatfsFn = statfs): Promise<number> {
  const s = await fn(dir);
  return Number(s.bavail) * Number(s.bsize);
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}

/** Throws DISK_FULL when `dir`'s file system has less than `needed` bytes plus the margin. */
export async function ensureFreeSpace(
  dir: string,
  needed: number,
  what: string,
  fn?: StatfsFn,
): Promise<void> {
  const free = await freeBytes(dir, fn);
  if (free >= needed + DISK_MARGIN_BYTES) return;
  throw new ModelDownloadError(
    'DISK_FULL',
    `${what} needs ${formatBytes(needed)} more on ${dir}, plus ${formatBytes(DISK_MARGIN_BYTES)} to spare, ` +
      `but only ${formatBytes(free)} is free; free some space and try again`,
  );
}

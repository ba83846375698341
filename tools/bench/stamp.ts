// A cached fixture folder is reused only when the stamp written after it was completed says it was
// made with the same parameters; anything else (a half-written folder, other sizes) is made again.
import { readFileSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Hidden, so the scanner and the indexer never count it as a photo. */
const STAMP = '.glimpse-bench-complete';

export function stampMatches(dir: string, params: object): boolean {
  try {
    return readFileSync(join(dir, STAMP), 'utf8') === JSON.stringify(params);
  } catch {
    return false;
  }
}

/** Makes `dir` with `make` unless its stamp already matches `params`; returns whether it was made. */
export async function ensureStamped(
  dir: string,
  params: object,
  make: (dir: string) => Promise<void>,
): Promise<boolean> {
  if (stampMatches(dir, params)) return false;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await make(dir);
  await writeFile(join(dir, STAMP), JSON.stringify(params));
  return true;
}

/** Forgets a fixture so the next run makes it again (used when a check finds it no longer valid). */
export async function clearStamp(dir: string): Promise<void> {
  await rm(join(dir, STAMP), { force: true });
}

/** When the fixture in `dir` was completed (ms since epoch): what a fixture built from it records, so
 *  it is made again whenever its source is. */
export function stampTime(dir: string): number {
  return statSync(join(dir, STAMP)).mtimeMs;
}

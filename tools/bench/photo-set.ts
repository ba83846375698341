// The camera-sized JPEGs that decode and end to end are measured on, generated once into the cache by
// the same generator `glimpse bench photos` uses, and reused while their parameters do not change.
import { readdir, stat } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { makePhotoSet } from '../../src/core/bench/photos';
import { ensureStamped } from './stamp';

/** Bumped when the generator changes in a way that should invalidate photos already made. */
const PHOTO_SET_VERSION = 1;

export interface PhotoSet {
  dir: string;
  files: string[];
  megapixels: number;
  meanBytes: number;
  /** Seconds spent generating them in this run; 0 when reused. */
  generatedSeconds: number;
}

export async function ensurePhotoSet(cache: string, count: number, megapixels: number): Promise<PhotoSet> {
  const dir = join(cache, `photos-${megapixels}mp-${count}`);
  const t0 = performance.now();
  const made = await ensureStamped(dir, { version: PHOTO_SET_VERSION, count, megapixels }, async (out) => {
    await makePhotoSet({ out, count, megapixels, concurrency: cpus().length });
  });
  const files = (await readdir(dir))
    .filter((n) => n.endsWith('.jpg'))
    .sort()
    .map((n) => join(dir, n));
  if (files.length !== count)
    throw new Error(
      `${dir}: expected ${count} photos, found ${files.length} (delete the folder to remake it)`,
    );
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  return {
    dir,
    files,
    megapixels,
    meanBytes: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length),
    generatedSeconds: made ? (performance.now() - t0) / 1000 : 0,
  };
}

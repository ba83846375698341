// A tree of many small but real, distinct JPEGs (camera-roll folders of a thousand files each), the
// library whose unchanged re-scan is measured: every file decodes, and no two share their bytes.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ensureStamped, stampTime } from './stamp';

/** 64 × 48 px: real JPEGs at ~1 ms each to encode, so 100k take a minute or two to make. */
export const SMALL_WIDTH = 64;
export const SMALL_HEIGHT = 48;
/** Files per folder, like a camera's DCIM folders (999) or a year of exports. */
const FILES_PER_FOLDER = 1000;
/** The photo's index is drawn as this many black or white 8 px blocks, which survive JPEG exactly,
 *  so photos differ in their pixels and therefore in their bytes. */
const CODE_BITS = 24;
const BLOCK = 8;
const SMALL_TREE_VERSION = 1;

export interface SmallTree {
  dir: string;
  files: number;
  folders: number;
  generatedSeconds: number;
  /** When the tree was completed (ms since epoch): a library seeded from an older tree is stale. */
  madeAt: number;
}

export const smallFolderName = (i: number) => `d${String(Math.floor(i / FILES_PER_FOLDER)).padStart(4, '0')}`;
export const smallFileName = (i: number) => `img-${String(i).padStart(7, '0')}.jpg`;

/** Packed RGB of photo `i`: its index in binary blocks on the top rows, a colour gradient below. */
export function smallPhotoPixels(i: number): Buffer {
  if (!(Number.isInteger(i) && i >= 0 && i < 2 ** CODE_BITS))
    throw new RangeError(`smallPhotoPixels: index must be 0..${2 ** CODE_BITS - 1}, got ${i}`);
  const blocksPerRow = SMALL_WIDTH / BLOCK;
  const px = Buffer.alloc(SMALL_WIDTH * SMALL_HEIGHT * 3);
  for (let y = 0; y < SMALL_HEIGHT; y++) {
    for (let x = 0; x < SMALL_WIDTH; x++) {
      const block = Math.floor(y / BLOCK) * blocksPerRow + Math.floor(x / BLOCK);
      const o = (y * SMALL_WIDTH + x) * 3;
      if (block < CODE_BITS) {
        px.fill((i >> block) & 1 ? 255 : 0, o, o + 3);
      } else {
        px[o] = (i * 37 + x * 3) & 255;
        px[o + 1] = (i * 11 + y * 5) & 255;
        px[o + 2] = (i * 7 + x + y) & 255;
      }
    }
  }
  return px;
}

export async function ensureSmallTree(cache: string, count: number): Promise<SmallTree> {
  const dir = join(cache, `small-tree-${count}`);
  const t0 = performance.now();
  const made = await ensureStamped(dir, { version: SMALL_TREE_VERSION, count }, async (out) => {
    const folders = Math.ceil(count / FILES_PER_FOLDER);
    for (let f = 0; f < folders; f++) await mkdir(join(out, smallFolderName(f * FILES_PER_FOLDER)));
    let next = 0;
    // sharp encodes on libuv's pool; twice the cores keeps it busy while files are written.
    const workers = Array.from({ length: 2 * cpus().length }, async () => {
      while (next < count) {
        const i = next++;
        const jpeg = await sharp(smallPhotoPixels(i), {
          raw: { width: SMALL_WIDTH, height: SMALL_HEIGHT, channels: 3 },
        })
          .jpeg({ quality: 85 })
          .toBuffer();
        await writeFile(join(out, smallFolderName(i), smallFileName(i)), jpeg);
      }
    });
    await Promise.all(workers);
  });
  return {
    dir,
    files: count,
    folders: Math.ceil(count / FILES_PER_FOLDER),
    generatedSeconds: made ? (performance.now() - t0) / 1000 : 0,
    madeAt: stampTime(dir),
  };
}

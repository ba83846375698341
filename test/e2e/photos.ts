// Makes the photo folders the desktop end-to-end test indexes: camera-like file names that do not give the
// content away, solid colours and black-and-white patterns the test model tells apart, a few PNGs,
// modification dates spread over two years, and broken files the indexer must skip with a reason.
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { COLOURS, COLOUR_PROTOTYPES, type ColourName, type PatternName } from '../../tools/test-model/design';
import { blackAndWhite, syntheticPixels, type SyntheticImage } from '../../tools/test-model/synthetic';

export interface FixturePhoto {
  path: string;
  /** File name, as a result tile names it. */
  name: string;
  /** The colour the test model sees: the plain colour, or gray for a black-and-white pattern. */
  colour: ColourName;
  pattern: PatternName;
  format: 'jpeg' | 'png';
  mtimeMs: number;
}

interface BrokenFile {
  path: string;
  name: string;
  /** The failure code the indexer must record (src/core/decode/cpu-decode.ts). */
  code: 'truncated' | 'empty' | 'not-image';
}

export interface PhotoFolder {
  dir: string;
  photos: FixturePhoto[];
  broken: BrokenFile[];
}

interface PhotoFolderOptions {
  count: number;
  /** File name prefix, e.g. 'IMG_' or 'DSC_': names differ between folders so a tile names one photo. */
  prefix: string;
  /** Number of the first file (default 1000): give each folder its own range, so no two share a name. */
  firstNumber?: number;
  /** Every n-th photo is a PNG (the rest JPEG); 0 for none. */
  pngEvery?: number;
  /** Every n-th photo is black-and-white stripes or a checkerboard; 0 for none. */
  patternEvery?: number;
  /** Oldest modification time; photo i is `daysApart` days later than photo i - 1. */
  firstDate: Date;
  daysApart: number;
  /** Add the broken files (truncated JPEG, empty file, text named .jpg). */
  broken?: boolean;
}

/** Photo size: small enough that 150 decode in a few seconds on two cores, big enough to look like a photo
 *  in the preview. Landscape and portrait alternate so the grid shows both. The file number picks the
 *  exact size (below), so no two files in any folders share bytes and none is deduplicated as a copy. */
const LONG_SIDE_PX = 400;
const SHORT_SIDE_PX = 300;
const SIZE_STEPS = 200;
/** Per-channel shade jitter (0..255): photos of one colour differ a little, as real ones do, yet stay far
 *  nearer their own prototype than any other (prototypes are ≥ 0.185 apart in squared 0..1 units). */
const JITTER = 10;
const PATTERNS: PatternName[] = ['horizontal', 'vertical', 'checker'];
const DAY_MS = 24 * 60 * 60 * 1000;
/** JPEG quality high enough that flat colours stay flat (no blocking the pattern detector would see). */
const QUALITY = 92;

/** A fixed permutation of 0..n-1 (a linear congruential shuffle), so file numbers say nothing of content. */
function shuffled(n: number, seed: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A little lighter or darker, never another hue. */
function jittered(colour: ColourName, i: number): readonly [number, number, number] {
  const clamp = (v: number) => Math.max(0, Math.min(255, v));
  const shift = ((i * 7) % (2 * JITTER + 1)) - JITTER;
  const [r, g, b] = COLOUR_PROTOTYPES[colour];
  return [clamp(r + shift), clamp(g + shift), clamp(b + shift)];
}

/** Encodes a synthetic picture as a JPEG or PNG file. */
export async function writeSyntheticPhoto(
  path: string,
  image: SyntheticImage,
  size: { width: number; height: number },
  format: 'jpeg' | 'png' = 'jpeg',
): Promise<string> {
  const raw = sharp(Buffer.from(syntheticPixels(image, size.width, size.height)), {
    raw: { width: size.width, height: size.height, channels: 3 },
  });
  await writeFile(path, await (format === 'png' ? raw.png() : raw.jpeg({ quality: QUALITY })).toBuffer());
  return path;
}

/** Writes a folder of photos (created if missing) and returns what each file shows. */
export async function writePhotoFolder(dir: string, opts: PhotoFolderOptions): Promise<PhotoFolder> {
  await mkdir(dir, { recursive: true });
  const numbers = shuffled(opts.count, opts.count * 31 + opts.prefix.length);
  const photos: FixturePhoto[] = [];
  for (let i = 0; i < opts.count; i++) {
    const patterned = !!opts.patternEvery && i % opts.patternEvery === opts.patternEvery - 1;
    const format = opts.pngEvery && i % opts.pngEvery === 0 ? 'png' : 'jpeg';
    const colour: ColourName = patterned ? 'gray' : COLOURS[i % COLOURS.length]!;
    const pattern: PatternName = patterned ? PATTERNS[i % PATTERNS.length]! : 'plain';
    const image: SyntheticImage = patterned ? blackAndWhite(pattern) : { colour: jittered(colour, i) };
    const n = (opts.firstNumber ?? 1000) + numbers[i]!;
    const name = `${opts.prefix}${n}.${format === 'png' ? 'png' : 'jpg'}`;
    const portrait = i % 3 === 2;
    const long = LONG_SIDE_PX + (n % SIZE_STEPS);
    const short = SHORT_SIDE_PX + (Math.floor(n / SIZE_STEPS) % SIZE_STEPS);
    const size = portrait ? { width: short, height: long } : { width: long, height: short };
    const path = await writeSyntheticPhoto(join(dir, name), image, size, format);
    const mtimeMs = opts.firstDate.getTime() + i * opts.daysApart * DAY_MS;
    await utimes(path, new Date(mtimeMs), new Date(mtimeMs));
    photos.push({ path, name, colour, pattern, format, mtimeMs });
  }

  const broken: BrokenFile[] = [];
  if (opts.broken) {
    const whole = await sharp(Buffer.from(syntheticPixels(blackAndWhite('checker'), 320, 240)), {
      raw: { width: 320, height: 240, channels: 3 },
    })
      .jpeg({ quality: QUALITY })
      .toBuffer();
    const files: Array<[string, BrokenFile['code'], Buffer | string]> = [
      // Cut in the middle of the entropy-coded data, as an interrupted copy leaves it.
      [`${opts.prefix}0001.jpg`, 'truncated', whole.subarray(0, Math.floor(whole.length * 0.5))],
      [`${opts.prefix}0002.jpg`, 'empty', ''],
      ['notes.jpg', 'not-image', 'Shopping list: film, batteries, sun cream.\n'],
    ];
    for (const [name, code, bytes] of files) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      broken.push({ path, name, code });
    }
  }
  return { dir, photos, broken };
}

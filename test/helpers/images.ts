// Makes real, decodable photos for tests (solid colours and stripes, JPEG/PNG/WebP) with sharp, so tests
// can build photo folders on the fly instead of committing binaries.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import sharp from 'sharp';

export type Rgb = readonly [r: number, g: number, b: number];
type PhotoFormat = 'jpeg' | 'png' | 'webp';

interface PhotoOptions {
  width: number;
  height: number;
  /** Defaults to JPEG. */
  format?: PhotoFormat;
  /** JPEG/WebP quality; 95 keeps flat colours within a level or two of what was asked. */
  quality?: number;
}

const DEFAULT_QUALITY = 95;

/** Encodes packed RGB pixels in the requested format. */
export function encodeRgb(pixels: Uint8Array, opts: PhotoOptions): Promise<Buffer> {
  const image = sharp(pixels, { raw: { width: opts.width, height: opts.height, channels: 3 } });
  const quality = opts.quality ?? DEFAULT_QUALITY;
  switch (opts.format ?? 'jpeg') {
    case 'jpeg':
      return image.jpeg({ quality }).toBuffer();
    case 'png':
      return image.png().toBuffer();
    case 'webp':
      return image.webp({ quality }).toBuffer();
  }
}

/** A photo of one colour. */
export function solidPhoto(colour: Rgb, opts: PhotoOptions): Promise<Buffer> {
  const pixels = new Uint8Array(opts.width * opts.height * 3);
  for (let i = 0; i < pixels.length; i += 3) pixels.set(colour, i);
  return encodeRgb(pixels, opts);
}

interface StripeOptions extends PhotoOptions {
  /** Colours repeated in order, one per stripe. */
  colours: readonly Rgb[];
  /** Width of each stripe in pixels. */
  stripeWidth: number;
  /** 'vertical' stripes run top to bottom (colour changes along x). Defaults to vertical. */
  direction?: 'vertical' | 'horizontal';
}

/** A photo of repeating colour stripes: distinct images for search and dedup tests, and a pattern that
 *  shows orientation and aliasing mistakes. */
export function stripedPhoto(opts: StripeOptions): Promise<Buffer> {
  if (opts.colours.length === 0 || !(opts.stripeWidth >= 1)) {
    throw new RangeError(
      `stripedPhoto: need colours and stripeWidth ≥ 1, got ${opts.colours.length} colours`,
    );
  }
  const pixels = new Uint8Array(opts.width * opts.height * 3);
  const vertical = (opts.direction ?? 'vertical') === 'vertical';
  for (let y = 0; y < opts.height; y++) {
    for (let x = 0; x < opts.width; x++) {
      const stripe = Math.floor((vertical ? x : y) / opts.stripeWidth) % opts.colours.length;
      pixels.set(opts.colours[stripe]!, (y * opts.width + x) * 3);
    }
  }
  return encodeRgb(pixels, opts);
}

/** The format a path's extension asks for (.jpg/.jpeg, .png, .webp). */
function formatOf(path: string): PhotoFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.jpg' || ext === '.jpeg') return 'jpeg';
  if (ext === '.png') return 'png';
  if (ext === '.webp') return 'webp';
  throw new Error(`formatOf: ${path} has no photo extension (.jpg, .jpeg, .png, .webp)`);
}

/** Writes a solid-colour photo to `path` (format from the extension), creating folders. */
export async function writeSolidPhoto(
  path: string,
  colour: Rgb,
  size: { width: number; height: number },
): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, await solidPhoto(colour, { ...size, format: formatOf(path) }));
  return path;
}

/** Writes a striped photo to `path` (format from the extension), creating folders. */
export async function writeStripedPhoto(path: string, opts: Omit<StripeOptions, 'format'>): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, await stripedPhoto({ ...opts, format: formatOf(path) }));
  return path;
}

// Decodes any photo once with sharp into the model's square RGB input (and optionally a WebP thumbnail),
// naming the file and the reason in a typed error when it cannot.
import sharp from 'sharp';
import type { Sharp, SharpOptions } from 'sharp';
import { NotRegularFileError, readRegularFile } from '../fs/regular-file';
import type { PreprocessSpec } from '../runtime/types';

/** Why a file gave no model input; the indexer stores this per file. */
export type ImageErrorCode =
  | 'not-found'
  | 'unreadable' // I/O error or permissions
  | 'empty' // zero bytes
  | 'not-image' // bytes of no image format at all (a text file named .jpg)
  | 'unsupported' // a real image format this build of libvips cannot read (HEIC, BMP, PSD, JPEG XL…)
  | 'truncated' // the file ends before the image data does
  | 'corrupt' // header or data the decoder rejects
  | 'too-large'; // over limitInputPixels (a pixel bomb) or MAX_FILE_BYTES

export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  constructor(
    readonly code: ImageErrorCode,
    /** The path, or the name given for a buffer. */
    readonly file: string,
    /** What is wrong, in words: shown to the user next to the file. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${detail}`, options);
  }
}

/** The source image as the viewer sees it: EXIF orientation applied. */
interface DecodedImage {
  width: number;
  height: number;
  /** sharp's format name: jpeg, png, webp, gif, tiff, heif, svg… */
  format: string;
  hasAlpha: boolean;
}

/** How the pixels get to imageSize; docs/PREPROCESSING.md has the measurements behind the default. */
export interface Resampling {
  /** 'direct': one resize from the file to the model input (a thumbnail is a second pipeline);
   *  'intermediate': one decode to a buffer whose short side is `intermediateShortSide`, from which both
   *  the model input and the thumbnail are resized. */
  via: 'direct' | 'intermediate';
  /** JPEG (and WebP) decode at 1/2, 1/4 or 1/8 scale: true takes the largest factor that still leaves
   *  the first resize's target size; false leaves at least 2× for the resize kernel, which is closer
   *  to open_clip's full-resolution resize. */
  fastShrinkOnLoad: boolean;
  intermediateShortSide: number;
}

/** Measured on 17 photos against open_clip (docs/PREPROCESSING.md): one gentle decode to 512 px keeps
 *  12–18 MP JPEGs at mean |Δ| 0.004 (a quarter of a uint8 level; direct fast shrink-on-load: 0.015) and,
 *  with the indexer's thumbnail, runs 5.0 img/s per core against 3.3 for two direct pipelines. */
const DEFAULT_RESAMPLING: Resampling = {
  via: 'intermediate',
  fastShrinkOnLoad: false,
  intermediateShortSide: 512,
};
/** sharp's own default (0x3FFF²): larger than any camera (200 MP phones), small enough that a crafted
 *  header cannot make libvips allocate gigabytes. */
const DEFAULT_LIMIT_INPUT_PIXELS = 0x3fff * 0x3fff;
/** No photo is this big; reading a mislabelled video or disk image into memory is not worth trying. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;
/** Grid previews: effort 2 encodes a detailed 256 px WebP in ~10 ms of CPU against ~16 ms at the
 *  default effort 4, for 2% more bytes. */
export const THUMBNAIL_WEBP = { quality: 80, effort: 2 } as const;
/** What transparent pixels become: LAION's downloader (img2dataset) composited alpha onto white before
 *  CLIP ever saw it, and viewers show logos and cut-outs on light backgrounds. See docs/PREPROCESSING.md. */
const ALPHA_BACKGROUND = { r: 255, g: 255, b: 255 } as const;

// One libvips thread per image (sharp's own default on glibc, set here so it does not depend on the
// allocator it detects): JPEG decoding is sequential, so extra threads inside one image barely help,
// while concurrent decodeForModel calls on libuv's pool (UV_THREADPOOL_SIZE, 4 by default) use every
// core, and glibc's per-thread malloc arenas stay few. The operation cache only pays off when one file
// is processed twice, which an indexer never does, so it is off to keep memory flat.
const LIBVIPS_THREADS_PER_IMAGE = 1;
sharp.concurrency(LIBVIPS_THREADS_PER_IMAGE);
sharp.cache(false);

const KERNELS = { bicubic: 'cubic', bilinear: 'linear', nearest: 'nearest', lanczos3: 'lanczos3' } as const;

interface DecodeOptions {
  /** Longest side of a WebP thumbnail made from the same decode; none when absent. */
  thumbnailSize?: number;
  limitInputPixels?: number;
  signal?: AbortSignal;
  /** Name used in errors when `input` is a buffer. */
  name?: string;
  /** Measurement tools compare alternatives; the indexer keeps the default. */
  resampling?: Partial<Resampling>;
}

export interface ModelInput {
  /** imageSize × imageSize × 3, row-major packed RGB, ready for writeTensor. */
  rgb: Uint8Array;
  info: DecodedImage;
  thumbnail?: Buffer;
}

/** Decodes `input` (a path or the file's bytes) into the model input described by `spec`. */
export async function decodeForModel(
  input: string | Buffer,
  spec: PreprocessSpec,
  opts: DecodeOptions = {},
): Promise<ModelInput> {
  const file = typeof input === 'string' ? input : (opts.name ?? '<buffer>');
  opts.signal?.throwIfAborted();
  const bytes = typeof input === 'string' ? await readImageFile(input) : input;
  opts.signal?.throwIfAborted();
  if (bytes.length === 0) throw new ImageDecodeError('empty', file, 'the file is empty (0 bytes)');

  const sharpOptions: SharpOptions = {
    // 'error' (which includes 'truncated') rejects broken data but lets through the benign libjpeg
    // warnings that many camera files trigger ("extraneous bytes before marker").
    failOn: 'error',
    limitInputPixels: opts.limitInputPixels ?? DEFAULT_LIMIT_INPUT_PIXELS,
    autoOrient: true,
    // First frame of animations and first page of multi-page TIFFs.
    pages: 1,
  };
  try {
    const meta = await sharp(bytes, sharpOptions).metadata();
    const info: DecodedImage = {
      width: meta.autoOrient.width,
      height: meta.autoOrient.height,
      format: meta.format,
      hasAlpha: meta.hasAlpha,
    };
    opts.signal?.throwIfAborted();
    const region = centreRegion(info.width, info.height);
    const source = () => {
      const image = sharp(bytes, sharpOptions);
      return (region ? image.extract(region) : image).flatten({ background: ALPHA_BACKGROUND });
    };
    const size = region ?? info;
    const resampling = { ...DEFAULT_RESAMPLING, ...opts.resampling };
    const result =
      resampling.via === 'intermediate'
        ? await viaIntermediate(source, size, spec, resampling, opts.thumbnailSize)
        : await direct(source, size, spec, resampling, opts.thumbnailSize);
    opts.signal?.throwIfAborted();
    return { ...result, info };
  } catch (error) {
    if (error instanceof ImageDecodeError || opts.signal?.aborted) throw error;
    throw classifySharpError(error, file, bytes);
  }
}

async function readImageFile(path: string): Promise<Buffer> {
  try {
    // Bounded and checked on the open file: a device or FIFO named .jpg is refused, never read.
    return await readRegularFile(path, MAX_FILE_BYTES);
  } catch (error) {
    if (error instanceof NotRegularFileError) {
      const code = error.problem === 'size' ? 'too-large' : 'unreadable';
      throw new ImageDecodeError(code, path, error.detail);
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new ImageDecodeError('not-found', path, 'the file does not exist', { cause: error });
    throw new ImageDecodeError('unreadable', path, `cannot read the file (${code ?? String(error)})`, {
      cause: error,
    });
  }
}

/** Where the square model input comes from in an oriented image of `width` × `height`:
 *  resize to `resizeWidth` × `resizeHeight`, then take the `imageSize` square at (`left`, `top`). */
export interface ResizePlan {
  resizeWidth: number;
  resizeHeight: number;
  left: number;
  top: number;
}

/** Python's round(): halves go to the even neighbour, which is what torchvision's centre crop uses. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const frac = x - floor;
  if (frac !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** torchvision's arithmetic, so crops line up with the reference pixel for pixel:
 *  Resize(size) sets the short side to `size` and the long side to int(size × long / short);
 *  CenterCrop offsets are int(round((side − size) / 2)). 'squash' scales both sides to `size`. */
export function planResize(width: number, height: number, spec: PreprocessSpec): ResizePlan {
  const size = spec.imageSize;
  if (!(width > 0 && height > 0)) throw new RangeError(`planResize: image size ${width}×${height} is empty`);
  if (spec.resize === 'squash') return { resizeWidth: size, resizeHeight: size, left: 0, top: 0 };
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  // int() truncates; the float64 product matches Python's float arithmetic exactly.
  const newLong = Math.trunc((size * long) / short);
  const resizeWidth = width <= height ? size : newLong;
  const resizeHeight = width <= height ? newLong : size;
  return {
    resizeWidth,
    resizeHeight,
    left: roundHalfEven((resizeWidth - size) / 2),
    top: roundHalfEven((resizeHeight - size) / 2),
  };
}

/** Beyond this aspect ratio torchvision's rule (short side to imageSize) makes the resized long side
 *  huge (a 2 × 4000 strip becomes 224 × 448 000) although only its centre survives the crop. */
const MAX_ASPECT = 32;

/** For extreme strips, the centre part twice as long as the short side: it holds the crop and leaves
 *  the resize kernel room on both ends. The thumbnail then shows that part too. */
function centreRegion(width: number, height: number) {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  if (long <= MAX_ASPECT * short) return undefined;
  const length = 2 * short;
  const start = Math.floor((long - length) / 2);
  return width > height
    ? { left: start, top: 0, width: length, height }
    : { left: 0, top: start, width, height: length };
}

type Source = () => Sharp;
type Size = { width: number; height: number };

/** Decodes `image` straight to width × height packed sRGB bytes with the model's resampling kernel. */
function decodeResized(
  image: Sharp,
  width: number,
  height: number,
  spec: PreprocessSpec,
  fastShrinkOnLoad: boolean,
) {
  return image
    .resize(width, height, { fit: 'fill', kernel: KERNELS[spec.interpolation], fastShrinkOnLoad })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
}

/** One sharp pipeline per output, both reading the same bytes. */
async function direct(
  source: Source,
  info: Size,
  spec: PreprocessSpec,
  { fastShrinkOnLoad }: Resampling,
  thumbnailSize: number | undefined,
): Promise<{ rgb: Uint8Array; thumbnail?: Buffer }> {
  const plan = planResize(info.width, info.height, spec);
  const model = decodeResized(source(), plan.resizeWidth, plan.resizeHeight, spec, fastShrinkOnLoad);
  const thumbnail = thumbnailSize ? encodeThumbnail(source(), thumbnailSize) : undefined;
  const { data, info: out } = await model;
  return {
    rgb: cropPacked(data, out.width, out.height, out.channels, plan, spec.imageSize),
    thumbnail: await thumbnail,
  };
}

/** One decode to a shared RGB buffer; the model input and the thumbnail are both resized from it. */
async function viaIntermediate(
  source: Source,
  info: Size,
  spec: PreprocessSpec,
  { fastShrinkOnLoad, intermediateShortSide }: Resampling,
  thumbnailSize: number | undefined,
): Promise<{ rgb: Uint8Array; thumbnail?: Buffer }> {
  const shortSide = Math.max(intermediateShortSide, spec.imageSize);
  const scale = Math.min(1, shortSide / Math.min(info.width, info.height));
  const { data, info: mid } = await decodeResized(
    source(),
    Math.max(1, Math.round(info.width * scale)),
    Math.max(1, Math.round(info.height * scale)),
    spec,
    fastShrinkOnLoad,
  );
  const raw = { raw: { width: mid.width, height: mid.height, channels: mid.channels } } as const;
  const plan = planResize(info.width, info.height, spec);
  const model = sharp(data, raw)
    .resize(plan.resizeWidth, plan.resizeHeight, { fit: 'fill', kernel: KERNELS[spec.interpolation] })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const thumbnail = thumbnailSize ? encodeThumbnail(sharp(data, raw), thumbnailSize) : undefined;
  const { data: resized, info: out } = await model;
  return {
    rgb: cropPacked(resized, out.width, out.height, out.channels, plan, spec.imageSize),
    thumbnail: await thumbnail,
  };
}

function encodeThumbnail(image: Sharp, size: number): Promise<Buffer> {
  return image
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .webp(THUMBNAIL_WEBP)
    .toBuffer();
}

/** Copies the centre-crop square out of the resized image. Cropping here rather than with sharp's
 *  extract() keeps JPEG shrink-on-load for EXIF-rotated photos: sharp orients before resizing, at full
 *  size, whenever an extract follows an auto-orient. */
function cropPacked(
  data: Buffer,
  width: number,
  height: number,
  channels: number,
  plan: ResizePlan,
  size: number,
): Uint8Array {
  if (channels !== 3 || width !== plan.resizeWidth || height !== plan.resizeHeight) {
    throw new Error(
      `resize gave ${width}×${height}×${channels}, expected ${plan.resizeWidth}×${plan.resizeHeight}×3`,
    );
  }
  const rgb = new Uint8Array(size * size * 3);
  const rowBytes = size * 3;
  for (let y = 0; y < size; y++) {
    const from = ((plan.top + y) * width + plan.left) * 3;
    rgb.set(data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return rgb;
}

/** Formats recognised by their first bytes, to tell "an image libvips cannot read" from "not an image". */
const SIGNATURES: Array<{ format: string; test: (b: Buffer) => boolean }> = [
  { format: 'JPEG', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { format: 'PNG', test: (b) => b.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])) },
  { format: 'GIF', test: (b) => b.toString('latin1', 0, 4) === 'GIF8' },
  {
    format: 'WebP',
    test: (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
  },
  { format: 'TIFF', test: (b) => ['II*\0', 'MM\0*'].includes(b.toString('latin1', 0, 4)) },
  { format: 'HEIF/AVIF', test: (b) => b.toString('latin1', 4, 8) === 'ftyp' },
  { format: 'BMP', test: (b) => b.toString('latin1', 0, 2) === 'BM' && b.length > 26 },
  { format: 'PSD', test: (b) => b.toString('latin1', 0, 4) === '8BPS' },
  { format: 'ICO', test: (b) => b.readUInt32BE(0) === 0x00000100 },
  {
    format: 'JPEG XL',
    test: (b) => (b[0] === 0xff && b[1] === 0x0a) || b.toString('latin1', 4, 8) === 'JXL ',
  },
];

function sniffFormat(bytes: Buffer): string | undefined {
  if (bytes.length < 12) return undefined;
  return SIGNATURES.find((s) => s.test(bytes))?.format;
}

/** JPEG and PNG have explicit end markers; a file without one that fails to decode was cut short. */
function lacksEndMarker(format: string | undefined, bytes: Buffer): boolean {
  if (format === 'JPEG') {
    // Some encoders pad after EOI, so look for the marker near the end rather than at the last byte.
    return bytes.subarray(-64).indexOf(Buffer.from([0xff, 0xd9])) === -1;
  }
  if (format === 'PNG') return bytes.subarray(-12).indexOf('IEND', 0, 'latin1') === -1;
  return false;
}

/** Maps sharp's error text (libvips has no error codes) to an ImageErrorCode, keeping the text. */
function classifySharpError(error: unknown, file: string, bytes: Buffer): ImageDecodeError {
  const text = error instanceof Error ? error.message : String(error);
  const format = sniffFormat(bytes);
  const fail = (code: ImageErrorCode, detail: string) =>
    new ImageDecodeError(code, file, detail, { cause: error });
  if (/exceeds pixel limit/i.test(text)) {
    return fail('too-large', `the image has more pixels than the limit (${text})`);
  }
  if (/unsupported image format/i.test(text)) {
    return format
      ? fail('unsupported', `${format} images cannot be decoded by this build of libvips`)
      : fail('not-image', 'the file is not an image (no known image format matches its first bytes)');
  }
  if (
    /premature end|truncated|unexpected end|end of (file|data|stream)/i.test(text) ||
    lacksEndMarker(format, bytes)
  ) {
    return fail('truncated', `the ${format ?? 'image'} data ends early (${text})`);
  }
  if (/heif|unsupported (codec|feature)/i.test(text) && format === 'HEIF/AVIF') {
    return fail('unsupported', `this HEIF/AVIF variant cannot be decoded (${text})`);
  }
  return fail('corrupt', `the ${format ?? 'image'} data is damaged (${text})`);
}

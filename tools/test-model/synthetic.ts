// Synthetic pictures the test model recognises (solid colours, stripes, checkerboards), as raw RGB pixels
// for sharp to encode, or as the CLIP-normalised tensor the visual tower takes.
import { COLOUR_PROTOTYPES, TEST_IMAGE_SIZE } from './design';
import type { ColourName, PatternName } from './design';

type Rgb = readonly [number, number, number];

export interface SyntheticImage {
  /** First colour: a prototype name or 0..255 RGB. */
  colour: ColourName | Rgb;
  /** Default 'plain'. Patterns alternate `colour` and `second` in bands of `bandPx`. */
  pattern?: PatternName;
  /** Second colour of a pattern; default black. */
  second?: ColourName | Rgb;
  /** Band width in pixels; 16 makes 14 bands across 224 px, far above the edge threshold. */
  bandPx?: number;
}

const rgbOf = (c: ColourName | Rgb): Rgb => (typeof c === 'string' ? COLOUR_PROTOTYPES[c] : c);

/** Black and white stripes or squares of `pattern` (mean colour gray), the pairs the pattern tests use. */
export const blackAndWhite = (pattern: PatternName): SyntheticImage => ({
  colour: 'white',
  second: 'black',
  pattern,
});

/** Interleaved RGB bytes, row-major: what sharp(buffer, { raw: { width, height, channels: 3 } }) takes. */
export function syntheticPixels(
  image: SyntheticImage,
  width = TEST_IMAGE_SIZE,
  height = TEST_IMAGE_SIZE,
): Uint8Array {
  const a = rgbOf(image.colour);
  const b = rgbOf(image.second ?? 'black');
  const band = image.bandPx ?? 16;
  const pattern = image.pattern ?? 'plain';
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const row = Math.floor(y / band) % 2;
      const col = Math.floor(x / band) % 2;
      const useSecond =
        pattern === 'horizontal' ? row : pattern === 'vertical' ? col : pattern === 'checker' ? row ^ col : 0;
      out.set(useSecond ? b : a, (y * width + x) * 3);
    }
  }
  return out;
}

/** CLIP input [3, size, size] from square interleaved RGB pixels: (v / 255 - mean) / std per channel. */
export function normalisedTensor(
  pixels: Uint8Array,
  mean: readonly number[],
  std: readonly number[],
  size = TEST_IMAGE_SIZE,
): Float32Array {
  if (pixels.length !== size * size * 3) {
    throw new Error(`normalisedTensor: expected ${size}×${size}×3 bytes, got ${pixels.length}`);
  }
  const out = new Float32Array(3 * size * size);
  for (let i = 0; i < size * size; i++) {
    for (let ch = 0; ch < 3; ch++)
      out[ch * size * size + i] = (pixels[i * 3 + ch]! / 255 - mean[ch]!) / std[ch]!;
  }
  return out;
}

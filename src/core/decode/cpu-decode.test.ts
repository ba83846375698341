import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { stripedPhoto } from '../../../test/helpers/images';
import { decodeForModel, ImageDecodeError } from './cpu-decode';
import type { ImageErrorCode } from './cpu-decode';
import { VIT_H_14_PREPROCESS } from '../runtime/types';
import type { PreprocessSpec } from '../runtime/types';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/images');
const fixture = (name: string) => join(FIXTURES, name);
const SPEC = VIT_H_14_PREPROCESS;
const SIZE = SPEC.imageSize;

type Rgb = [number, number, number];
const RED: Rgb = [255, 0, 0];
const GREEN: Rgb = [0, 255, 0];
const BLUE: Rgb = [0, 0, 255];
const WHITE: Rgb = [255, 255, 255];

function pixel(rgb: Uint8Array, x: number, y: number, size = SIZE): Rgb {
  const i = (y * size + x) * 3;
  return [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
}

/** Whether every channel is within `tolerance` levels of `expected` (JPEG moves flat colours a little). */
function near(actual: Rgb, expected: Rgb, tolerance: number): boolean {
  return actual.every((v, c) => Math.abs(v - expected[c]!) <= tolerance);
}

/** The four quadrant colours the orientation fixtures show when upright, sampled well inside each
 *  quadrant of the centre-cropped model input. */
function quadrants(rgb: Uint8Array): Rgb[] {
  return [pixel(rgb, 40, 40), pixel(rgb, 184, 40), pixel(rgb, 40, 184), pixel(rgb, 184, 184)];
}

async function decodeError(input: string | Buffer, opts = {}): Promise<ImageDecodeError> {
  const error: unknown = await decodeForModel(input, SPEC, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageDecodeError);
  return error as ImageDecodeError;
}

describe('decodeForModel', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('shows a JPEG with EXIF orientation %i the right way up', async (n) => {
    const { rgb, info } = await decodeForModel(fixture(`orientation-${n}.jpg`), SPEC);
    expect(info).toMatchObject({ width: 48, height: 32, format: 'jpeg' });
    expect(rgb.length).toBe(SIZE * SIZE * 3);
    const [topLeft, topRight, bottomLeft, bottomRight] = quadrants(rgb);
    expect(near(topLeft!, RED, 40), `top left ${topLeft}`).toBe(true);
    expect(near(topRight!, GREEN, 40), `top right ${topRight}`).toBe(true);
    expect(near(bottomLeft!, BLUE, 40), `bottom left ${bottomLeft}`).toBe(true);
    expect(near(bottomRight!, WHITE, 40), `bottom right ${bottomRight}`).toBe(true);
  });

  it('turns a greyscale JPEG into three equal channels', async () => {
    const { rgb } = await decodeForModel(fixture('grey.jpg'), SPEC);
    for (const [r, g, b] of quadrants(rgb)) expect(r === g && g === b, `${r},${g},${b}`).toBe(true);
    // Luma of red (about 76) is darker than that of green (about 150).
    expect(quadrants(rgb)[0]![0]).toBeLessThan(quadrants(rgb)[1]![0]);
  });

  it('converts a CMYK JPEG to sRGB', async () => {
    const { rgb } = await decodeForModel(fixture('cmyk.jpg'), SPEC);
    // The fixture was made from these sRGB colours (inside the CMYK gamut); profiles move them a little.
    const expected: Rgb[] = [[200, 40, 40], [40, 160, 60], [40, 60, 160], WHITE];
    quadrants(rgb).forEach((actual, i) => expect(near(actual, expected[i]!, 32), `${actual}`).toBe(true));
  });

  it.each(['rgb16.png', 'palette.png'])('reads %s as 8-bit RGB with its colours intact', async (name) => {
    const { rgb } = await decodeForModel(fixture(name), SPEC);
    const expected = [RED, GREEN, BLUE, WHITE];
    quadrants(rgb).forEach((actual, i) => expect(near(actual, expected[i]!, 2), `${actual}`).toBe(true));
  });

  it('composites transparency onto white instead of showing the hidden colour', async () => {
    const { rgb, info } = await decodeForModel(fixture('alpha.png'), SPEC);
    expect(info.hasAlpha).toBe(true);
    expect(pixel(rgb, 40, 112)).toEqual(BLUE);
    // The transparent half stores pure red; the model must see the background, not that red.
    expect(pixel(rgb, 184, 112)).toEqual(WHITE);
  });

  it.each(['animated.gif', 'animated.webp'])('takes only the first frame of %s', async (name) => {
    const { rgb, info } = await decodeForModel(fixture(name), SPEC);
    expect(info).toMatchObject({ width: 48, height: 32 });
    for (const actual of quadrants(rgb)) expect(near(actual, RED, 8), `${actual}`).toBe(true);
  });

  it('squashes the whole picture into the square when the spec says squash', async () => {
    const squash: PreprocessSpec = { ...SPEC, resize: 'squash' };
    const { rgb } = await decodeForModel(fixture('rgb16.png'), squash);
    // Nothing is cropped: the quadrant edges sit at the centre, and the corners keep their colours.
    expect(near(pixel(rgb, 2, 2), RED, 2)).toBe(true);
    expect(near(pixel(rgb, 221, 221), WHITE, 2)).toBe(true);
    expect(near(pixel(rgb, 108, 108), RED, 2)).toBe(true);
    expect(near(pixel(rgb, 116, 116), WHITE, 2)).toBe(true);
  });

  it('crops the centre of a wide photo and keeps its stripes in order', async () => {
    // 672 × 224: the crop is the middle third, so its left edge is the second stripe.
    const stripes: Rgb[] = [RED, GREEN, BLUE];
    const png = await stripedPhoto({
      width: 672,
      height: 224,
      colours: stripes,
      stripeWidth: 224,
      format: 'png',
    });
    const { rgb } = await decodeForModel(png, SPEC);
    expect(pixel(rgb, 0, 100)).toEqual(GREEN);
    expect(pixel(rgb, 223, 100)).toEqual(GREEN);
  });

  it('decodes an extremely long strip from its centre without resizing all of it', async () => {
    // 2 × 4000 would resize to 224 × 448000 under torchvision's rule; only its centre matters.
    const png = await stripedPhoto({
      width: 2,
      height: 4000,
      colours: [RED, BLUE, GREEN, BLUE, RED],
      stripeWidth: 800,
      direction: 'horizontal',
      format: 'png',
    });
    const { rgb, info } = await decodeForModel(png, SPEC);
    expect(info).toMatchObject({ width: 2, height: 4000 });
    expect(pixel(rgb, 100, 0)).toEqual(GREEN);
    expect(pixel(rgb, 100, 223)).toEqual(GREEN);
  });

  it('makes a WebP thumbnail from the same decode, longest side as asked, oriented', async () => {
    const { thumbnail } = await decodeForModel(fixture('retina.jpg'), SPEC, { thumbnailSize: 256 });
    expect(await sharp(thumbnail!).metadata()).toMatchObject({ format: 'webp', width: 256, height: 256 });
    // Small pictures are not enlarged, and a rotated one comes out in display orientation.
    const small = await decodeForModel(fixture('orientation-6.jpg'), SPEC, { thumbnailSize: 256 });
    expect(await sharp(small.thumbnail!).metadata()).toMatchObject({ width: 48, height: 32 });
  });

  it('gives the same input through every resampling route for a photo smaller than the intermediate', async () => {
    const direct = await decodeForModel(fixture('orientation-1.jpg'), SPEC, {
      resampling: { via: 'direct' },
    });
    const via = await decodeForModel(fixture('orientation-1.jpg'), SPEC, {
      resampling: { via: 'intermediate' },
    });
    expect(Buffer.from(via.rgb).equals(Buffer.from(direct.rgb))).toBe(true);
  });

  it('stops before decoding when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('indexing cancelled'));
    await expect(decodeForModel(fixture('retina.jpg'), SPEC, { signal: controller.signal })).rejects.toThrow(
      'indexing cancelled',
    );
  });
});

describe('decodeForModel errors', () => {
  it.each<[string, ImageErrorCode, RegExp]>([
    ['truncated.jpg', 'truncated', /JPEG data ends early/],
    ['empty.jpg', 'empty', /empty \(0 bytes\)/],
    ['not-an-image.jpg', 'not-image', /not an image/],
    ['pixel-bomb.png', 'too-large', /more pixels than the limit/],
    ['tiny.bmp', 'unsupported', /BMP images cannot be decoded/],
    ['no-such-photo.jpg', 'not-found', /does not exist/],
  ])('reports %s as %s, naming the file', async (name, code, detail) => {
    const error = await decodeError(fixture(name));
    expect(error.code).toBe(code);
    expect(error.file).toBe(fixture(name));
    expect(error.message).toContain(fixture(name));
    expect(error.detail).toMatch(detail);
  });

  it('applies a caller limit on input pixels', async () => {
    // 48 × 32 = 1536 pixels.
    const error = await decodeError(fixture('orientation-1.jpg'), { limitInputPixels: 1000 });
    expect(error.code).toBe('too-large');
  });

  it('names a buffer by the name it was given', async () => {
    const bytes = await readFile(fixture('truncated.jpg'));
    const error = await decodeError(bytes, { name: 'camera/IMG_0001.JPG' });
    expect(error).toMatchObject({ code: 'truncated', file: 'camera/IMG_0001.JPG' });
    expect(error.message).toMatch(/^camera\/IMG_0001\.JPG: /);
  });

  it('calls damaged data corrupt when the file is complete', async () => {
    const bytes = Buffer.from(await readFile(fixture('retina.jpg')));
    bytes.fill(0x00, 200, 700); // overwrite the quantisation and Huffman tables
    const error = await decodeError(bytes);
    expect(error.code).toBe('corrupt');
  });
});

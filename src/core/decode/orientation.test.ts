import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { planResize } from '../decode/cpu-decode';
import { VIT_H_14_PREPROCESS } from '../runtime/types';
import { orientPixels, storedFramePlan, thumbnailSize, type Orientation } from './orientation';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/images');
const ORIENTATIONS: Orientation[] = [1, 2, 3, 4, 5, 6, 7, 8];

function randomRgb(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 2654435761) >>> 24;
  return rgb;
}

function crop(rgb: Uint8Array, width: number, left: number, top: number, size: number): Uint8Array {
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    const from = ((top + y) * width + left) * 3;
    out.set(rgb.subarray(from, from + size * 3), y * size * 3);
  }
  return out;
}

describe('orientPixels', () => {
  it.each(ORIENTATIONS)('turns orientation %i upright exactly as sharp does', async (o) => {
    const bytes = readFileSync(join(FIXTURES, `orientation-${o}.jpg`));
    const stored = await sharp(bytes, { autoOrient: false }).raw().toBuffer({ resolveWithObject: true });
    const upright = await sharp(bytes, { autoOrient: true }).raw().toBuffer({ resolveWithObject: true });
    const ours = orientPixels(stored.data, stored.info.width, stored.info.height, o);
    expect([ours.width, ours.height]).toEqual([upright.info.width, upright.info.height]);
    expect(Buffer.from(ours.rgb).equals(upright.data)).toBe(true);
  });

  it('names the size that does not match the buffer', () => {
    expect(() => orientPixels(new Uint8Array(5), 2, 2, 6)).toThrow(/5 bytes for 2×2 RGB/);
  });
});

describe('storedFramePlan', () => {
  // With the short side already at imageSize the resize is the identity, so the crop can be checked
  // pixel for pixel: cropping the stored frame and turning it upright equals cropping the upright image.
  it.each(ORIENTATIONS)('puts the centre crop of orientation %i where the upright crop comes from', (o) => {
    for (const [width, height] of [
      [41, 30],
      [30, 41],
    ] as const) {
      const spec = { ...VIT_H_14_PREPROCESS, imageSize: 30 };
      const stored = randomRgb(width, height);
      const upright = orientPixels(stored, width, height, o);
      const plan = storedFramePlan(width, height, o, spec);
      expect([plan.resizeWidth, plan.resizeHeight]).toEqual([width, height]);
      const uprightPlan = planResize(upright.width, upright.height, spec);
      const expected = crop(upright.rgb, upright.width, uprightPlan.left, uprightPlan.top, 30);
      const ours = orientPixels(crop(stored, width, plan.left, plan.top, 30), 30, 30, o).rgb;
      expect(Buffer.from(ours).equals(Buffer.from(expected))).toBe(true);
    }
  });
});

describe('thumbnailSize', () => {
  it('fits the longest side and never enlarges', () => {
    expect(thumbnailSize(4000, 3000, 256)).toEqual({ width: 256, height: 192 });
    expect(thumbnailSize(3000, 4000, 256)).toEqual({ width: 192, height: 256 });
    expect(thumbnailSize(200, 100, 256)).toEqual({ width: 200, height: 100 });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeForModel } from '../decode/cpu-decode';
import { writeTensor } from '../runtime/preprocess';
import { VIT_H_14_PREPROCESS } from '../runtime/types';
import { addonPlan, orientPixels, thumbnailSize } from './orientation';
import { addonForTests } from './testing';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/images');
const SPEC = VIT_H_14_PREPROCESS;
const ITEM = 3 * SPEC.imageSize * SPEC.imageSize;
const { addon, skip } = addonForTests();

function meanMax(rgb: Uint8Array, expected: Float32Array): { mean: number; max: number } {
  const ours = new Float32Array(ITEM);
  writeTensor(rgb, SPEC, ours, 0);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < ITEM; i++) {
    const d = Math.abs(ours[i]! - expected[i]!);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / ITEM, max };
}

// The GPU kernel's maths compiled for the host, fed with full-size pixels as nvJPEG would give them
// (here libjpeg-turbo's, through sharp), against open_clip's tensor for the same photo.
describe.skipIf(skip)('the GPU resize maths on the host', () => {
  it("stays within the issue's bound of open_clip's transform (mean ≤ 0.010, worst ≤ 0.060)", async () => {
    const ref = readFileSync(join(FIXTURES, 'retina.openclip-ref.bin'));
    const expected = new Float32Array(ref.buffer, ref.byteOffset, ref.length / 4);
    const { data, info } = await sharp(join(FIXTURES, 'retina.jpg'), { autoOrient: false })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const thumb = thumbnailSize(info.width, info.height, 256);
    const out = addon!.resampleHost(
      data,
      Int32Array.from(addonPlan(info.width, info.height, 1, SPEC, 256)),
      SPEC.imageSize,
      0,
    );
    const gpu = meanMax(out.model, expected);
    const cpu = meanMax((await decodeForModel(join(FIXTURES, 'retina.jpg'), SPEC)).rgb, expected);
    // Measured: mean 0.0000015, worst 0.015 (one uint8 level at a few pixels): it is Pillow's own
    // arithmetic. The CPU path gives 0.0024 / 0.030. A filter whose support did not widen with the
    // downscale, or a crop off by a pixel, fails the bounds.
    expect(gpu.mean).toBeLessThanOrEqual(0.01);
    expect(gpu.max).toBeLessThanOrEqual(0.06);
    expect(gpu.mean).toBeLessThanOrEqual(cpu.mean);
    expect(out.thumbnail.length).toBe(thumb.width * thumb.height * 3);
  });

  it.each([2, 5, 6, 7, 8] as const)(
    'gives for orientation %i exactly what resizing the upright image gives (Pillow resizes upright)',
    async (o) => {
      const file = join(FIXTURES, `orientation-${o}.jpg`);
      const stored = await sharp(file, { autoOrient: false }).raw().toBuffer({ resolveWithObject: true });
      const upright = await sharp(file, { autoOrient: true }).raw().toBuffer({ resolveWithObject: true });
      const fromStored = addon!.resampleHost(
        stored.data,
        Int32Array.from(addonPlan(stored.info.width, stored.info.height, o, SPEC)),
        SPEC.imageSize,
        0,
      );
      const fromUpright = addon!.resampleHost(
        upright.data,
        Int32Array.from(addonPlan(upright.info.width, upright.info.height, 1, SPEC)),
        SPEC.imageSize,
        0,
      );
      const turned = orientPixels(fromStored.model, SPEC.imageSize, SPEC.imageSize, o).rgb;
      expect(Buffer.from(turned).equals(fromUpright.model)).toBe(true);
    },
  );
});

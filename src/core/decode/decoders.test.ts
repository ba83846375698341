import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTestLibrary, type TestLibrary } from '../../../test/chaos/harness';
import { writeColourPhotos } from '../../../test/helpers/corpus';
import { defaultPhotoDecoders } from './decoders';
import { closeGpuDecoder } from './gpu-addon';
import { addonForTests, buildStubs, removeStubs } from './testing';

const { skip } = addonForTests();

describe.skipIf(skip)('the indexer with the stub GPU libraries', () => {
  let lib: TestLibrary;
  beforeAll(async () => {
    process.env.GLIMPSE_CUDA_LIBRARY_PATH = buildStubs();
    lib = await openTestLibrary();
    await writeColourPhotos(lib.photos, 4);
    const square = sharp({ create: { width: 300, height: 300, channels: 3, background: '#c33' } });
    await writeFile(
      join(lib.photos, 'progressive.jpg'),
      await square.clone().jpeg({ progressive: true }).toBuffer(),
    );
    await writeFile(join(lib.photos, 'logo.png'), await square.clone().png().toBuffer());
  });
  afterEach(() => {
    closeGpuDecoder();
    delete process.env.GLIMPSE_GPU_DECODE;
  });
  afterAll(async () => {
    removeStubs(process.env.GLIMPSE_CUDA_LIBRARY_PATH);
    delete process.env.GLIMPSE_CUDA_LIBRARY_PATH;
    await lib?.dispose();
  });

  it('tries the GPU first and the CPU after it, unless GLIMPSE_GPU_DECODE=off', () => {
    expect(defaultPhotoDecoders().map((d) => d.name)).toEqual(['gpu', 'cpu']);
    closeGpuDecoder();
    process.env.GLIMPSE_GPU_DECODE = 'off';
    expect(defaultPhotoDecoders().map((d) => d.name)).toEqual(['cpu']);
  });

  it('decodes baseline JPEGs on the GPU and hands the rest to the CPU, counted by reason', async () => {
    const summary = await lib.ops.index([lib.photos]);
    expect(summary).toMatchObject({ found: 6, embedded: 6, failed: [] });
    expect(summary.decoders).toEqual({
      decoded: { gpu: 4, cpu: 2 },
      fallbacks: { gpu: { progressive: 1, 'not-jpeg': 1 } },
    });
    expect(summary.photoDecoder).toMatch(/^photos decode on .+ with nvJPEG/);
  });
});

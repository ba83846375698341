import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestLibrary, type TestLibrary } from '../../../test/chaos/harness';
import { writeColourPhotos } from '../../../test/helpers/corpus';
import { choosePhotoDecoders } from './decoders';
import { probeGpuDecoder } from './gpu-addon';

// Indexing on a machine where GPU decoding cannot run (no addon build, driver, card or nvJPEG): every
// photo decodes on the CPU and the summary says in one line why the GPU decoder was off.

const PHOTOS = 6;
// Where the real libraries are found (a GPU machine) this is not the machine the test is about.
const gpuHere = !process.env.GLIMPSE_CUDA_LIBRARY_PATH && probeGpuDecoder().available;

describe.skipIf(gpuHere)('indexing without a usable GPU decoder', () => {
  let lib: TestLibrary;
  beforeAll(async () => {
    lib = await openTestLibrary();
    await writeColourPhotos(lib.photos, PHOTOS);
  });
  afterAll(async () => {
    await lib?.dispose();
  });

  it('chooses the CPU decoder alone and keeps the reason', () => {
    const choice = choosePhotoDecoders();
    expect(choice.decoders.map((d) => d.name)).toEqual(['cpu']);
    expect(choice.gpu).toMatch(/^GPU decoding off: \S/);
    expect(choice.gpu).toBe(probeGpuDecoder().summary);
  });

  it('decodes every photo on the CPU and says in the summary why the GPU decoder was off', async () => {
    const summary = await lib.ops.index([lib.photos]);
    expect(summary.embedded).toBe(PHOTOS);
    expect(summary.decoders).toEqual({ decoded: { cpu: PHOTOS }, fallbacks: {} });
    expect(summary.photoDecoder).toBe(probeGpuDecoder().summary);
    expect(summary.photoDecoder).toMatch(/^GPU decoding off: \S/);
  });

  it('says GLIMPSE_GPU_DECODE=off when that is the reason', () => {
    process.env.GLIMPSE_GPU_DECODE = 'off';
    try {
      expect(choosePhotoDecoders().gpu).toBe('GPU decoding off: GLIMPSE_GPU_DECODE=off');
    } finally {
      delete process.env.GLIMPSE_GPU_DECODE;
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogProblems, indexProblems } from '../../../../test/chaos/invariants';
import { openTestLibrary, TEST_BATCH, type TestLibrary } from '../../../../test/chaos/harness';
import { writeColourPhotos } from '../../../../test/helpers/corpus';
import { CpuDecoder } from './cpu-decoder';
import type { PhotoDecoder } from './decoder';

// When the model fails, the run stops without hanging, throws that error, and leaves a library whose
// catalog and index agree. A decoder call that fails as a whole hands its files to the next decoder.

const PHOTOS = 20;
let lib: TestLibrary;

beforeAll(async () => {
  lib = await openTestLibrary();
  await writeColourPhotos(lib.photos, PHOTOS);
});
afterAll(async () => {
  await lib?.dispose();
});

const consistent = () => {
  expect(catalogProblems(lib.ops.library.catalog.db, lib.ops.library.modelId)).toEqual([]);
  expect(indexProblems(lib.ops.library)).toEqual([]);
};

describe('a pipeline stage that fails', () => {
  it('the model failing on its second batch: the run throws its error and keeps the first batch', async () => {
    const embed = lib.ops.embedder.embedImages.bind(lib.ops.embedder);
    let calls = 0;
    lib.ops.embedder.embedImages = async (batch, items) => {
      if (++calls === 2) throw new Error('CUDA out of memory (stand-in)');
      return embed(batch, items);
    };
    try {
      await expect(lib.ops.index([lib.photos])).rejects.toThrow('CUDA out of memory (stand-in)');
    } finally {
      lib.ops.embedder.embedImages = embed;
    }
    const status = await lib.ops.status();
    expect(status.photos).toBeGreaterThanOrEqual(TEST_BATCH);
    expect(status.photos).toBeLessThan(PHOTOS);
    consistent();
  });

  it('a decoder call failing as a whole hands its files to the CPU; the next run finishes the work', async () => {
    const before = (await lib.ops.status()).photos;
    let calls = 0;
    const lost: PhotoDecoder = {
      name: 'gpu',
      preferredBatch: 2,
      async decode(files) {
        if (++calls === 1) throw new Error('device lost');
        return files.map(() => ({ ok: false, fallback: 'not-mine' }));
      },
    };
    const summary = await lib.ops.index([], { decoders: [lost, new CpuDecoder()] });
    expect(summary.failed).toEqual([]);
    expect(summary.embedded).toBe(PHOTOS - before);
    const handedOn = summary.decoders!.fallbacks.gpu!;
    expect(handedOn['call-failed']).toBeGreaterThanOrEqual(1);
    expect(handedOn['call-failed']! + handedOn['not-mine']!).toBe(PHOTOS - before);
    expect(summary.decoders!.decoded).toEqual({ cpu: PHOTOS - before });
    expect((await lib.ops.status()).photos).toBe(PHOTOS);
    consistent();
  });
});

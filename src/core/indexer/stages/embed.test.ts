import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestLibrary, TEST_BATCH, type TestLibrary } from '../../../../test/chaos/harness';
import { writeColourPhotos, type ColourPhoto } from '../../../../test/helpers/corpus';
import { decodeForModel } from '../../decode/cpu-decode';
import type { Embedder } from '../../runtime/embedder';
import { writeTensor } from '../../runtime/preprocess';
import type { Decoded } from './decode';
import { EmbedStage } from './embed';

// The embed stage hands uint8 pixels to Embedder.embedRgb (the tensor filled off the main thread):
// the vectors it commits must be exactly those of the main-thread path (writeTensor + embedImages).

const PHOTOS = 2 * TEST_BATCH + 1;
let lib: TestLibrary;
let photos: ColourPhoto[];

beforeAll(async () => {
  lib = await openTestLibrary();
  photos = await writeColourPhotos(lib.photos, PHOTOS);
  await lib.ops.index([lib.photos]);
});
afterAll(async () => {
  await lib?.dispose();
});

describe('the embed stage', () => {
  it('commits, for every photo, the vector the main-thread tensor path gives it', async () => {
    const embedder = lib.ops.embedder;
    const spec = embedder.bundle.preprocess;
    const batch = embedder.allocImageBatch(photos.length);
    for (const [i, p] of photos.entries())
      writeTensor((await decodeForModel(await readFile(p.path), spec)).rgb, spec, batch, i);
    const { vectors, dim } = await embedder.embedImages(batch, photos.length);
    const catalog = lib.ops.library.catalog;
    photos.forEach((p, i) => {
      const label = catalog.labelFor(lib.ops.library.modelId, catalog.photoByPath(p.path)!.hash!);
      expect([...catalog.vector(label!)!.vector], p.path).toEqual([
        ...vectors.subarray(i * dim, (i + 1) * dim),
      ]);
    });
  });

  it('refuses a decoded photo whose pixels are not the model input size, naming the file', () => {
    const embedder = { bundle: { preprocess: { imageSize: 2 } } } as unknown as Embedder;
    const stage = new EmbedStage(embedder, 2, 1);
    const photo = { item: { path: '/photos/odd.jpg' }, rgb: new Uint8Array(5) } as unknown as Decoded;
    expect(() => stage.assemble([photo], new Uint8Array(24))).toThrow(
      '/photos/odd.jpg: decoded to 5 bytes of pixels, the model takes 12',
    );
    expect(() => stage.assemble([photo, photo, photo], new Uint8Array(24))).toThrow(
      'embed stage: 3 photos for a batch of 2',
    );
  });
});

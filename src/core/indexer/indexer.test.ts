import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogProblems, indexProblems } from '../../../test/chaos/invariants';
import { openTestLibrary, searchPaths, type TestLibrary } from '../../../test/chaos/harness';
import { writeColourPhotos, type ColourPhoto } from '../../../test/helpers/corpus';
import { COLOURS } from '../../../tools/test-model/design';
import type { IndexProgress } from './progress';

// One library indexed step by step: a first run over a folder of colour photos, a run with nothing to
// do, then a run after files were broken or removed.

const PHOTOS = 33; // three of each of the test model's eleven colours
let lib: TestLibrary;
let photos: ColourPhoto[];

beforeAll(async () => {
  lib = await openTestLibrary();
  photos = await writeColourPhotos(lib.photos, PHOTOS);
  await writeFile(join(lib.photos, 'broken.jpg'), 'not a photo at all');
});
afterAll(async () => {
  await lib?.dispose();
});

describe('indexing a folder', () => {
  it('embeds every photo once, records the broken one with its reason, and says so in the summary', async () => {
    const phases: string[] = [];
    const summary = await lib.ops.index([lib.photos], {
      onProgress: (p: IndexProgress) => phases.at(-1) !== p.phase && phases.push(p.phase),
    });
    expect(summary).toMatchObject({
      found: PHOTOS + 1,
      embedded: PHOTOS,
      reused: 0,
      unchanged: 0,
      removed: 0,
    });
    expect(summary.cancelled).toBe(false);
    expect(summary.failed).toEqual([
      {
        path: join(lib.photos, 'broken.jpg'),
        code: 'not-image',
        reason: expect.stringMatching(/not an image/),
      },
    ]);
    expect(lib.embeddedImages()).toBe(PHOTOS);
    expect(phases).toEqual(['scanning', 'indexing', 'sweeping', 'done']);

    const status = await lib.ops.status();
    expect(status).toMatchObject({ photos: PHOTOS, failed: 1, vectors: PHOTOS });
    expect(status.index.size).toBe(PHOTOS);
    expect(status.thumbnails.files).toBe(PHOTOS);
    expect(lib.ops.failures()).toEqual([
      { path: join(lib.photos, 'broken.jpg'), code: 'not-image', reason: expect.any(String) },
    ]);
    expect(catalogProblems(lib.ops.library.catalog.db, lib.ops.library.modelId)).toEqual([]);
    expect(indexProblems(lib.ops.library)).toEqual([]);
  });

  it('ranks the photos of each colour first when searching for that colour', async () => {
    for (const colour of COLOURS) {
      const mine = photos.filter((p) => p.colour === colour).map((p) => p.path);
      const hits = await searchPaths(lib.ops, colour);
      expect(hits).toHaveLength(PHOTOS);
      expect(new Set(hits.slice(0, mine.length)), `search "${colour}"`).toEqual(new Set(mine));
    }
  });

  it('finds nothing to do on a second run: all unchanged, nothing embedded, the broken file not retried', async () => {
    const before = lib.embeddedImages();
    const summary = await lib.ops.index([]);
    expect(summary).toMatchObject({
      found: PHOTOS + 1,
      embedded: 0,
      reused: 0,
      unchanged: PHOTOS + 1,
      removed: 0,
    });
    expect(summary.failed).toEqual([]);
    expect(lib.embeddedImages()).toBe(before);
  });

  it('removes rows of deleted files and counts them', async () => {
    const gone = photos.filter((p) => p.colour === 'red');
    await Promise.all(gone.map((p) => rm(p.path)));
    await rm(join(lib.photos, 'broken.jpg'));
    const summary = await lib.ops.index([]);
    expect(summary).toMatchObject({ found: PHOTOS - 3, embedded: 0, unchanged: PHOTOS - 3, removed: 4 });
    const hits = await searchPaths(lib.ops, 'red');
    expect(hits).toHaveLength(PHOTOS - 3);
    for (const p of gone) expect(hits).not.toContain(p.path);
    expect(lib.ops.failures()).toEqual([]);
    expect(indexProblems(lib.ops.library)).toEqual([]);
    expect(catalogProblems(lib.ops.library.catalog.db, lib.ops.library.modelId)).toEqual([]);
  });
});

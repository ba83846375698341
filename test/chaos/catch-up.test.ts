// A library whose index file is older than its catalog — saved, then photos added and deleted by a
// process killed before it saved the index again — opens from that file and catches up from the
// catalog (vectors added after the save, the deletion journal replayed) instead of rebuilding.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeColourPhotos, type ColourPhoto } from '../helpers/corpus';
import { killHard, startChild } from './child';
import { openTestLibrary, searchPaths, TEST_BATCH, type TestLibrary } from './harness';
import { catalogProblems, indexProblems } from './invariants';

const FIRST = 20;
const ADDED = 6;
const DELETED = 4;
let lib: TestLibrary;
let kept: ColourPhoto[];
let added: ColourPhoto[];
let deleted: ColourPhoto[];

beforeAll(async () => {
  lib = await openTestLibrary();
  const first = await writeColourPhotos(lib.photos, FIRST);
  expect(await lib.ops.index([lib.photos])).toMatchObject({ embedded: FIRST });
  await lib.close(); // saves the index file and records it in the catalog

  deleted = first.slice(0, DELETED);
  kept = first.slice(DELETED);
  await Promise.all(deleted.map((p) => rm(p.path)));
  added = await writeColourPhotos(lib.photos, ADDED, 100);

  const child = startChild('index-child.ts', [
    lib.modelDir,
    lib.libraryDir,
    lib.photos,
    String(TEST_BATCH),
    '--no-save',
  ]);
  try {
    const line = await child.waitFor((l) => l.includes('"indexed"'));
    expect(JSON.parse(line)).toMatchObject({ summary: { embedded: ADDED, removed: DELETED } });
  } finally {
    await killHard(child);
  }
});
afterAll(async () => {
  await lib?.dispose();
});

describe('a library whose index file is older than its catalog', () => {
  let reopened: TestLibrary;

  it('opens from the file and catches up instead of rebuilding', async () => {
    reopened = await openTestLibrary({ root: lib.root });
    const report = reopened.ops.library.indexReport;
    expect(report.from).toBe('file');
    expect(report.reason).toBeNull();
    expect(report.caughtUp).toEqual({ added: ADDED, removed: DELETED });
    expect(indexProblems(reopened.ops.library)).toEqual([]);
    expect(catalogProblems(reopened.ops.library.catalog.db, reopened.ops.library.modelId)).toEqual([]);
  });

  it('answers searches with the added photos and without the deleted ones', async () => {
    const all = await searchPaths(reopened.ops, 'red');
    expect(all.sort()).toEqual([...kept, ...added].map((p) => p.path).sort());
    for (const colour of new Set(added.map((p) => p.colour))) {
      const mine = [...kept, ...added].filter((p) => p.colour === colour).map((p) => p.path);
      expect(new Set((await searchPaths(reopened.ops, colour)).slice(0, mine.length))).toEqual(new Set(mine));
    }
  });

  it('saves the caught-up index, so the next open has nothing to catch up', async () => {
    await reopened.close();
    const third = await openTestLibrary({ root: lib.root });
    try {
      expect(third.ops.library.indexReport).toMatchObject({
        from: 'file',
        caughtUp: { added: 0, removed: 0 },
      });
      expect((await third.ops.status()).index.size).toBe(FIRST - DELETED + ADDED);
      expect(await third.ops.index([])).toMatchObject({ embedded: 0, removed: 0 });
    } finally {
      await third.close();
    }
  });
});

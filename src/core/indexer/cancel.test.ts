import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogProblems, indexProblems } from '../../../test/chaos/invariants';
import { openTestLibrary, TEST_BATCH, type TestLibrary } from '../../../test/chaos/harness';
import { writeColourPhotos, type ColourPhoto } from '../../../test/helpers/corpus';
import type { IndexSummary } from './indexer';

// Cancelling a run through its AbortSignal: it stops within the batch in flight, says it was
// cancelled, keeps what it committed, and the next run does only the rest.

const PHOTOS = 40;
/** Images committed before the test cancels: a few batches in, well before the end. */
const CANCEL_AFTER = 2 * TEST_BATCH;
/** Per batch: slower than decoding a batch here, so decoded photos queue up behind the model. */
const SLOW_MODEL_MS = 60;
let lib: TestLibrary;
let photos: ColourPhoto[];

beforeAll(async () => {
  lib = await openTestLibrary({ slowEmbedMs: SLOW_MODEL_MS });
  photos = await writeColourPhotos(lib.photos, PHOTOS);
});
afterAll(async () => {
  await lib?.dispose();
});

const consistent = () => {
  expect(catalogProblems(lib.ops.library.catalog.db, lib.ops.library.modelId)).toEqual([]);
  expect(indexProblems(lib.ops.library)).toEqual([]);
};

describe('cancelling an indexing run', () => {
  let first: IndexSummary;
  /** At the abort: images committed, embedImages calls started, and images of those not yet committed. */
  const atAbort = { embedded: 0, calls: 0, inFlight: 0 };

  it('stops within one batch of the abort and says it was cancelled', async () => {
    const controller = new AbortController();
    first = await lib.ops.index([lib.photos], {
      signal: controller.signal,
      onProgress: (p) => {
        if (controller.signal.aborted || p.embedded < CANCEL_AFTER) return;
        atAbort.embedded = p.embedded;
        atAbort.calls = lib.embedCalls.length;
        atAbort.inFlight = lib.embeddedImages() - p.embedded;
        controller.abort();
      },
    });
    expect(first.cancelled).toBe(true);
    expect(atAbort.embedded).toBeGreaterThanOrEqual(CANCEL_AFTER);
    // What the model was running finishes, and at most the one batch already queued behind it (its
    // tensor written): nothing else is handed to the model after the abort.
    expect(lib.embedCalls.length - atAbort.calls).toBeLessThanOrEqual(1);
    expect(first.embedded - atAbort.embedded).toBeLessThanOrEqual(atAbort.inFlight + TEST_BATCH);
    expect(first.embedded).toBe(lib.embeddedImages());
    expect(first.embedded).toBeLessThan(PHOTOS);
    expect(first.removed).toBe(0);
    consistent();
  });

  it('keeps what it committed: each embedded photo is indexed and searchable', async () => {
    const status = await lib.ops.status();
    expect(status.photos).toBe(first.embedded);
    expect(status.vectors).toBe(first.embedded);
    expect(status.index.size).toBe(first.embedded);
    const hits = await lib.ops.searchText('red', { limit: PHOTOS });
    expect(hits.hits).toHaveLength(first.embedded);
  });

  it('lets the next run finish the rest without redoing committed work', async () => {
    const before = lib.embeddedImages();
    const rest = await lib.ops.index([]);
    expect(rest).toMatchObject({
      cancelled: false,
      embedded: PHOTOS - first.embedded,
      unchanged: first.embedded,
    });
    expect(lib.embeddedImages() - before).toBe(PHOTOS - first.embedded);
    expect((await lib.ops.status()).photos).toBe(PHOTOS);
    consistent();
  });

  it('cancelled during the scan, returns a cancelled summary and removes nothing', async () => {
    await rm(photos[0]!.path);
    const controller = new AbortController();
    const summary = await lib.ops.index([], {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'scanning') controller.abort();
      },
    });
    expect(summary).toMatchObject({ cancelled: true, embedded: 0, removed: 0 });
    expect(lib.ops.library.catalog.photoByPath(photos[0]!.path)).toBeDefined();

    const after = await lib.ops.index([]);
    expect(after).toMatchObject({ cancelled: false, embedded: 0, removed: 1 });
    consistent();
  });

  it('cancelled before it starts, does nothing', async () => {
    const before = lib.embeddedImages();
    const summary = await lib.ops.index([], { signal: AbortSignal.abort() });
    expect(summary).toMatchObject({ cancelled: true, found: 0, embedded: 0, removed: 0 });
    expect(lib.embeddedImages()).toBe(before);
  });
});

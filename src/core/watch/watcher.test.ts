import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexProblems } from '../../../test/chaos/invariants';
import { openTestLibrary, searchPaths, type TestLibrary } from '../../../test/chaos/harness';
import { writeColourPhotos } from '../../../test/helpers/corpus';
import { solidPhoto, writeSolidPhoto } from '../../../test/helpers/images';
import { COLOUR_PROTOTYPES, COLOURS } from '../../../tools/test-model/design';
import type { WatchEvent, WatchSummary } from './watcher';

// Watch mode over a real library and the test model: files added, renamed, deleted, a folder moved
// in and deleted, a burst of photos, junk, and the library folder itself vanishing and coming back.
// Each step builds on the library the previous one left.

let lib: TestLibrary;
let album: string;
const controller = new AbortController();
let watching: Promise<WatchSummary>;
const events: WatchEvent[] = [];
let listeners: Array<(e: WatchEvent) => void> = [];

/** The first event from now on that matches; fails the test after `ms`. */
function next<T extends WatchEvent['type']>(
  type: T,
  match: (e: Extract<WatchEvent, { type: T }>) => boolean = () => true,
  ms = 30_000,
): Promise<Extract<WatchEvent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within ${ms} ms`)), ms);
    const listener = (e: WatchEvent) => {
      if (e.type !== type || !match(e as Extract<WatchEvent, { type: T }>)) return;
      clearTimeout(timer);
      listeners = listeners.filter((l) => l !== listener);
      resolve(e as Extract<WatchEvent, { type: T }>);
    };
    listeners.push(listener);
  });
}
const nextChange = (match: (e: Extract<WatchEvent, { type: 'run' }>) => boolean) =>
  next('run', (e) => e.reason === 'changes' && match(e));

const catalog = () => lib.ops.library.catalog;
const row = (path: string) => catalog().photoByPath(path);
const labelOf = (path: string) => catalog().labelFor(lib.ops.library.modelId, row(path)!.hash!);
const photoCount = () => catalog().db.prepare(`SELECT COUNT(*) FROM photos`).pluck().get() as number;

beforeAll(async () => {
  lib = await openTestLibrary();
  album = join(lib.photos, 'album');
  await writeColourPhotos(album, 3); // red-0, green-1, blue-2
  const caughtUp = next('run', (e) => e.reason === 'catch-up');
  watching = lib.ops.watch([album], {
    signal: controller.signal,
    onEvent: (e) => {
      events.push(e);
      listeners.forEach((l) => l(e));
    },
    // Short, so the suite stays quick; the defaults' reasons are in batcher.ts.
    timing: { quietMs: 300, maxWaitMs: 3000 },
    folderPollMs: 200,
  });
  await caughtUp;
});

afterAll(async () => {
  controller.abort();
  await watching?.catch(() => {});
  await lib?.dispose();
});

describe('watch mode', () => {
  it('indexes the folder in full before it watches', () => {
    const catchUp = events.find((e) => e.type === 'run' && e.reason === 'catch-up');
    expect(catchUp).toMatchObject({ summary: { found: 3, embedded: 3 } });
    expect(events.find((e) => e.type === 'watching')).toEqual({ type: 'watching', folders: [album] });
  });

  it('makes a photo added to the folder searchable', async () => {
    const run = nextChange((e) => e.summary.embedded > 0);
    const path = await writeSolidPhoto(join(album, 'new-yellow.jpg'), COLOUR_PROTOTYPES.yellow, {
      width: 40,
      height: 30,
    });
    expect((await run).summary).toMatchObject({ embedded: 1, removed: 0 });
    expect((await searchPaths(lib.ops, 'yellow'))[0]).toBe(path);
  });

  it('keeps the row and the vector of a renamed photo: reused, not embedded again', async () => {
    const from = join(album, 'red-0.jpg');
    const to = join(album, 'renamed-red.jpg');
    const before = { id: row(from)!.id, label: labelOf(from), embedded: lib.embeddedImages() };
    const run = nextChange((e) => e.summary.reused > 0);
    await rename(from, to);
    expect((await run).summary).toMatchObject({ embedded: 0, reused: 1, removed: 0 });
    expect(row(from)).toBeUndefined();
    expect(row(to)!.id).toBe(before.id);
    expect(labelOf(to)).toBe(before.label);
    expect(lib.embeddedImages()).toBe(before.embedded);
  });

  it('removes a deleted photo from the library and its searches', async () => {
    const path = join(album, 'green-1.jpg');
    const run = nextChange((e) => e.summary.removed > 0);
    await rm(path);
    expect((await run).summary).toMatchObject({ removed: 1, embedded: 0 });
    expect(row(path)).toBeUndefined();
    expect(await searchPaths(lib.ops, 'green')).not.toContain(path);
    expect(indexProblems(lib.ops.library)).toEqual([]);
  });

  it('indexes a folder of photos moved in, and forgets them when it is deleted', async () => {
    const outside = join(lib.photos, 'elsewhere');
    await writeColourPhotos(outside, 3, 20);
    const inside = join(album, 'trip');
    const added = nextChange((e) => e.summary.embedded > 0);
    await rename(outside, inside);
    expect((await added).summary).toMatchObject({ embedded: 3 });
    const removed = nextChange((e) => e.summary.removed > 0);
    await rm(inside, { recursive: true });
    expect((await removed).summary).toMatchObject({ removed: 3 });
    expect(row(join(inside, `${COLOURS[20 % COLOURS.length]}-20.jpg`))).toBeUndefined();
  });

  it('ignores hidden files and files that are not photos', async () => {
    const run = nextChange(() => true);
    await writeFile(join(album, 'notes.txt'), 'not a photo');
    await writeSolidPhoto(join(album, '.hidden.jpg'), COLOUR_PROTOTYPES.pink, { width: 20, height: 20 });
    await writeSolidPhoto(join(album, 'visible-pink.jpg'), COLOUR_PROTOTYPES.pink, { width: 21, height: 20 });
    const { paths, summary } = await run;
    expect(paths).toBe(1);
    expect(summary).toMatchObject({ found: 1, embedded: 1 });
    expect(row(join(album, '.hidden.jpg'))).toBeUndefined();
    expect(row(join(album, 'notes.txt'))).toBeUndefined();
  });

  it('indexes a burst of 50 new photos in a few runs, not 50', async () => {
    const burst = join(album, 'burst');
    await mkdir(burst);
    const photos = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        solidPhoto(COLOUR_PROTOTYPES[COLOURS[i % COLOURS.length]!], { width: 60 + i, height: 20 }),
      ),
    );
    const before = photoCount();
    const runsBefore = events.filter((e) => e.type === 'run').length;
    let embedded = 0;
    const done = nextChange((e) => (embedded += e.summary.embedded) >= 50);
    await Promise.all(photos.map((bytes, i) => writeFile(join(burst, `${i}.jpg`), bytes)));
    await done;
    const runs = events.filter((e) => e.type === 'run').length - runsBefore;
    expect(photoCount() - before).toBe(50);
    expect(runs).toBeLessThanOrEqual(3);
  });

  it('keeps the photos of a library folder that vanishes, and catches up when it is back', async () => {
    const count = photoCount();
    const away = `${album}-away`;
    const missing = next('folder-missing');
    await rename(album, away);
    expect(await missing).toEqual({ type: 'folder-missing', folder: album });
    // Give a wrongly eager sweep every chance to happen.
    await new Promise((r) => setTimeout(r, 1000));
    expect(photoCount()).toBe(count);

    await writeSolidPhoto(join(away, 'while-away.jpg'), COLOUR_PROTOTYPES.orange, { width: 33, height: 20 });
    const back = next('folder-back');
    const caughtUp = nextChange(() => true);
    await rename(away, album);
    await back;
    expect((await caughtUp).summary).toMatchObject({ embedded: 1, removed: 0 });
    expect(photoCount()).toBe(count + 1);

    const run = nextChange((e) => e.summary.embedded > 0);
    await writeSolidPhoto(join(album, 'after.jpg'), COLOUR_PROTOTYPES.purple, { width: 34, height: 20 });
    expect((await run).summary.embedded).toBe(1);
  });

  it('stops when its signal aborts, with totals of what it did', async () => {
    controller.abort();
    const totals = await watching;
    expect(totals.embedded).toBe(3 + 1 + 3 + 1 + 50 + 1 + 1);
    expect(totals.removed).toBe(1 + 3);
    expect(totals.reused).toBe(1);
    expect(indexProblems(lib.ops.library)).toEqual([]);
  });
});

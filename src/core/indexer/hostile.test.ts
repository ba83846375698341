import { unlinkSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogProblems, indexProblems } from '../../../test/chaos/invariants';
import { openTestLibrary, searchPaths, type TestLibrary } from '../../../test/chaos/harness';
import { writeColourPhotos, writeHostileCorpus, type HostileCorpus } from '../../../test/helpers/corpus';
import type { IndexSummary } from './indexer';

// A folder of everything that goes wrong in real photo folders. The run never dies: good files are
// indexed, each bad one is reported with its reason, and what should be invisible stays invisible.

const runningAsRoot = process.getuid?.() === 0;
let lib: TestLibrary;
let corpus: HostileCorpus;
let summary: IndexSummary;

beforeAll(async () => {
  lib = await openTestLibrary();
  corpus = await writeHostileCorpus(join(lib.root, 'hostile'));
  let vanished = false;
  summary = await lib.ops.index([corpus.root], {
    exclude: corpus.exclude,
    onProgress: (p) => {
      // Between the scan and the first read: the file was listed and now is gone.
      if (p.phase === 'indexing' && !vanished) {
        unlinkSync(corpus.vanishing);
        vanished = true;
      }
    },
  });
});
afterAll(async () => {
  await lib?.dispose();
});

const catalog = () => lib.ops.library.catalog;
const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : 1);

describe('indexing a hostile folder', () => {
  it('finishes, indexing every good file', () => {
    expect(summary.cancelled).toBe(false);
    for (const path of corpus.indexed)
      expect(catalog().photoByPath(path), path).toMatchObject({ status: 'indexed' });
    // The link to red.jpg shares red.jpg's content: embedded once, reused for the link.
    expect(summary.embedded).toBe(corpus.indexed.length - 1);
    expect(summary.reused).toBe(1);
    expect(lib.embeddedImages()).toBe(corpus.indexed.length - 1);
  });

  it('reports each bad file with its reason', () => {
    const reported = summary.failed.map(({ path, code }) => ({ path, code })).sort(byPath);
    expect(reported).toEqual([...corpus.failed].sort(byPath));
    for (const f of summary.failed) expect(f.reason, f.path).toMatch(/\w{3,} \w{2,}/);
  });

  it('keeps a row with the reason for every bad file it could open, for `glimpse failures`', () => {
    const files = corpus.failed.filter((f) => !f.path.includes(`${sep}links${sep}`));
    const rows = lib.ops.failures().map(({ path, code }) => ({ path, code }));
    expect(rows.sort(byPath)).toEqual(files.sort(byPath));
  });

  it('indexes a PNG named .jpg as the PNG it is', () => {
    expect(catalog().photoByPath(join(corpus.root, 'mislabelled.jpg'))).toMatchObject({
      status: 'indexed',
      format: 'png',
    });
  });

  it('never sees hidden files, excluded globs or files that are not images', () => {
    const all = catalog().db.prepare(`SELECT path FROM photos`).all() as Array<{ path: string }>;
    for (const path of corpus.ignored) {
      expect(all.map((r) => r.path)).not.toContain(path);
      expect(summary.failed.map((f) => f.path)).not.toContain(path);
    }
  });

  it('walks a link back up the tree once, without indexing anything twice', () => {
    const all = catalog().db.prepare(`SELECT path FROM photos`).all() as Array<{ path: string }>;
    expect(all.filter((r) => r.path.includes('back-to-root'))).toEqual([]);
    expect(summary.found).toBe(all.length);
  });

  it('leaves a consistent library that finds the good photos', async () => {
    expect(catalogProblems(catalog().db, lib.ops.library.modelId)).toEqual([]);
    expect(indexProblems(lib.ops.library)).toEqual([]);
    expect((await searchPaths(lib.ops, 'red')).slice(0, 2).sort()).toEqual(
      [join(corpus.root, 'good', 'red.jpg'), join(corpus.root, 'link-to-red.jpg')].sort(),
    );
    expect((await searchPaths(lib.ops, 'yellow'))[0]).toBe(join(corpus.root, 'mislabelled.jpg'));
  });

  it.skipIf(runningAsRoot)(
    'reports a file it may not read (chmod 000) as unreadable — skipped as root, where chmod denies nothing',
    () => {
      expect(summary.failed).toContainEqual({
        path: corpus.denied,
        code: 'unreadable',
        reason: 'permission denied',
      });
    },
  );

  it('on the next run embeds nothing, retries no broken file and forgets the vanished one', async () => {
    const before = lib.embeddedImages();
    const again = await lib.ops.index([]);
    expect(lib.embeddedImages()).toBe(before);
    expect(again).toMatchObject({ embedded: 0, reused: 0, removed: 1 });
    expect(catalog().photoByPath(corpus.vanishing)).toBeUndefined();
    // Only what the scan itself cannot follow is reported again; decoding failures wait for a change.
    expect(again.failed.map((f) => f.path).sort()).toEqual(
      corpus.failed
        .filter((f) => f.path.includes(`${sep}links${sep}`))
        .map((f) => f.path)
        .sort(),
    );
  });
});

describe('a library folder the scan cannot read', () => {
  it('keeps its photos and vectors (an unplugged drive is not a deleted folder) and says why', async () => {
    const drive = join(lib.root, 'drive');
    await writeColourPhotos(drive, 3);
    expect(await lib.ops.index([drive])).toMatchObject({ embedded: 3 });
    const vectors = (await lib.ops.status()).vectors;

    await rename(drive, `${drive}-unplugged`);
    const summary = await lib.ops.index([]);
    expect(summary.removed).toBe(0);
    expect(summary.failed).toContainEqual({
      path: drive,
      code: 'not-found',
      reason: expect.stringMatching(/folder/),
    });
    expect((await lib.ops.status()).vectors).toBe(vectors);
    expect(
      catalog().photosInFolder(
        catalog()
          .folders()
          .find((f) => f.path === drive)!.id,
      ),
    ).toHaveLength(3);

    await rename(`${drive}-unplugged`, drive);
    const back = await lib.ops.index([]);
    expect(back).toMatchObject({ embedded: 0, removed: 0 });
    expect(back.failed.filter((f) => f.path.startsWith(drive))).toEqual([]);
  });
});

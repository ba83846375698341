import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { catalogProblems, indexProblems } from '../../../test/chaos/invariants';
import { openTestLibrary, searchPaths, type TestLibrary } from '../../../test/chaos/harness';
import { writeColourPhotos } from '../../../test/helpers/corpus';
import { writeSolidPhoto } from '../../../test/helpers/images';
import { COLOUR_PROTOTYPES } from '../../../tools/test-model/design';
import type { IndexSummary } from './indexer';

// Files renamed, moved (within a folder, into a subfolder, across library folders), copied, swapped,
// edited and deleted: content already embedded is never embedded again, and the catalog, the vector
// index and the thumbnail cache follow the files. Each step builds on the library the previous left.

let lib: TestLibrary;
let a: string;
let b: string;

beforeAll(async () => {
  lib = await openTestLibrary();
  a = join(lib.photos, 'a');
  b = join(lib.photos, 'b');
  await writeColourPhotos(a, 11);
  await writeColourPhotos(b, 11, 99);
});
afterAll(async () => {
  await lib?.dispose();
});

const catalog = () => lib.ops.library.catalog;
const row = (path: string) => catalog().photoByPath(path);
const labelOf = (path: string) => catalog().labelFor(lib.ops.library.modelId, row(path)!.hash!);

/** Indexes every library folder, checking the embedder was asked for exactly `embeds` images. */
async function reindex(embeds: number): Promise<IndexSummary> {
  const before = lib.embeddedImages();
  const summary = await lib.ops.index([]);
  expect(lib.embeddedImages() - before, 'images sent to the model').toBe(embeds);
  expect(summary.embedded).toBe(embeds);
  expect(summary.failed).toEqual([]);
  expect(catalogProblems(catalog().db, lib.ops.library.modelId)).toEqual([]);
  expect(indexProblems(lib.ops.library)).toEqual([]);
  return summary;
}

/** The file at `to` is found by its colour and `from` is gone from the library. */
async function expectMoved(from: string, to: string, colour: string) {
  const hits = await searchPaths(lib.ops, colour);
  expect(hits).toContain(to);
  expect(hits).not.toContain(from);
  expect(row(from)).toBeUndefined();
}

describe('files that move or change', () => {
  it('are embedded once when the two folders are first indexed', async () => {
    const summary = await lib.ops.index([a, b]);
    expect(summary).toMatchObject({ found: 22, embedded: 22, reused: 0 });
    expect(lib.embeddedImages()).toBe(22);
  });

  it('a renamed file keeps its row and vector: reused, nothing embedded', async () => {
    const from = join(a, 'red-0.jpg');
    const to = join(a, 'renamed red.jpg');
    const { id } = row(from)!;
    const label = labelOf(from);
    await rename(from, to);
    const summary = await reindex(0);
    expect(summary).toMatchObject({ found: 22, reused: 1, unchanged: 21, removed: 0 });
    expect(row(to)).toMatchObject({ id, status: 'indexed' });
    expect(labelOf(to)).toBe(label);
    await expectMoved(from, to, 'red');
  });

  it('a file moved into a new subfolder is reused', async () => {
    const from = join(a, 'green-1.jpg');
    const to = join(a, 'sub', 'deeper', 'green.jpg');
    await mkdir(join(a, 'sub', 'deeper'), { recursive: true });
    await rename(from, to);
    expect(await reindex(0)).toMatchObject({ reused: 1, removed: 0 });
    await expectMoved(from, to, 'green');
  });

  it('a file moved from one library folder to another is reused and belongs to its new folder', async () => {
    const from = join(a, 'blue-2.jpg');
    const to = join(b, 'blue from a.jpg');
    const { id } = row(from)!;
    await rename(from, to);
    expect(await reindex(0)).toMatchObject({ reused: 1, removed: 0 });
    const folderB = catalog()
      .folders()
      .find((f) => f.path === b)!;
    expect(row(to)).toMatchObject({ id, folderId: folderB.id });
    await expectMoved(from, to, 'blue');
  });

  it('a file moved into a folder indexed on its own is reused there, and swept from the old one later', async () => {
    const from = join(a, 'black-8.jpg');
    const to = join(b, 'black from a.jpg');
    const label = labelOf(from);
    await rename(from, to);
    const before = lib.embeddedImages();
    const first = await lib.ops.index([b]);
    expect(first).toMatchObject({ found: 13, embedded: 0, reused: 1, removed: 0 });
    expect(labelOf(to)).toBe(label);
    const second = await lib.ops.index([a]);
    expect(second).toMatchObject({ embedded: 0, reused: 0, removed: 1 });
    expect(lib.embeddedImages()).toBe(before);
    expect(lib.ops.library.vectors.has(label!)).toBe(true);
    await expectMoved(from, to, 'black');
  });

  it('a copy shares the original’s vector: reused, one vector for both paths', async () => {
    const original = join(b, 'yellow-102.jpg');
    const copy = join(a, 'yellow copy.jpg');
    await copyFile(original, copy);
    const vectors = (await lib.ops.status()).vectors;
    expect(await reindex(0)).toMatchObject({ reused: 1, unchanged: 22 });
    expect(labelOf(copy)).toBe(labelOf(original));
    expect((await lib.ops.status()).vectors).toBe(vectors);
    expect((await searchPaths(lib.ops, 'yellow')).slice(0, 3)).toEqual(
      expect.arrayContaining([original, copy]),
    );
  });

  it('two files that swap names are reused, each keeping a vector', async () => {
    const x = join(a, 'pink-6.jpg');
    const y = join(a, 'gray-9.jpg');
    const [labelX, labelY] = [labelOf(x), labelOf(y)];
    await rename(x, join(a, 'swap.tmp'));
    await rename(y, x);
    await rename(join(a, 'swap.tmp'), y);
    expect(await reindex(0)).toMatchObject({ reused: 2, removed: 0 });
    expect(labelOf(x)).toBe(labelY);
    expect(labelOf(y)).toBe(labelX);
    expect((await searchPaths(lib.ops, 'pink'))[0]).toBe(y);
    expect((await searchPaths(lib.ops, 'gray'))[0]).toBe(x);
  });

  it('an edited file is embedded again and its old vector and thumbnail are released', async () => {
    const path = join(a, 'orange-4.jpg');
    const old = { label: labelOf(path)!, hash: row(path)!.hash! };
    expect(lib.ops.library.thumbnails.has(old.hash)).toBe(true);
    await writeSolidPhoto(path, COLOUR_PROTOTYPES.purple, { width: 50, height: 30 });
    expect(await reindex(1)).toMatchObject({ reused: 0, removed: 0 });
    expect(lib.ops.library.vectors.has(old.label)).toBe(false);
    expect(catalog().vector(old.label)).toBeUndefined();
    await vi.waitFor(() => expect(lib.ops.library.thumbnails.has(old.hash)).toBe(false));
    expect((await searchPaths(lib.ops, 'purple')).slice(0, 2)).toContain(path);
    expect((await searchPaths(lib.ops, 'orange')).slice(0, 1)).not.toContain(path);
  });

  it('a file copied and then edited in one go keeps the copy searchable without embedding it', async () => {
    const original = join(b, 'brown-109.jpg');
    const copy = join(b, 'brown kept.jpg');
    const label = labelOf(original);
    await copyFile(original, copy);
    await writeSolidPhoto(original, COLOUR_PROTOTYPES.white, { width: 51, height: 30 });
    expect(await reindex(1)).toMatchObject({ reused: 1, removed: 0 });
    expect(labelOf(copy)).toBe(label);
    expect(lib.ops.library.vectors.has(label!)).toBe(true);
    expect((await searchPaths(lib.ops, 'brown')).slice(0, 2)).toContain(copy);
  });

  it('a deleted file leaves search, the vector index and the thumbnail cache', async () => {
    const path = join(b, 'pink-105.jpg');
    const { hash } = row(path)!;
    const label = labelOf(path)!;
    await rm(path);
    expect(await reindex(0)).toMatchObject({ removed: 1 });
    expect(await searchPaths(lib.ops, 'pink')).not.toContain(path);
    expect(lib.ops.library.vectors.has(label)).toBe(false);
    await vi.waitFor(() => expect(lib.ops.library.thumbnails.has(hash!)).toBe(false));
  });

  it('deleting one of two copies keeps the shared vector and thumbnail for the other', async () => {
    const copy = join(a, 'yellow copy.jpg');
    const original = join(b, 'yellow-102.jpg');
    const { hash } = row(copy)!;
    const label = labelOf(copy)!;
    await rm(copy);
    expect(await reindex(0)).toMatchObject({ removed: 1 });
    expect(lib.ops.library.vectors.has(label)).toBe(true);
    expect(lib.ops.library.thumbnails.has(hash!)).toBe(true);
    const hits = await searchPaths(lib.ops, 'yellow');
    expect(hits).toContain(original);
    expect(hits).not.toContain(copy);
  });
});

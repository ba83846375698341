import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogProblems, indexProblems } from '../../../test/chaos/invariants';
import { openTestLibrary, searchPaths, type TestLibrary } from '../../../test/chaos/harness';
import { solidPhoto } from '../../../test/helpers/images';
import { COLOUR_PROTOTYPES, type ColourName } from '../../../tools/test-model/design';
import { storedFromBytes } from '../../shared/byte-path';
import { fsPath } from '../fs/byte-path';
import type { IndexSummary } from './indexer';

// Names that are not valid UTF-8, as an old camera or a Latin-1 / Shift-JIS system left them: made for
// real from raw bytes, they are indexed and searchable under their exact bytes, thumbnailed, followed
// through a rename, left alone by a second run and swept when deleted. Each step builds on the last.

let lib: TestLibrary;
const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => Buffer.from(p as string)));
/** The photos' stored paths (what search and the catalog give), by colour. */
const at: Partial<Record<ColourName, string>> = {};

async function writePhoto(path: Buffer, colour: ColourName) {
  await writeFile(
    path,
    await solidPhoto(COLOUR_PROTOTYPES[colour], { width: 20, height: 16, format: 'jpeg' }),
  );
  at[colour] = storedFromBytes(path);
}

beforeAll(async () => {
  lib = await openTestLibrary();
  await mkdir(lib.photos, { recursive: true });
  // Latin-1 "café.jpg"; a folder named in Latin-1; Shift-JIS bytes beside valid UTF-8 in one name.
  await writePhoto(bytes(lib.photos, '/caf', [0xe9], '.jpg'), 'red');
  await mkdir(bytes(lib.photos, '/album-', [0xff]));
  await writePhoto(bytes(lib.photos, '/album-', [0xff], '/inside.jpg'), 'green');
  await writePhoto(bytes(lib.photos, '/写真-', [0x83, 0x4c], '-猫.jpg'), 'blue');
  await writePhoto(bytes(lib.photos, '/plain.jpg'), 'yellow');
});
afterAll(async () => {
  await lib?.dispose();
});

const catalog = () => lib.ops.library.catalog;

async function index(embeds: number): Promise<IndexSummary> {
  const before = lib.embeddedImages();
  const summary = await lib.ops.index([]);
  expect(lib.embeddedImages() - before, 'images sent to the model').toBe(embeds);
  expect(summary.failed).toEqual([]);
  expect(catalogProblems(catalog().db, lib.ops.library.modelId)).toEqual([]);
  expect(indexProblems(lib.ops.library)).toEqual([]);
  return summary;
}

describe('names that are not valid UTF-8', () => {
  it('are indexed by their exact bytes, in a folder so named too, and found by search', async () => {
    const summary = await lib.ops.index([lib.photos]);
    expect(summary).toMatchObject({ found: 4, embedded: 4, failed: [] });
    for (const colour of ['red', 'green', 'blue', 'yellow'] as const) {
      const hits = await searchPaths(lib.ops, colour, 1);
      expect(hits).toEqual([at[colour]]);
    }
    expect(at.red).toBe(`${lib.photos}/caf\u0000\u00e9.jpg`);
    expect(at.blue).toBe(`${lib.photos}/写真-\u0000\u0083L-猫.jpg`);
  });

  it('have thumbnails, and their stored paths open the files they name', async () => {
    for (const colour of ['red', 'green', 'blue'] as const) {
      const row = catalog().photoByPath(at[colour]!)!;
      expect(row.status).toBe('indexed');
      expect(lib.ops.library.thumbnails.has(row.hash!)).toBe(true);
    }
    await expect(rename(at.red!, `${at.red}.bak`)).rejects.toThrow(/null bytes/); // never by text
    expect(fsPath(at.red!)).toEqual(bytes(lib.photos, '/caf', [0xe9], '.jpg'));
  });

  it('are unchanged on a second run: nothing re-read, nothing removed', async () => {
    const again = await index(0);
    expect(again).toMatchObject({ unchanged: 4, removed: 0, reused: 0 });
  });

  it('keep their row and vector through a rename to another such name', async () => {
    const before = catalog().photoByPath(at.red!)!;
    const to = bytes(lib.photos, '/album-', [0xff], '/caf', [0xe8], '.jpg');
    await rename(fsPath(at.red!), to);
    const summary = await index(0);
    expect(summary).toMatchObject({ reused: 1, removed: 0 });
    const moved = catalog().photoByPath(storedFromBytes(to))!;
    expect(moved.id).toBe(before.id);
    expect(await searchPaths(lib.ops, 'red', 1)).toEqual([storedFromBytes(to)]);
    expect(catalog().photoByPath(at.red!)).toBeUndefined();
    at.red = storedFromBytes(to);
  });

  it('are swept when deleted, with the folder that held them', async () => {
    await rm(fsPath(at.blue!));
    await rm(bytes(lib.photos, '/album-', [0xff]), { recursive: true });
    const summary = await index(0);
    expect(summary.removed).toBe(3);
    expect(await searchPaths(lib.ops, 'yellow', 1)).toEqual([join(lib.photos, 'plain.jpg')]);
    expect(catalog().photoByPath(at.green!)).toBeUndefined();
  });

  it('that an older Glimpse recorded as bad-name failures (%XX) are indexed on the next run', async () => {
    const folder = catalog().folders()[0]!;
    const old = join(lib.photos, 'old%E9.jpg');
    catalog().writePhoto({
      folderId: folder.id,
      path: old,
      size: 1,
      mtimeMs: 1,
      hash: null,
      status: 'failed',
      errorCode: 'bad-name',
      error: 'its name is not valid UTF-8',
    });
    const file = bytes(lib.photos, '/old', [0xe9], '.jpg');
    await writeFile(
      file,
      await solidPhoto(COLOUR_PROTOTYPES.purple, { width: 21, height: 16, format: 'jpeg' }),
    );
    const summary = await index(1);
    expect(summary).toMatchObject({ embedded: 1, removed: 1 });
    expect(catalog().photoByPath(old)).toBeUndefined();
    expect(await searchPaths(lib.ops, 'purple', 1)).toEqual([storedFromBytes(file)]);
  });
});

import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestLibrary, searchPaths, type TestLibrary } from '../../../test/chaos/harness';
import { writeColourPhotos } from '../../../test/helpers/corpus';
import { writeSolidPhoto } from '../../../test/helpers/images';
import { COLOUR_PROTOTYPES } from '../../../tools/test-model/design';
import { CHECK_IDS, type CheckId, type CheckReport } from './check';

// The library consistency check: each test breaks the library one way on purpose, the check finds
// exactly that, --repair fixes it, and the check is clean again. Each test leaves the library clean.

let lib: TestLibrary;
let album: string;

beforeAll(async () => {
  lib = await openTestLibrary();
  album = join(lib.photos, 'album');
  await writeColourPhotos(album, 8);
  await copyFile(join(album, 'red-0.jpg'), join(album, 'red-0-copy.jpg'));
  await lib.ops.index([album]);
});
afterAll(async () => {
  await lib?.dispose();
});

const library = () => lib.ops.library;
const catalog = () => library().catalog;
const row = (path: string) => catalog().photoByPath(path)!;
const labelOf = (path: string) => catalog().labelFor(library().modelId, row(path).hash!)!;
const problems = (r: CheckReport) => r.results.filter((x) => x.found > 0).map((x) => [x.id, x.found]);

/** Checks, expecting exactly `found`; repairs, expecting all of it fixed; checks clean again. */
async function findAndRepair(found: Partial<Record<CheckId, number>>): Promise<CheckReport> {
  const before = await lib.ops.check();
  expect(problems(before)).toEqual(Object.entries(found));
  expect(before.clean).toBe(false);
  const repaired = await lib.ops.check({ repair: true });
  expect(repaired.repair).toBe(true);
  expect(repaired.results.filter((x) => x.found).map((x) => [x.id, x.repaired])).toEqual(
    Object.entries(found),
  );
  const after = await lib.ops.check();
  expect(problems(after)).toEqual([]);
  expect(after.clean).toBe(true);
  return repaired;
}

describe('the library check', () => {
  it('finds nothing wrong with a library fresh from indexing', async () => {
    const report = await lib.ops.check();
    expect(report.results.map((r) => r.id)).toEqual(CHECK_IDS);
    expect(problems(report)).toEqual([]);
    expect(report.clean).toBe(true);
  });

  it('puts back a stored vector missing from the vector index', async () => {
    const path = join(album, 'green-1.jpg');
    library().vectors.remove([labelOf(path)]);
    expect(await searchPaths(lib.ops, 'green')).not.toContain(path);
    await findAndRepair({ 'index-missing-labels': 1 });
    expect((await searchPaths(lib.ops, 'green'))[0]).toBe(path);
  });

  it('takes out of the index a label whose vector was deleted', async () => {
    const path = join(album, 'blue-2.jpg');
    const stored = catalog().vector(labelOf(path))!;
    await rm(path);
    await lib.ops.index([]);
    // As if the deletion journal had been lost before the index file was saved.
    library().vectors.add([{ label: stored.label, vector: stored.vector }]);
    await findAndRepair({ 'index-stray-labels': 1 });
    expect(library().vectors.has(stored.label)).toBe(false);
  });

  it('embeds again an indexed photo whose vector is gone', async () => {
    const path = join(album, 'yellow-3.jpg');
    const label = labelOf(path);
    catalog().db.prepare(`DELETE FROM embeddings WHERE label = ?`).run(label);
    library().vectors.remove([label]);
    const embedded = lib.embeddedImages();
    await findAndRepair({ 'photos-without-vector': 1 });
    expect(lib.embeddedImages()).toBe(embedded + 1);
    expect(labelOf(path)).toBeGreaterThan(label);
    expect((await searchPaths(lib.ops, 'yellow'))[0]).toBe(path);
  });

  it('deletes a stored vector no photo shows, from the catalog and the index', async () => {
    const vector = catalog().vector(labelOf(join(album, 'red-0.jpg')))!.vector;
    const label = catalog().addEmbedding(library().modelId, 'f'.repeat(64), vector);
    library().sink.add([{ label, vector }]);
    await findAndRepair({ 'orphan-embeddings': 1 });
    expect(catalog().vector(label)).toBeUndefined();
    expect(library().vectors.has(label)).toBe(false);
  });

  it('drops a journal entry that would delete a vector still in use', async () => {
    const label = labelOf(join(album, 'orange-4.jpg'));
    catalog()
      .db.prepare(`INSERT INTO index_deletions (model_id, label) VALUES (?, ?)`)
      .run(library().modelId, label);
    await findAndRepair({ 'deletion-journal': 1 });
    const journal = catalog().db.prepare(`SELECT label FROM index_deletions`).pluck().all();
    expect(journal).not.toContain(label);
    expect(library().vectors.has(label)).toBe(true);
  });

  it('forgets a photo that belongs to no library folder', async () => {
    const { db } = catalog();
    db.pragma('foreign_keys = OFF');
    db.prepare(
      `INSERT INTO photos (folder_id, path, size, mtime_ms, status, error_code, error, updated_at)
       VALUES (9999, '/nowhere/x.jpg', 1, 1, 'failed', 'corrupt', 'broken', 1)`,
    ).run();
    db.pragma('foreign_keys = ON');
    await findAndRepair({ 'foreign-keys': 1 });
    expect(catalog().photoByPath('/nowhere/x.jpg')).toBeUndefined();
  });

  it('finds files deleted or changed behind its back and indexes them again', async () => {
    const gone = join(album, 'purple-5.jpg');
    const changed = join(album, 'pink-6.jpg');
    await rm(gone);
    await writeSolidPhoto(changed, COLOUR_PROTOTYPES.black, { width: 50, height: 20 });
    await findAndRepair({ 'files-missing': 1, 'files-changed': 1 });
    expect(catalog().photoByPath(gone)).toBeUndefined();
    expect((await searchPaths(lib.ops, 'black'))[0]).toBe(changed);
  });

  it('makes a missing thumbnail again, byte for byte as the indexer made it', async () => {
    const { thumbnails } = library();
    const file = thumbnails.pathFor(row(join(album, 'white-7.jpg')).hash!);
    const made = await readFile(file);
    await rm(file);
    await findAndRepair({ 'thumbnails-missing': 1 });
    expect(await readFile(file)).toEqual(made);
  });

  it('deletes files in the thumbnail cache that no photo needs', async () => {
    const { thumbnails } = library();
    const stray = thumbnails.pathFor('ab'.repeat(32));
    await mkdir(join(stray, '..'), { recursive: true });
    await writeFile(stray, 'old thumbnail');
    await writeFile(join(thumbnails.dir, 'junk.txt'), 'junk');
    await findAndRepair({ 'thumbnails-orphan': 2 });
    expect(existsSync(stray)).toBe(false);
    expect(existsSync(join(thumbnails.dir, 'junk.txt'))).toBe(false);
  });

  it('reports a library folder that is gone, and never empties it', async () => {
    const photos = (catalog().db.prepare(`SELECT COUNT(*) FROM photos`).pluck().get() as number) || 0;
    await rename(album, `${album}-unplugged`);
    try {
      const report = await lib.ops.check({ repair: true });
      expect(problems(report)).toEqual([['folders-missing', 1]]);
      const missing = report.results.find((r) => r.id === 'folders-missing')!;
      expect(missing).toMatchObject({ repaired: 0, examples: [album] });
      expect(missing.advice).toMatch(/glimpse remove/);
      expect(catalog().db.prepare(`SELECT COUNT(*) FROM photos`).pluck().get()).toBe(photos);
    } finally {
      await rename(`${album}-unplugged`, album);
    }
    expect((await lib.ops.check()).clean).toBe(true);
  });

  it('rebuilds a damaged SQLite index from its table', async () => {
    await lib.close();
    // An index whose entries no longer match its table, as a torn write can leave one.
    const db = new Database(join(lib.libraryDir, 'library.db'));
    db.unsafeMode(true);
    db.pragma('writable_schema = ON');
    db.prepare(
      `UPDATE sqlite_master SET sql = 'CREATE INDEX photos_taken ON photos(size)' WHERE name = 'photos_taken'`,
    ).run();
    db.pragma('writable_schema = OFF');
    db.close();
    lib = await openTestLibrary({ root: lib.root });
    const photos = catalog().db.prepare(`SELECT COUNT(*) FROM photos`).pluck().get() as number;
    const report = await findAndRepair({ 'sqlite-integrity': photos });
    expect(report.results[0]!.examples[0]).toMatch(/missing from index photos_taken/);
  });
});

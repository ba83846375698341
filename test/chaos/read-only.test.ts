// Searching a library another Glimpse holds (the app indexing, a `glimpse watch`): the reading commands
// open it read-only beside the writer, see everything the writer has committed to the catalog (even
// vectors its unsaved index file lacks), say whose library it is, and change nothing on disk.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/core/workspace';
import { glimpse } from '../helpers/cli';
import { writeColourPhotos, type ColourPhoto } from '../helpers/corpus';
import { killHard, startChild, type Child } from './child';
import { openTestLibrary, searchPaths, TEST_BATCH, type TestLibrary } from './harness';

const FIRST = 12;
const ADDED = 5;
const DELETED = 3;
let lib: TestLibrary;
let writer: Child;
let kept: ColourPhoto[];
let added: ColourPhoto[];
let deleted: ColourPhoto[];
let sidecar: string;

/** Name, size and mtime of every file under the library folder (SQLite's shared-memory file aside:
 *  readers of a WAL database map it by design; it holds no data). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    if (name.endsWith('-shm')) continue;
    const s = statSync(join(dir, name));
    if (s.isFile()) out[name] = `${s.size} ${s.mtimeMs}`;
  }
  return out;
}

const cli = (...args: string[]) =>
  glimpse(['--model', lib.modelDir, '--library', lib.libraryDir, '--providers', 'cpu', ...args]);

beforeAll(async () => {
  lib = await openTestLibrary();
  const first = await writeColourPhotos(lib.photos, FIRST);
  expect(await lib.ops.index([lib.photos])).toMatchObject({ embedded: FIRST });
  await lib.close(); // the index file on disk now holds the first photos
  sidecar = readdirSync(lib.libraryDir)
    .filter((n) => /^vectors-.*\.json$/.test(n))
    .map((n) => join(lib.libraryDir, n))[0]!;

  deleted = first.slice(0, DELETED);
  kept = first.slice(DELETED);
  await Promise.all(deleted.map((p) => rm(p.path)));
  added = await writeColourPhotos(lib.photos, ADDED, 100);
  // The writer indexes the changes into its catalog and keeps running without saving its index file.
  writer = startChild('index-child.ts', [
    lib.modelDir,
    lib.libraryDir,
    lib.photos,
    String(TEST_BATCH),
    '--no-save',
  ]);
  const line = await writer.waitFor((l) => l.includes('"indexed"'));
  expect(JSON.parse(line)).toMatchObject({ summary: { embedded: ADDED, removed: DELETED } });
});
afterAll(async () => {
  if (writer) await killHard(writer);
  await lib?.dispose();
});

describe('a library held by another Glimpse', () => {
  it('is refused for indexing, naming the process that holds it', async () => {
    const r = await cli('index', lib.photos);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`is in use by PID ${writer.pid}`);
  });

  it('is searched read-only: the writer’s committed photos found, its deletions gone, and nothing written', async () => {
    const before = snapshot(lib.libraryDir);
    const r = await cli('search', 'red', '-k', '1000', '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `glimpse: ${lib.libraryDir} is in use by PID ${writer.pid}; reading what it has committed so far\n`,
    );
    const paths = (JSON.parse(r.out) as { hits: Array<{ path: string }> }).hits.map((h) => h.path);
    expect(paths.sort()).toEqual([...kept, ...added].map((p) => p.path).sort());

    const workspace = createWorkspace({
      modelDir: lib.modelDir,
      libraryDir: lib.libraryDir,
      providers: ['cpu'],
    });
    try {
      const reader = await workspace.reader();
      expect(reader.heldBy).toBe(writer.pid);
      expect(reader.library.indexReport).toMatchObject({
        from: 'file',
        caughtUp: { added: ADDED, removed: DELETED },
      });
      for (const colour of new Set(added.map((p) => p.colour))) {
        const mine = [...kept, ...added].filter((p) => p.colour === colour).map((p) => p.path);
        expect(new Set((await searchPaths(reader, colour)).slice(0, mine.length))).toEqual(new Set(mine));
      }
      expect(() => reader.library.sink).toThrow(`library ${lib.libraryDir} is open read-only`);
      await expect(reader.index([])).rejects.toThrow(
        `library ${lib.libraryDir} is in use by PID ${writer.pid}: it is open read-only here`,
      );
      expect(() => reader.addFolders([lib.photos])).toThrow(/open read-only here/);
    } finally {
      await workspace.close();
    }
    expect(snapshot(lib.libraryDir)).toEqual(before);
  });

  it('reports its status as a read-only view', async () => {
    const r = await cli('status', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      photos: FIRST - DELETED + ADDED,
      readOnly: { heldBy: writer.pid },
      index: { size: FIRST - DELETED + ADDED, openedFrom: 'file' },
    });
  });

  it('leaves an index file it cannot use alone and searches a copy rebuilt in memory', async () => {
    const saved = readFileSync(sidecar);
    writeFileSync(sidecar, '{"format": "from a future Glimpse"}');
    const graphs = readdirSync(lib.libraryDir).filter((n) => n.endsWith('.hnsw'));
    expect(graphs.length).toBeGreaterThan(0);
    const before = snapshot(lib.libraryDir);
    const workspace = createWorkspace({
      modelDir: lib.modelDir,
      libraryDir: lib.libraryDir,
      providers: ['cpu'],
    });
    try {
      const reader = await workspace.reader();
      expect(reader.library.indexReport).toMatchObject({
        from: 'rebuild',
        reason: expect.stringContaining(sidecar),
      });
      const paths = await searchPaths(reader, 'blue');
      expect(paths.sort()).toEqual([...kept, ...added].map((p) => p.path).sort());
    } finally {
      await workspace.close();
      expect(snapshot(lib.libraryDir)).toEqual(before);
      writeFileSync(sidecar, saved);
    }
  });
});

describe('a library nobody holds', () => {
  it('is opened for writing by the reading commands, which say nothing about it', async () => {
    const viewer = createWorkspace({
      modelDir: lib.modelDir,
      libraryDir: lib.libraryDir,
      providers: ['cpu'],
    });
    try {
      expect((await viewer.reader()).heldBy).toBe(writer.pid);
      await killHard(writer);
      // The same workspace, asked again once the writer is gone, takes the library over.
      const ops = await viewer.reader();
      expect(ops.heldBy).toBeNull();
      expect(ops.library.readOnly).toBe(false);
      expect((await ops.status()).readOnly).toBeUndefined();
    } finally {
      await viewer.close();
    }
    const r = await cli('status', '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).readOnly).toBeUndefined();
  });
});

describe('a read-only view kept open (the app beside a glimpse watch)', () => {
  it('follows what its writer commits: new photos, deletions, and deletions whose journal was pruned', async () => {
    const owner = await openTestLibrary({ root: lib.root });
    const viewer = createWorkspace({
      modelDir: lib.modelDir,
      libraryDir: lib.libraryDir,
      providers: ['cpu'],
    });
    try {
      const view = await viewer.reader();
      expect(view.heldBy).toBe(process.pid);
      let expected = [...kept, ...added];
      const sorted = (photos: ColourPhoto[]) => photos.map((p) => p.path).sort();
      expect((await searchPaths(view, 'red')).sort()).toEqual(sorted(expected));

      // Committed, index file not saved: the view reads the new vectors from the catalog.
      const more = await writeColourPhotos(lib.photos, 4, 200);
      expect(await owner.ops.indexPaths([lib.photos])).toMatchObject({ embedded: 4 });
      expected = [...expected, ...more];
      expect((await searchPaths(view, 'red')).sort()).toEqual(sorted(expected));

      // Deleted through the journal the view reads.
      await rm(more[0]!.path);
      expect(await owner.ops.indexPaths([lib.photos])).toMatchObject({ removed: 1 });
      expected = expected.filter((p) => p !== more[0]);
      expect((await searchPaths(view, 'red')).sort()).toEqual(sorted(expected));

      // Deleted, then the writer saves its index and prunes the journal before the view looks.
      const gone = expected.slice(0, 2);
      await Promise.all(gone.map((p) => rm(p.path)));
      expect(await owner.ops.index([])).toMatchObject({ removed: 2 });
      expect(owner.ops.library.catalog.deletionsAfter(owner.ops.library.modelId, 0)).toEqual([]);
      expected = expected.filter((p) => !gone.includes(p));
      expect((await searchPaths(view, 'red')).sort()).toEqual(sorted(expected));
      const status = await view.status();
      expect(status).toMatchObject({ photos: expected.length, index: { size: expected.length } });
      expect(status.readOnly).toEqual({ heldBy: process.pid });
    } finally {
      await viewer.close();
      await owner.close();
    }
  });
});

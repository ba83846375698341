import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from './catalog';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from './schema';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-schema-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A database whose exec() calls are counted: each migration runs its SQL through one. */
function countingDb(file: string) {
  const db = new Database(file);
  const exec = db.exec.bind(db);
  const calls = { n: 0 };
  db.exec = (sql: string) => {
    calls.n++;
    return exec(sql);
  };
  return { db, calls };
}

describe('catalog migrations', () => {
  it('number the versions 1, 2, 3… and each says why it exists', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    for (const m of MIGRATIONS) expect(m.why.length).toBeGreaterThan(20);
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('run once on a new database and record the version in user_version', () => {
    const file = join(dir, 'library.db');
    const { db, calls } = countingDb(file);
    migrate(db, file);
    expect(calls.n).toBe(MIGRATIONS.length);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>
    )
      .map((t) => t.name)
      .sort();
    expect(tables).toEqual(
      expect.arrayContaining(['embeddings', 'folders', 'index_deletions', 'meta', 'photos']),
    );

    migrate(db, file);
    expect(calls.n).toBe(MIGRATIONS.length);
    db.close();
  });

  it('leave a library as it was when it is opened again', () => {
    const first = Catalog.open(dir);
    first.addFolder('/photos');
    first.close();
    const again = Catalog.open(dir);
    expect(again.folders().map((f) => f.path)).toEqual(['/photos']);
    expect(again.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    again.close();
  });

  it('refuse a library written by a newer Glimpse, naming the file and both versions, and let go of it', () => {
    Catalog.open(dir).close();
    const db = new Database(join(dir, 'library.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();

    expect(() => Catalog.open(dir)).toThrow(
      `${join(dir, 'library.db')}: catalog schema ${SCHEMA_VERSION + 1} is newer than this Glimpse understands (${SCHEMA_VERSION}); update Glimpse`,
    );
    // The refusal released the writer lock: the library is not left "in use" by this process.
    expect(existsSync(join(dir, 'library.lock'))).toBe(false);
  });

  it('let a reader beside the writer open only the version this Glimpse writes, and leave the file as it is', () => {
    Catalog.open(dir).close();
    const file = join(dir, 'library.db');
    const reader = Catalog.open(dir, { readonly: true });
    expect(reader.folders()).toEqual([]);
    reader.close();
    for (const version of [SCHEMA_VERSION - 1, SCHEMA_VERSION + 1]) {
      const db = new Database(file);
      db.pragma(`user_version = ${version}`);
      db.close();
      expect(() => Catalog.open(dir, { readonly: true })).toThrow(
        version < SCHEMA_VERSION
          ? `${file}: catalog schema ${version} is older than this Glimpse's (${SCHEMA_VERSION}); only the Glimpse holding the library can upgrade it`
          : `${file}: catalog schema ${version} is newer than this Glimpse understands (${SCHEMA_VERSION}); update Glimpse`,
      );
      const after = new Database(file, { readonly: true });
      expect(after.pragma('user_version', { simple: true })).toBe(version);
      after.close();
    }
  });
});

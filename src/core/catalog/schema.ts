// The catalog's SQLite schema as numbered migrations on PRAGMA user_version, each with the reason it
// exists, applied in one transaction each so a crash never leaves a half-migrated library.
import type Database from 'better-sqlite3';

interface Migration {
  version: number;
  why: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    why: 'First schema: folders, photos, content-addressed embeddings, the index deletion journal, settings.',
    sql: `
      CREATE TABLE folders (
        id           INTEGER PRIMARY KEY,
        path         TEXT NOT NULL UNIQUE,           -- absolute root, no trailing separator
        exclude      TEXT NOT NULL DEFAULT '[]',     -- JSON array of glob patterns, relative to the root
        added_at     INTEGER NOT NULL,               -- ms since epoch
        last_scan_at INTEGER                         -- ms since epoch of the last completed scan
      );

      -- One row per file seen. Photos with the same bytes share one hash and so one embedding.
      CREATE TABLE photos (
        id         INTEGER PRIMARY KEY,
        folder_id  INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        path       TEXT NOT NULL UNIQUE,
        size       INTEGER NOT NULL,                 -- bytes
        mtime_ms   INTEGER NOT NULL,
        hash       TEXT,                             -- SHA-256 hex of the bytes; NULL until read
        width      INTEGER,                          -- pixels, after EXIF orientation
        height     INTEGER,
        format     TEXT,                             -- jpeg, png, webp, heif, gif, tiff, avif, ...
        taken_at   INTEGER,                          -- ms since epoch, EXIF DateTimeOriginal (local time as UTC)
        camera     TEXT,                             -- EXIF Make + Model
        status     TEXT NOT NULL CHECK (status IN ('indexed', 'failed')),
        error_code TEXT,                             -- for status 'failed': why, as a code and in words
        error      TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX photos_folder ON photos(folder_id);
      CREATE INDEX photos_hash ON photos(hash);
      CREATE INDEX photos_taken ON photos(taken_at);

      -- Vectors are stored so the HNSW index can always be rebuilt from the database. The label is the
      -- vector's id in the index; AUTOINCREMENT never reuses one, so a deleted label cannot come back
      -- meaning another photo.
      CREATE TABLE embeddings (
        label      INTEGER PRIMARY KEY AUTOINCREMENT,
        model_id   TEXT NOT NULL,
        hash       TEXT NOT NULL,
        vector     BLOB NOT NULL,                    -- float32 little-endian, L2-normalised
        created_at INTEGER NOT NULL,
        UNIQUE (model_id, hash)
      );

      -- Labels deleted since the index file was last saved: on open, the index catches up by replaying
      -- these (and adding labels above the ones it holds) instead of being rebuilt.
      CREATE TABLE index_deletions (
        seq      INTEGER PRIMARY KEY AUTOINCREMENT,
        model_id TEXT NOT NULL,
        label    INTEGER NOT NULL
      );

      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * The database's schema version, or an error naming the file when this code cannot use it: newer than it
 * knows, or — for a reader beside the writer (`canMigrate` false) — older, as only the writer upgrades it.
 */
export function checkSchema(db: Database.Database, file: string, canMigrate: boolean): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `${file}: catalog schema ${current} is newer than this Glimpse understands (${SCHEMA_VERSION}); update Glimpse`,
    );
  }
  if (!canMigrate && current < SCHEMA_VERSION) {
    throw new Error(
      `${file}: catalog schema ${current} is older than this Glimpse's (${SCHEMA_VERSION}); only the Glimpse holding the library can upgrade it`,
    );
  }
  return current;
}

/** Brings the database up to SCHEMA_VERSION; refuses a newer database than this code knows. */
export function migrate(db: Database.Database, file: string): void {
  const current = checkSchema(db, file, true);
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

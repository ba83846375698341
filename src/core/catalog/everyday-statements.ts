// The catalog's everyday statements — what the indexer, the library and the search read and write
// on every run — prepared once when the catalog opens.
import type Database from 'better-sqlite3';
import { photoColumns } from './rows';

const SQL = {
  folders: `SELECT id, path, exclude, added_at AS addedAt, last_scan_at AS lastScanAt FROM folders ORDER BY path`,
  folderByPath: `SELECT id FROM folders WHERE path = ?`,
  photosInFolder: `SELECT ${photoColumns} FROM photos WHERE folder_id = ?`,
  photoById: `SELECT ${photoColumns} FROM photos WHERE id = ?`,
  photoByPath: `SELECT ${photoColumns} FROM photos WHERE path = ?`,
  // A range on the UNIQUE(path) index: rows under a folder cost their number, not the library's.
  photoIdsUnder: `SELECT id FROM photos WHERE folder_id = ? AND (path = ? OR (path >= ? AND path < ?)) ORDER BY path`,
  // NUL starts each escaped byte of a name that is not UTF-8 (src/shared/byte-path.ts); a table scan.
  pathsWithBytes: `SELECT path FROM photos WHERE instr(path, char(0)) > 0`,
  photosByHash: `SELECT ${photoColumns} FROM photos WHERE hash = ? AND status = 'indexed' ORDER BY path`,
  embeddingByHash: `SELECT label FROM embeddings WHERE model_id = ? AND hash = ?`,
  vectorByLabel: `SELECT label, hash, vector FROM embeddings WHERE label = ?`,
  labels: `SELECT label FROM embeddings WHERE model_id = ? ORDER BY label`,
  vectorsAfter: `SELECT label, hash, vector FROM embeddings WHERE model_id = ? AND label > ? ORDER BY label`,
  vectorsPage: `SELECT label, hash, vector FROM embeddings WHERE model_id = ? AND label > ? ORDER BY label LIMIT ?`,
  vectorCount: `SELECT COUNT(*) AS n, COALESCE(MAX(label), 0) AS maxLabel FROM embeddings WHERE model_id = ?`,
  insertEmbedding: `INSERT INTO embeddings (model_id, hash, vector, created_at) VALUES (?, ?, ?, ?)`,
  upsertPhoto: `
      INSERT INTO photos (folder_id, path, size, mtime_ms, hash, width, height, format, taken_at, camera, status, error_code, error, updated_at)
      VALUES (@folderId, @path, @size, @mtimeMs, @hash, @width, @height, @format, @takenAt, @camera, @status, @errorCode, @error, @now)
      ON CONFLICT(path) DO UPDATE SET folder_id = excluded.folder_id, size = excluded.size, mtime_ms = excluded.mtime_ms,
        hash = excluded.hash, width = excluded.width, height = excluded.height, format = excluded.format,
        taken_at = excluded.taken_at, camera = excluded.camera, status = excluded.status,
        error_code = excluded.error_code, error = excluded.error, updated_at = excluded.updated_at`,
  movePhoto: `UPDATE photos SET path = ?, folder_id = ?, size = ?, mtime_ms = ?, updated_at = ? WHERE id = ?`,
  deletePhoto: `DELETE FROM photos WHERE id = ?`,
  hashInUse: `SELECT 1 FROM photos WHERE hash = ? AND status = 'indexed' LIMIT 1`,
  embeddingsOfHash: `SELECT label, model_id AS modelId FROM embeddings WHERE hash = ?`,
  hashesInFolder: `SELECT DISTINCT hash FROM photos WHERE folder_id = ? AND hash IS NOT NULL`,
  deleteEmbedding: `DELETE FROM embeddings WHERE label = ?`,
  journalDeletion: `INSERT INTO index_deletions (model_id, label) VALUES (?, ?)`,
  deletionsAfter: `SELECT seq, label FROM index_deletions WHERE model_id = ? AND seq > ? ORDER BY seq`,
  lastDeletionSeq: `SELECT COALESCE(MAX(seq), 0) AS seq FROM index_deletions`,
  pruneDeletions: `DELETE FROM index_deletions WHERE model_id = ? AND seq <= ?`,
  getMeta: `SELECT value FROM meta WHERE key = ?`,
  setMeta: `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
};

/** Statements that return their first column only. */
const PLUCKED: ReadonlyArray<keyof typeof SQL> = ['labels', 'photoIdsUnder', 'pathsWithBytes'];

export type EverydayStatements = { [K in keyof typeof SQL]: Database.Statement };

export function prepareEveryday(db: Database.Database): EverydayStatements {
  const out = {} as EverydayStatements;
  for (const name of Object.keys(SQL) as Array<keyof typeof SQL>) out[name] = db.prepare(SQL[name]);
  for (const name of PLUCKED) out[name].pluck();
  return out;
}

// What glimpse check and duplicates ask of the catalog beyond its everyday reads: SQLite's own checks,
// embeddings no photo shows, the deletion journal's state, and paged reads that hold no statement
// open across the awaits between pages.
import type { Statements } from './statements';

export interface OrphanEmbedding {
  label: number;
  modelId: string;
  hash: string;
}

export interface PhotoFileRecord {
  id: number;
  path: string;
  size: number;
  mtimeMs: number;
}

/** Rows whose path can name their file: a 'bad-name' row is one no call can open on this platform
 *  (Windows, for a name that is not valid UTF-8; core/fs/byte-path.ts), or an old library's display
 *  form of such a name (%XX), which the next index run sweeps away and indexes by its bytes. */
const OPENABLE = `error_code IS NOT 'bad-name'`;

export class MaintenanceQueries {
  constructor(private readonly st: Statements) {}

  /** SQLite's integrity_check, less its "ok". */
  integrityProblems(): string[] {
    const rows = this.st.db.pragma('integrity_check', { simple: false }) as Array<{
      integrity_check: string;
    }>;
    return rows.map((r) => r.integrity_check).filter((m) => m !== 'ok');
  }

  /** Rebuilds every index from its table: always safe, and what repairs a damaged index. */
  reindex(): void {
    this.st.db.exec('REINDEX');
  }

  /** Rows whose foreign key points at nothing (photos of a folder that is gone). */
  foreignKeyViolations(): Array<{ table: string; rowid: number }> {
    return this.st.db.pragma('foreign_key_check') as Array<{ table: string; rowid: number }>;
  }

  /** Embeddings (of any model) whose content no indexed photo shows. */
  orphanEmbeddings(): OrphanEmbedding[] {
    return this.st
      .get(
        `SELECT label, model_id AS modelId, hash FROM embeddings e
         WHERE NOT EXISTS (SELECT 1 FROM photos p WHERE p.hash = e.hash AND p.status = 'indexed')`,
      )
      .all() as OrphanEmbedding[];
  }

  /** Journal entries that delete a label still stored: replaying one would drop a vector in use. */
  journalEntriesOfLiveLabels(): Array<{ seq: number; label: number }> {
    return this.st
      .get(
        `SELECT d.seq, d.label FROM index_deletions d JOIN embeddings e ON e.label = d.label ORDER BY d.seq`,
      )
      .all() as Array<{ seq: number; label: number }>;
  }

  /** Journal entries of a model at or before `seq`. */
  journalEntriesUpTo(modelId: string, seq: number): number {
    return this.st
      .pluck(`SELECT COUNT(*) FROM index_deletions WHERE model_id = ? AND seq <= ?`)
      .get(modelId, seq) as number;
  }

  /** Removes single journal entries (Catalog.pruneDeletions removes a model's prefix). */
  forgetJournalEntries(seqs: Iterable<number>): void {
    const del = this.st.get(`DELETE FROM index_deletions WHERE seq = ?`);
    for (const seq of seqs) del.run(seq);
  }

  /** The highest label the catalog ever issued (AUTOINCREMENT keeps it even after deletes). */
  highestLabelEver(): number {
    const seq = this.st.pluck(`SELECT seq FROM sqlite_sequence WHERE name = 'embeddings'`).get();
    return typeof seq === 'number' ? seq : 0;
  }

  /** Paths of indexed photos with no vector for `modelId`, sorted. */
  pathsWithoutVector(modelId: string): string[] {
    return this.st
      .pluck(
        `SELECT p.path FROM photos p WHERE p.status = 'indexed' AND (p.hash IS NULL OR NOT EXISTS
           (SELECT 1 FROM embeddings e WHERE e.model_id = ? AND e.hash = p.hash)) ORDER BY p.path`,
      )
      .all(modelId) as string[];
  }

  /** Every content an indexed photo shows, sorted. */
  indexedHashes(): string[] {
    return this.st
      .pluck(`SELECT DISTINCT hash FROM photos WHERE status = 'indexed' AND hash IS NOT NULL ORDER BY hash`)
      .all() as string[];
  }

  /** Photos in these folders whose file their path can open (the ones photoFilesPage reads). */
  openablePhotoCount(folderIds: readonly number[]): number {
    if (!folderIds.length) return 0;
    // One placeholder per folder: not cached, the list differs from call to call.
    return this.st.db
      .prepare(
        `SELECT COUNT(*) FROM photos WHERE folder_id IN (${folderIds.map(() => '?').join(',')}) AND ${OPENABLE}`,
      )
      .pluck()
      .get(...folderIds) as number;
  }

  /** A folder's photos with ids above `afterId` whose file their path can open, by id, at most `limit`. */
  photoFilesPage(folderId: number, afterId: number, limit: number): PhotoFileRecord[] {
    return this.st
      .get(
        `SELECT id, path, size, mtime_ms AS mtimeMs FROM photos WHERE folder_id = ? AND id > ? AND ${OPENABLE} ORDER BY id LIMIT ?`,
      )
      .all(folderId, afterId, limit) as PhotoFileRecord[];
  }

  /** A model's labels whose content two or more indexed photos show (exact copies). */
  labelsShownTwice(modelId: string): number[] {
    return this.st
      .pluck(
        `SELECT e.label FROM embeddings e JOIN photos p ON p.hash = e.hash AND p.status = 'indexed'
         WHERE e.model_id = ? GROUP BY e.label HAVING COUNT(*) > 1`,
      )
      .all(modelId) as number[];
  }
}

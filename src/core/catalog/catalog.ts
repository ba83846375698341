// The library's catalog in SQLite (better-sqlite3): folders, photos, embeddings and the label journal
// the vector index follows. Synchronous by design — one process owns it, every write is a short
// transaction, and WAL lets readers (a search from another process) run alongside.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { prepareEveryday, type EverydayStatements } from './everyday-statements';
import { acquireWriterLock } from './lock';
import { MaintenanceQueries } from './maintenance-queries';
import { CatalogReports } from './reports';
import {
  blobToVector,
  vectorToBlob,
  type FolderRow,
  type FreedVector,
  type PhotoRow,
  type PhotoWrite,
  type StoredVector,
} from './rows';
import { checkSchema, migrate } from './schema';
import { SearchQueries } from './search-queries';
import { Statements } from './statements';

export * from './rows';
export type { FolderCounts } from './reports';
export type { LabelledPhoto } from './search-queries';
export type { OrphanEmbedding, PhotoFileRecord } from './maintenance-queries';
export { releaseFreed, type FreedTargets } from './release';

export interface CatalogOptions {
  /** Open for reading only: no lock, no migrations, no writes. */
  readonly?: boolean;
  /** better-sqlite3 built for another runtime's ABI (the Electron app passes its own build). */
  nativeBinding?: string;
}

/** The code point after the separator: every path under `dir` sorts in [dir + sep, dir + AFTER_SEP). */
const AFTER_SEP = String.fromCharCode(sep.charCodeAt(0) + 1);

export class Catalog {
  /** The connection itself: only src/core/catalog/ and tests that damage a library on purpose use
   *  it (lint-enforced); everything else asks a named query. */
  readonly db: Database.Database;
  readonly file: string;
  /** Status and failure-list counts. */
  readonly reports: CatalogReports;
  /** The search's hydration and filters. */
  readonly search: SearchQueries;
  /** glimpse check's and duplicates' queries. */
  readonly maintenance: MaintenanceQueries;
  private readonly release: () => void;
  private readonly stmt: EverydayStatements;
  /** Contents that lost a photo inside writeBatch(), checked once the batch's writes have all landed. */
  private deferredRelease: Set<string> | null = null;

  private constructor(dir: string, opts: CatalogOptions) {
    this.file = join(dir, 'library.db');
    if (opts.readonly) {
      this.release = () => {};
      if (!existsSync(this.file))
        throw new Error(`${this.file}: no library here yet (nothing has been indexed)`);
      this.db = new Database(this.file, {
        readonly: true,
        fileMustExist: true,
        nativeBinding: opts.nativeBinding,
      });
      try {
        // The writer may be mid-transaction: wait for its lock rather than fail (WAL readers rarely need to).
        this.db.pragma('busy_timeout = 5000');
        checkSchema(this.db, this.file, false);
      } catch (e) {
        this.db.close();
        throw e;
      }
    } else {
      mkdirSync(dir, { recursive: true });
      this.release = acquireWriterLock(join(dir, 'library.lock'), dir);
      try {
        this.db = new Database(this.file, { nativeBinding: opts.nativeBinding });
        // WAL: readers never block the writer; NORMAL sync: a power cut may lose the last transactions
        // but never corrupts the file, and the indexer simply redoes those files.
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = NORMAL');
        this.db.pragma('foreign_keys = ON');
        this.db.pragma('busy_timeout = 5000');
        migrate(this.db, this.file);
      } catch (e) {
        this.release();
        throw e;
      }
    }
    this.stmt = prepareEveryday(this.db);
    const statements = new Statements(this.db);
    this.reports = new CatalogReports(statements);
    this.search = new SearchQueries(statements);
    this.maintenance = new MaintenanceQueries(statements);
  }

  static open(dir: string, opts: CatalogOptions = {}): Catalog {
    return new Catalog(dir, opts);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Runs `fn` in one transaction in which contents that lose their last photo are released only at the
   * end, once every write has landed: a batch may take content X away from one path and give it to
   * another (two files swapping names, a file copied and then edited), and X's vector must survive
   * that. Writes inside return no freed vectors; the batch returns them all.
   */
  writeBatch(fn: () => void): FreedVector[] {
    if (this.deferredRelease) throw new Error(`${this.file}: writeBatch() calls do not nest`);
    const candidates = new Set<string>();
    this.deferredRelease = candidates;
    try {
      return this.transaction(() => {
        fn();
        this.deferredRelease = null;
        return this.releaseHashes(candidates);
      });
    } finally {
      this.deferredRelease = null;
    }
  }

  // Folders ---------------------------------------------------------------------------------------

  folders(): FolderRow[] {
    return (this.stmt.folders.all() as Array<Omit<FolderRow, 'exclude'> & { exclude: string }>).map((f) => ({
      ...f,
      exclude: JSON.parse(f.exclude) as string[],
    }));
  }

  /** Adds a root (or updates its exclusions) and returns its id. */
  addFolder(path: string, exclude: string[] = []): number {
    const existing = this.stmt.folderByPath.get(path) as { id: number } | undefined;
    if (existing) {
      this.db
        .prepare(`UPDATE folders SET exclude = ? WHERE id = ?`)
        .run(JSON.stringify(exclude), existing.id);
      return existing.id;
    }
    return Number(
      this.db
        .prepare(`INSERT INTO folders (path, exclude, added_at) VALUES (?, ?, ?)`)
        .run(path, JSON.stringify(exclude), Date.now()).lastInsertRowid,
    );
  }

  /** Removes a root and its photos; returns the labels whose vectors no photo uses any more. */
  removeFolder(path: string): FreedVector[] {
    return this.transaction(() => {
      const folder = this.stmt.folderByPath.get(path) as { id: number } | undefined;
      if (!folder) return [];
      const hashes = (this.stmt.hashesInFolder.all(folder.id) as Array<{ hash: string }>).map((r) => r.hash);
      this.db.prepare(`DELETE FROM folders WHERE id = ?`).run(folder.id);
      return this.releaseHashes(hashes);
    });
  }

  /** Moves a folder's photos into the folder `intoId` (which contains it) and forgets the folder. */
  absorbFolder(intoId: number, folderId: number): void {
    this.transaction(() => {
      this.db.prepare(`UPDATE photos SET folder_id = ? WHERE folder_id = ?`).run(intoId, folderId);
      this.db.prepare(`DELETE FROM folders WHERE id = ?`).run(folderId);
    });
  }

  markScanned(folderId: number, at = Date.now()): void {
    this.db.prepare(`UPDATE folders SET last_scan_at = ? WHERE id = ?`).run(at, folderId);
  }

  // Photos ----------------------------------------------------------------------------------------

  photosInFolder(folderId: number): PhotoRow[] {
    return this.stmt.photosInFolder.all(folderId) as PhotoRow[];
  }

  photo(id: number): PhotoRow | undefined {
    return this.stmt.photoById.get(id) as PhotoRow | undefined;
  }

  photoByPath(path: string): PhotoRow | undefined {
    return this.stmt.photoByPath.get(path) as PhotoRow | undefined;
  }

  /** Ids of a folder's photos at `path` or under it (a file or a folder, present or gone), by path. */
  photoIdsAtOrUnder(folderId: number, path: string): number[] {
    return this.stmt.photoIdsUnder.all(folderId, path, path + sep, path + AFTER_SEP) as number[];
  }

  /** Paths whose names are not all valid UTF-8 (they hold escaped bytes); reads the whole table. */
  pathsWithEscapedBytes(): string[] {
    return this.stmt.pathsWithBytes.all() as string[];
  }

  /** Whether an indexed photo shows this content. */
  hashInUse(hash: string): boolean {
    return this.stmt.hashInUse.get(hash) !== undefined;
  }

  /** Indexed photos with this content, by path. */
  photosWithHash(hash: string): PhotoRow[] {
    return this.stmt.photosByHash.all(hash) as PhotoRow[];
  }

  /** Inserts or replaces the row for p.path; returns labels freed when its old content is used nowhere else. */
  writePhoto(p: PhotoWrite): FreedVector[] {
    const before = this.photoByPath(p.path);
    this.stmt.upsertPhoto.run({
      width: null,
      height: null,
      format: null,
      takenAt: null,
      camera: null,
      errorCode: null,
      error: null,
      ...p,
      now: Date.now(),
    });
    return before?.hash && before.hash !== p.hash ? this.releaseHashes([before.hash]) : [];
  }

  /** A file that moved keeps its row (and so its vector): only where it is changes. */
  movePhoto(id: number, to: { path: string; folderId: number; size: number; mtimeMs: number }): void {
    this.stmt.movePhoto.run(to.path, to.folderId, to.size, to.mtimeMs, Date.now(), id);
  }

  /** Deletes photo rows; returns the labels whose vectors no photo uses any more. */
  deletePhotos(ids: number[]): FreedVector[] {
    if (!ids.length) return [];
    return this.transaction(() => {
      const hashes: string[] = [];
      for (const id of ids) {
        const hash = this.photo(id)?.hash;
        if (hash) hashes.push(hash);
        this.stmt.deletePhoto.run(id);
      }
      return this.releaseHashes(hashes);
    });
  }

  /** Deletes the embeddings of contents no indexed photo shows any more, journaling their labels so
   *  the vector index drops them too (glimpse check --repair calls it for orphans it found). */
  releaseUnused(hashes: Iterable<string>): FreedVector[] {
    return this.transaction(() => this.releaseHashes(hashes));
  }

  private releaseHashes(hashes: Iterable<string>): FreedVector[] {
    if (this.deferredRelease) {
      for (const hash of hashes) this.deferredRelease.add(hash);
      return [];
    }
    const freed: FreedVector[] = [];
    for (const hash of new Set(hashes)) {
      if (this.stmt.hashInUse.get(hash)) continue;
      for (const e of this.stmt.embeddingsOfHash.all(hash) as Array<{ label: number; modelId: string }>) {
        this.stmt.deleteEmbedding.run(e.label);
        this.stmt.journalDeletion.run(e.modelId, e.label);
        freed.push({ ...e, hash });
      }
    }
    return freed;
  }

  // Embeddings ------------------------------------------------------------------------------------

  labelFor(modelId: string, hash: string): number | undefined {
    return (this.stmt.embeddingByHash.get(modelId, hash) as { label: number } | undefined)?.label;
  }

  /** Stores a vector for content `hash` and returns its new label. */
  addEmbedding(modelId: string, hash: string, vector: Float32Array): number {
    return Number(
      this.stmt.insertEmbedding.run(modelId, hash, vectorToBlob(vector), Date.now()).lastInsertRowid,
    );
  }

  vector(label: number): StoredVector | undefined {
    const row = this.stmt.vectorByLabel.get(label) as
      { label: number; hash: string; vector: Buffer } | undefined;
    return row && { label: row.label, hash: row.hash, vector: blobToVector(row.vector) };
  }

  /** Every label of a model's vectors, ascending. */
  labels(modelId: string): number[] {
    return this.stmt.labels.all(modelId) as number[];
  }

  /** Vectors of a model with labels above `after`, in label order, streamed from SQLite. */
  *vectorsAfter(modelId: string, after = 0): Generator<StoredVector> {
    for (const row of this.stmt.vectorsAfter.iterate(modelId, after) as Iterable<{
      label: number;
      hash: string;
      vector: Buffer;
    }>) {
      yield { label: row.label, hash: row.hash, vector: blobToVector(row.vector) };
    }
  }

  /** At most `limit` vectors of a model with labels above `after`, in label order: a page read at
   *  once, for callers that await between pages (a streamed read would hold its statement open). */
  vectorsPage(modelId: string, after: number, limit: number): StoredVector[] {
    return (
      this.stmt.vectorsPage.all(modelId, after, limit) as Array<{
        label: number;
        hash: string;
        vector: Buffer;
      }>
    ).map((row) => ({ label: row.label, hash: row.hash, vector: blobToVector(row.vector) }));
  }

  vectorStats(modelId: string): { count: number; maxLabel: number } {
    const r = this.stmt.vectorCount.get(modelId) as { n: number; maxLabel: number };
    return { count: r.n, maxLabel: r.maxLabel };
  }

  /** Labels deleted after journal position `afterSeq`. */
  deletionsAfter(modelId: string, afterSeq: number): Array<{ seq: number; label: number }> {
    return this.stmt.deletionsAfter.all(modelId, afterSeq) as Array<{ seq: number; label: number }>;
  }

  lastDeletionSeq(): number {
    return (this.stmt.lastDeletionSeq.get() as { seq: number }).seq;
  }

  /** Forgets journal entries an index file saved at `seq` already reflects. */
  pruneDeletions(modelId: string, seq: number): void {
    this.stmt.pruneDeletions.run(modelId, seq);
  }

  // Meta ------------------------------------------------------------------------------------------

  getMeta(key: string): string | undefined {
    return (this.stmt.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmt.setMeta.run(key, value);
  }

  close(): void {
    try {
      if (this.db.open) this.db.close();
    } finally {
      this.release();
    }
  }
}

// A library folder: the catalog (library.db, the truth), the vector index that follows it, and the
// thumbnail cache. Opening it checks the index against the catalog and brings it up to date.
import { join } from 'node:path';
import { Catalog } from './catalog/catalog';
import { checkModelVectors, forgetModelVectors } from './catalog/model-vectors';
import type { VectorSink } from './indexer/indexer';
import { ThumbnailStore } from './indexer/thumbnails';
import { GpuSearch } from './vectors/gpu/gpu-search';
import { VectorIndex, type OpenReport } from './vectors/vector-index';

interface LibraryOptions {
  dir: string;
  modelId: string;
  dim: number;
  nativeBinding?: string;
  /** Beside the Glimpse that holds the library (app or CLI): no lock, nothing written. Sees what that
   *  writer has committed: its last saved index file, brought up to the catalog in memory. */
  readOnly?: boolean;
  /** Rebuild or catch-up progress of the vector index. */
  onIndexProgress?: (done: number, total: number) => void;
  /** On a CUDA machine: hold the vectors on the GPU and answer searches exactly (vectors/gpu/);
   *  provider 'cpu' runs the same graph on the CPU, for tests. */
  exactGpu?: { deviceId?: number; provider?: 'cuda' | 'cpu' };
  /** The installed bundle's content fingerprint (model-store/fingerprint.ts); null when unknown. */
  fingerprint?: string | null;
  /** Forget this model's vectors first (they came from another build of it): everything re-embeds. */
  reembed?: boolean;
}

/** What the catalog records about the index file it last saw saved. */
interface IndexRecord {
  generation: number;
  count: number;
  /** Highest label in the saved file: labels above it were added after the save. */
  maxLabel: number;
  /** Deletion journal position the saved file reflects. */
  deletionSeq: number;
}

interface IndexOpenReport extends Omit<OpenReport, 'from'> {
  /** 'new': a library (or model) with no vectors yet — nothing was rebuilt, there was nothing to load. */
  from: OpenReport['from'] | 'new';
  /** Vectors added and removed to bring a loaded index up to the catalog. */
  caughtUp: { added: number; removed: number };
}

const recordKey = (modelId: string) => `index:${modelId}`;
/** File stem per model: switching models never overwrites another model's index. */
const indexName = (modelId: string) => `vectors-${modelId.replace(/[^A-Za-z0-9_.-]/g, '_')}`;

export class Library {
  /** Exact search on the GPU beside the graph (null without one); search through it when present. */
  exact: GpuSearch | null = null;
  private changedSinceSave = false;
  /** Read-only views: the highest label and deletion-journal position taken in from the catalog. */
  private seen = { maxLabel: 0, deletionSeq: 0 };

  private constructor(
    readonly dir: string,
    readonly modelId: string,
    readonly catalog: Catalog,
    readonly vectors: VectorIndex,
    readonly thumbnails: ThumbnailStore,
    readonly indexReport: IndexOpenReport,
  ) {}

  get readOnly(): boolean {
    return this.vectors.readOnly;
  }

  static async open(opts: LibraryOptions): Promise<Library> {
    const readOnly = opts.readOnly ?? false;
    const catalog = Catalog.open(opts.dir, { nativeBinding: opts.nativeBinding, readonly: readOnly });
    try {
      if (opts.reembed && !readOnly) forgetModelVectors(catalog, opts.modelId);
      checkModelVectors(catalog, {
        dir: opts.dir,
        modelId: opts.modelId,
        dim: opts.dim,
        fingerprint: opts.fingerprint ?? null,
        writable: !readOnly,
      });
      const raw = catalog.getMeta(recordKey(opts.modelId));
      const record = raw ? (JSON.parse(raw) as IndexRecord) : null;
      const stats = catalog.vectorStats(opts.modelId);
      // Taken before the index reads anything: a read-only view's refresh() goes on from here.
      const seen = { maxLabel: stats.maxLabel, deletionSeq: catalog.lastDeletionSeq() };
      const vectors = await VectorIndex.open(
        { dir: opts.dir, dim: opts.dim, modelId: opts.modelId, name: indexName(opts.modelId), readOnly },
        record && { generation: record.generation, count: record.count },
        { count: stats.count, items: () => catalog.vectorsAfter(opts.modelId, 0) },
        opts.onIndexProgress,
      );
      const caughtUp = { added: 0, removed: 0 };
      const fresh = !record && stats.count === 0;
      if (vectors.opened.from === 'file' && record) {
        // The file is the one the catalog recorded; replay what happened after it was saved.
        caughtUp.removed = vectors.remove(
          catalog.deletionsAfter(opts.modelId, record.deletionSeq).map((d) => d.label),
        );
        const batch: Array<{ label: number; vector: Float32Array }> = [];
        for (const v of catalog.vectorsAfter(opts.modelId, record.maxLabel)) {
          batch.push(v);
          if (batch.length === 1024) caughtUp.added += flush(vectors, batch);
        }
        caughtUp.added += flush(vectors, batch);
      }
      const lib = new Library(
        opts.dir,
        opts.modelId,
        catalog,
        vectors,
        new ThumbnailStore(join(opts.dir, 'thumbs')),
        fresh ? { ...vectors.opened, from: 'new', reason: null, caughtUp } : { ...vectors.opened, caughtUp },
      );
      lib.changedSinceSave =
        (vectors.opened.from === 'rebuild' && !fresh) || caughtUp.added + caughtUp.removed > 0;
      lib.seen = seen;
      if (opts.exactGpu && !readOnly) {
        const source = () => ({
          count: catalog.vectorStats(opts.modelId).count,
          items: () => pagedVectors(catalog, opts.modelId),
        });
        const dir = join(opts.dir, 'exact-gpu', indexName(opts.modelId));
        const { deviceId, provider = 'cuda' } = opts.exactGpu;
        lib.exact = new GpuSearch(vectors, source, { dir, dim: opts.dim, provider, deviceId, force: true });
      }
      return lib;
    } catch (e) {
      catalog.close();
      throw e;
    }
  }

  /** The indexer's view of the vector index. */
  get sink(): VectorSink {
    if (this.readOnly)
      throw new Error(`library ${this.dir} is open read-only: it cannot be changed from here`);
    return {
      add: (items) => {
        if (!items.length) return;
        this.vectors.add(items);
        this.changedSinceSave = true;
      },
      remove: (labels) => {
        if (this.vectors.remove(labels) > 0) this.changedSinceSave = true;
      },
    };
  }

  /**
   * Read-only views: takes in what the writer has committed since the last look — vectors above the
   * highest label seen, then the deletion journal — in one read transaction. If the counts then differ
   * (the writer pruned journal entries this view had not read yet), the labels are reconciled with the
   * catalog's. Returns how many labels were added and removed; a writer's view is always current.
   */
  refresh(): { added: number; removed: number } {
    const changes = { added: 0, removed: 0 };
    if (!this.readOnly) return changes;
    const { catalog, vectors, modelId } = this;
    catalog.transaction(() => {
      const stats = catalog.vectorStats(modelId);
      if (stats.maxLabel > this.seen.maxLabel) {
        const batch: Array<{ label: number; vector: Float32Array }> = [];
        for (const v of catalog.vectorsAfter(modelId, this.seen.maxLabel)) {
          batch.push(v);
          if (batch.length === 1024) changes.added += flush(vectors, batch);
        }
        changes.added += flush(vectors, batch);
        this.seen.maxLabel = stats.maxLabel;
      }
      const deletions = catalog.deletionsAfter(modelId, this.seen.deletionSeq);
      if (deletions.length) {
        changes.removed += vectors.remove(deletions.map((d) => d.label));
        this.seen.deletionSeq = deletions[deletions.length - 1]!.seq;
      }
      if (vectors.size !== stats.count) {
        const inCatalog = new Set(catalog.labels(modelId));
        changes.removed += vectors.remove([...vectors.labels()].filter((l) => !inCatalog.has(l)));
        const missing = [...inCatalog].filter((l) => !vectors.has(l));
        for (const v of missing.map((l) => catalog.vector(l))) {
          if (!v) continue;
          try {
            vectors.add([v]);
            changes.added++;
          } catch {
            // A malformed stored vector (glimpse check reports it); the rebuild skipped it too.
          }
        }
      }
    });
    return changes;
  }

  /** Writes the index file and records it in the catalog, so the next open loads it instead of
   *  rebuilding. The catalog is the truth: the record is written only after the file is safe. */
  async saveIndex(): Promise<void> {
    if (!this.changedSinceSave || this.readOnly) return;
    const { maxLabel } = this.catalog.vectorStats(this.modelId);
    const deletionSeq = this.catalog.lastDeletionSeq();
    const saved = await this.vectors.save();
    const record: IndexRecord = { generation: saved.generation, count: saved.count, maxLabel, deletionSeq };
    this.catalog.transaction(() => {
      this.catalog.setMeta(recordKey(this.modelId), JSON.stringify(record));
      this.catalog.pruneDeletions(this.modelId, deletionSeq);
    });
    this.changedSinceSave = false;
  }

  async close(): Promise<void> {
    try {
      await this.saveIndex();
    } finally {
      await this.exact?.close();
      await this.vectors.close();
      this.catalog.close();
    }
  }
}

/**
 * Every vector of the model, read a page at a time: the GPU snapshot writes between pages, and an open
 * better-sqlite3 iterator would make the indexer's writes on this connection fail meanwhile.
 */
async function* pagedVectors(catalog: Catalog, modelId: string, page = 4096) {
  let after = 0;
  for (;;) {
    const batch = [];
    for (const v of catalog.vectorsAfter(modelId, after)) {
      batch.push(v);
      if (batch.length === page) break; // ends the statement's iteration
    }
    yield* batch;
    if (batch.length < page) return;
    after = batch.at(-1)!.label;
  }
}

function flush(vectors: VectorIndex, batch: Array<{ label: number; vector: Float32Array }>): number {
  const fresh = batch.filter((v) => !vectors.has(v.label));
  if (fresh.length) vectors.add(fresh);
  batch.length = 0;
  return fresh.length;
}

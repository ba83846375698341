// A library folder: the catalog (library.db, the truth), the vector index that follows it, and the
// thumbnail cache. Opening it checks the index against the catalog and brings it up to date.
import { join } from 'node:path';
import { Catalog } from './catalog/catalog';
import type { VectorSink } from './indexer/indexer';
import { ThumbnailStore } from './indexer/thumbnails';
import { VectorIndex, type OpenReport } from './vectors/vector-index';

export interface LibraryOptions {
  dir: string;
  modelId: string;
  dim: number;
  nativeBinding?: string;
  /** Rebuild or catch-up progress of the vector index. */
  onIndexProgress?: (done: number, total: number) => void;
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

export interface IndexOpenReport extends Omit<OpenReport, 'from'> {
  /** 'new': a library (or model) with no vectors yet — nothing was rebuilt, there was nothing to load. */
  from: OpenReport['from'] | 'new';
  /** Vectors added and removed to bring a loaded index up to the catalog. */
  caughtUp: { added: number; removed: number };
}

const recordKey = (modelId: string) => `index:${modelId}`;
/** File stem per model: switching models never overwrites another model's index. */
const indexName = (modelId: string) => `vectors-${modelId.replace(/[^A-Za-z0-9_.-]/g, '_')}`;

export class Library {
  private changedSinceSave = false;

  private constructor(
    readonly dir: string,
    readonly modelId: string,
    readonly catalog: Catalog,
    readonly vectors: VectorIndex,
    readonly thumbnails: ThumbnailStore,
    readonly indexReport: IndexOpenReport,
  ) {}

  static async open(opts: LibraryOptions): Promise<Library> {
    const catalog = Catalog.open(opts.dir, { nativeBinding: opts.nativeBinding });
    try {
      const raw = catalog.getMeta(recordKey(opts.modelId));
      const record = raw ? (JSON.parse(raw) as IndexRecord) : null;
      const stats = catalog.vectorStats(opts.modelId);
      const vectors = await VectorIndex.open(
        { dir: opts.dir, dim: opts.dim, modelId: opts.modelId, name: indexName(opts.modelId) },
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
      return lib;
    } catch (e) {
      catalog.close();
      throw e;
    }
  }

  /** The indexer's view of the vector index. */
  get sink(): VectorSink {
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

  /** Writes the index file and records it in the catalog, so the next open loads it instead of
   *  rebuilding. The catalog is the truth: the record is written only after the file is safe. */
  async saveIndex(): Promise<void> {
    if (!this.changedSinceSave) return;
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
      await this.vectors.close();
      this.catalog.close();
    }
  }
}

function flush(vectors: VectorIndex, batch: Array<{ label: number; vector: Float32Array }>): number {
  const fresh = batch.filter((v) => !vectors.has(v.label));
  if (fresh.length) vectors.add(fresh);
  batch.length = 0;
  return fresh.length;
}

// The photo vector index as the engine sees it: vectors are searchable the moment they are added
// (an exact scan covers what the graphs have not taken in), while worker threads insert them into
// HNSW graph shards side by side; the graph files are loaded only when they provably match the
// database, else rebuilt.
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { sortedLabels, type AllowList } from './allow-list';
import { byScore, type ScoredLabel } from './exact';
import { IndexFiles, sidecarMismatch, type IndexManifest, type ShardFile, type Sidecar } from './index-files';
import { VectorIndexError } from './index-client';
import type { IndexStats } from './index-protocol';
import { itemProblem, queryProblem } from './item-checks';
import { buildParamsFor, defaultShardCount, GROWTH_FACTOR } from './params';
import { RebuildProgress } from './rebuild-progress';
import { Shard, sumStats } from './shard';
import type { ChangeListener, VectorItem, VectorSource } from './vector-types';

export type { IndexManifest, VectorItem, VectorSource };
type SearchHit = ScoredLabel;

export interface VectorIndexOptions {
  /** Folder for the graph file and its sidecar (beside the database). */
  dir: string;
  /** Vector length the model gives (1024 for ViT-H/14). */
  dim: number;
  /** The model the vectors come from; an index built for another model is rebuilt. */
  modelId: string;
  /** File stem, so one folder can hold several indexes; 'vectors' by default. */
  name?: string;
  /** Build parameters; by default chosen from the library's size (params.ts buildParamsFor). */
  M?: number;
  efConstruction?: number;
  /** Fixed candidate list size for searches (≥ k is enforced by hnswlib); by default efFor(size, k). */
  efSearch?: number;
  /** Graphs built side by side when the index is (re)built; a saved index keeps its own count. */
  shards?: number;
  /** Beside another process that owns the files: load the saved graph if it matches, never write or
   *  discard a file; a mismatch rebuilds in memory only, and save() is refused. */
  readOnly?: boolean;
}

export interface OpenReport {
  from: 'file' | 'rebuild';
  /** Why the saved index was not used (null when it was loaded). */
  reason: string | null;
  /** Source items skipped during a rebuild (bad label, length or norm), with the first few reasons. */
  skipped: number;
  skippedExamples: string[];
  ms: number;
}

/** What save() wrote; the database records `generation` and `count` and passes them to open(). */
export interface SavedIndex extends IndexManifest {
  /** One graph file per shard, `file` a full path. */
  files: ShardFile[];
}

/** Items read from the source per message to the worker during a rebuild. */
const REBUILD_BATCH = 256;
/** Reasons kept in OpenReport.skippedExamples. */
const SKIPPED_EXAMPLES = 5;

interface Params {
  M: number;
  efConstruction: number;
  efSearch: number | null;
}

export class VectorIndex {
  readonly opened: OpenReport = { from: 'rebuild', reason: null, skipped: 0, skippedExamples: [], ms: 0 };
  private shards: Shard[] = [];
  private readonly live = new Set<number>();
  private savedGeneration = 0;
  /** Highest generation seen on disk or in the database: the next save goes above it. */
  private generationFloor = 0;
  private progress: RebuildProgress | null = null;
  private saving: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<ChangeListener>();

  private constructor(
    readonly dim: number,
    readonly modelId: string,
    private params: Params,
    private readonly files: IndexFiles,
    readonly readOnly: boolean,
  ) {}

  /**
   * Loads the saved index if its sidecar matches this model, parameters and the database's record
   * (`expected`) and its checksums hold; otherwise discards it and rebuilds from `source`. Resolves
   * once every source vector is queued (and so searchable); `onProgress` then follows the graphs
   * catching up, ending at (total, total); flush() waits for it.
   */
  static async open(
    opts: VectorIndexOptions,
    expected: IndexManifest | null,
    source: VectorSource,
    onProgress?: (done: number, total: number) => void,
  ): Promise<VectorIndex> {
    const started = performance.now();
    const files = new IndexFiles(opts.dir, opts.name ?? 'vectors');
    const bySize = buildParamsFor(source.count);
    const params: Params = {
      M: opts.M ?? bySize.M,
      efConstruction: opts.efConstruction ?? bySize.efConstruction,
      efSearch: opts.efSearch ?? null,
    };
    const shardCount = opts.shards ?? defaultShardCount(availableParallelism());
    for (const [field, value] of Object.entries({ dim: opts.dim, shards: shardCount, ...params })) {
      if (value === null && field === 'efSearch') continue;
      if (!Number.isInteger(value) || (value as number) < 1)
        throw new RangeError(`${files.sidecarPath}: ${field} ${value} is not a positive integer`);
    }
    if (!opts.modelId) throw new RangeError(`${files.sidecarPath}: modelId is empty`);
    const readOnly = opts.readOnly ?? false;
    if (!readOnly) await mkdir(opts.dir, { recursive: true });
    const index = new VectorIndex(opts.dim, opts.modelId, params, files, readOnly);
    try {
      const read = await files.readSidecar();
      let reason = 'problem' in read ? read.problem : null;
      index.generationFloor = expected?.generation ?? 0;
      if ('sidecar' in read) {
        const s = read.sidecar;
        index.generationFloor = Math.max(index.generationFloor, s.generation);
        reason = sidecarMismatch(
          files.sidecarPath,
          s,
          {
            dim: opts.dim,
            modelId: opts.modelId,
            M: opts.M ?? null,
            efConstruction: opts.efConstruction ?? null,
            count: source.count,
          },
          expected,
        );
        if (!reason) reason = await index.load(s);
      }
      index.opened.from = reason ? 'rebuild' : 'file';
      index.opened.reason = reason;
      if (reason) {
        await index.closeShards();
        index.params = params;
        index.startShards(shardCount);
        if (!readOnly) await files.discard();
        const capacity = (source.count * GROWTH_FACTOR) / shardCount;
        await Promise.all(index.shards.map((shard) => shard.create(capacity)));
        await index.rebuild(source, onProgress);
      }
      index.opened.ms = performance.now() - started;
      return index;
    } catch (e) {
      await index.close();
      throw e;
    }
  }

  /** Loads every shard of a matching sidecar (with the parameters it was built with); why not, or null. */
  private async load(s: Sidecar): Promise<string | null> {
    this.params = { ...this.params, M: s.M, efConstruction: s.efConstruction };
    this.startShards(s.shards.length);
    try {
      const loaded = await Promise.all(
        s.shards.map((f, i) => {
          const { bytes, checksum, count, elements } = f;
          return this.shards[i]!.load({
            file: this.files.graphPath(s.generation, i),
            bytes,
            checksum,
            count,
            elements,
          });
        }),
      );
      for (const labels of loaded) for (const label of labels) this.live.add(label);
      this.savedGeneration = s.generation;
      return null;
    } catch (e) {
      this.live.clear();
      return (e as Error).message;
    }
  }

  private startShards(count: number): void {
    const { M, efConstruction, efSearch } = this.params;
    this.shards = Array.from(
      { length: count },
      (_, i) =>
        new Shard(
          { dim: this.dim, M, efConstruction, efSearch, displayName: `${this.files.sidecarPath} shard ${i}` },
          () => this.reportProgress(),
        ),
    );
  }

  private async closeShards(): Promise<void> {
    await Promise.all(this.shards.map((shard) => shard.close()));
    this.shards = [];
  }

  private async rebuild(
    source: VectorSource,
    onProgress?: (done: number, total: number) => void,
  ): Promise<void> {
    const progress = new RebuildProgress(this.shards, source.count, onProgress ?? (() => {}));
    this.progress = progress;
    let batch: VectorItem[] = [];
    for await (const item of source.items()) {
      const problem = this.problem(item);
      if (problem) {
        if (this.opened.skipped++ < SKIPPED_EXAMPLES) this.opened.skippedExamples.push(problem);
        continue;
      }
      batch.push(item);
      if (batch.length === REBUILD_BATCH) {
        this.add(batch);
        batch = [];
      }
    }
    this.add(batch);
    progress.queued();
  }

  /** Queues vectors (new labels or new vectors for existing ones); searchable at once. */
  add(items: Iterable<VectorItem>): void {
    this.usable();
    const list = [...items];
    for (const item of list) {
      const problem = this.problem(item);
      if (problem) throw new RangeError(problem);
    }
    if (!list.length) return;
    const { dim } = this;
    const perShard: VectorItem[][] = this.shards.map(() => []);
    for (const item of list) perShard[this.shardOf(item.label)]!.push(item);
    perShard.forEach((part, s) => {
      if (!part.length) return;
      // Shared memory: the worker reads the same floats this side scans, one copy of each vector.
      const vectors = new Float32Array(new SharedArrayBuffer(part.length * dim * 4));
      const labels = new Uint32Array(part.length);
      part.forEach(({ label, vector }, i) => {
        vectors.set(vector, i * dim);
        labels[i] = label;
        this.live.add(label);
      });
      this.shards[s]!.add(labels, vectors, dim);
    });
    for (const listener of this.listeners) listener.added(list);
  }

  /** Removes labels (unknown ones are ignored); returns how many were present. */
  remove(labels: Iterable<number>): number {
    this.usable();
    const perShard: number[][] = this.shards.map(() => []);
    let removed = 0;
    for (const label of labels) {
      if (!this.live.delete(label)) continue;
      perShard[this.shardOf(label)]!.push(label);
      removed++;
    }
    perShard.forEach((gone, s) => {
      if (gone.length) this.shards[s]!.remove(gone);
    });
    if (removed) for (const listener of this.listeners) listener.removed(perShard.flat());
    return removed;
  }

  /** Tells `listener` of every change from now on; returns the function that stops it. */
  watch(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  has(label: number): boolean {
    return this.live.has(label);
  }

  /** Live labels, pending ones included, in no particular order. */
  labels(): IterableIterator<number> {
    return this.live.values();
  }

  /**
   * The k labels with the highest inner product with `query`, best first: every shard's graph answer
   * merged with an exact scan of vectors not yet in it. `allow` restricts results to those labels:
   * labels, not a predicate, as the graphs live in other threads; pass an ascending Uint32Array (a
   * catalog query with ORDER BY) to skip the sort a Set needs. A very selective filter (a few hundred
   * labels) is better served by scoring those labels' vectors exactly, as hnswlib then walks most of
   * the graph.
   */
  async search(query: Float32Array, k: number, allow?: AllowList): Promise<SearchHit[]> {
    this.usable();
    const where = this.files.sidecarPath;
    const problem = queryProblem(where, this.dim, query, k);
    if (problem) throw new RangeError(problem);
    if (this.live.size === 0) return [];
    const labels = allow ? sortedLabels(allow, where) : null;
    const copy = query.slice(); // the caller may reuse its buffer while the workers search
    const answers = await Promise.all(this.shards.map((shard) => shard.search(copy, k, labels)));
    const hits: SearchHit[] = [];
    // Labels removed while the search ran are not returned.
    for (const answer of answers) for (const hit of answer) if (this.live.has(hit.label)) hits.push(hit);
    return hits.sort(byScore).slice(0, k);
  }

  /** Vectors added but not yet in a graph (searched exactly). */
  get pending(): number {
    return this.shards.reduce((sum, shard) => sum + shard.pending, 0);
  }

  /** Live labels, pending ones included. */
  get size(): number {
    return this.live.size;
  }

  /** Graphs built side by side (a saved index keeps the count it was built with). */
  get shardCount(): number {
    return this.shards.length;
  }

  /** The build parameters of the graphs (chosen from the library's size unless given). */
  get buildParams(): { M: number; efConstruction: number } {
    return { M: this.params.M, efConstruction: this.params.efConstruction };
  }

  /** Generation of the files this index was loaded from or last saved to; 0 if neither. */
  get generation(): number {
    return this.savedGeneration;
  }

  /** Waits until everything added or removed so far is in the graphs (and any compaction is done). */
  async flush(): Promise<void> {
    this.usable();
    await Promise.all(this.shards.map((shard) => shard.flush()));
  }

  async stats(): Promise<IndexStats & { pending: number; shards: number }> {
    this.usable();
    const all = await Promise.all(this.shards.map((shard) => shard.stats()));
    return { ...sumStats(all), pending: this.pending, shards: this.shards.length };
  }

  /**
   * Writes every shard's graph, with every change made so far, as a new generation (temp files, fsync,
   * rename, then the sidecar the same way). Record the returned generation and count in the database.
   */
  save(): Promise<SavedIndex> {
    const run = this.saving.then(() => this.saveNow());
    this.saving = run.catch(() => {});
    return run;
  }

  private async saveNow(): Promise<SavedIndex> {
    this.usable();
    if (this.readOnly) throw new VectorIndexError(`${this.files.sidecarPath}: opened read-only, not saved`);
    const generation = ++this.generationFloor;
    const written = await Promise.all(
      this.shards.map((shard, i) => shard.save(this.files.tempGraphPath(generation, i))),
    );
    const sidecar = this.files.sidecarFor(
      { dim: this.dim, modelId: this.modelId, M: this.params.M, efConstruction: this.params.efConstruction },
      generation,
      written,
    );
    await this.files.commit(sidecar);
    this.savedGeneration = generation;
    return {
      generation,
      count: sidecar.count,
      files: sidecar.shards.map((f, i) => ({ ...f, file: this.files.graphPath(generation, i) })),
    };
  }

  /** Stops the workers; unsaved changes are dropped (the database still has them). */
  async close(): Promise<void> {
    await this.saving; // a graph write in flight must finish before its thread ends
    await this.closeShards();
  }

  private shardOf(label: number): number {
    return label % this.shards.length;
  }

  private reportProgress(): void {
    if (this.progress && !this.progress.update()) this.progress = null;
  }

  private problem({ label, vector }: VectorItem): string | null {
    return itemProblem(this.files.sidecarPath, this.dim, label, vector);
  }

  private usable(): void {
    if (!this.shards.length) throw new VectorIndexError(`${this.files.sidecarPath}: the index was closed`);
    for (const shard of this.shards) shard.assertUsable();
  }
}

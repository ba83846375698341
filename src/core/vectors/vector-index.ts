// The photo vector index as the engine sees it: vectors are searchable the moment they are added
// (an exact scan covers what the graph has not taken in), while a worker thread inserts them into
// the HNSW graph; the graph file is loaded only when it provably matches the database, else rebuilt.
import { mkdir } from 'node:fs/promises';
import { sortedLabels, type AllowList } from './allow-list';
import { byScore, type ScoredLabel } from './exact';
import { ExactTail } from './exact-tail';
import { IndexFiles, sidecarMismatch, SIDECAR_FORMAT, type IndexManifest, type Sidecar } from './index-files';
import { IndexClient, VectorIndexError } from './index-client';
import type { IndexStats } from './index-protocol';
import { itemProblem, queryProblem } from './item-checks';
import { DEFAULT_EF_CONSTRUCTION, DEFAULT_EF_SEARCH, DEFAULT_M, GROWTH_FACTOR, SPACE } from './params';

export { VectorIndexError };
export type { AllowList, IndexManifest, IndexStats };
export type SearchHit = ScoredLabel;

export interface VectorIndexOptions {
  /** Folder for the graph file and its sidecar (beside the database). */
  dir: string;
  /** Vector length the model gives (1024 for ViT-H/14). */
  dim: number;
  /** The model the vectors come from; an index built for another model is rebuilt. */
  modelId: string;
  /** File stem, so one folder can hold several indexes; 'vectors' by default. */
  name?: string;
  M?: number;
  efConstruction?: number;
  /** Candidate list size for searches (≥ k is enforced by hnswlib). */
  efSearch?: number;
  /** Beside another process that owns the files: load the saved graph if it matches, never write or
   *  discard a file; a mismatch rebuilds in memory only, and save() is refused. */
  readOnly?: boolean;
}

export interface VectorItem {
  /** Caller-assigned integer in [0, 2³²) (the database maps label ↔ photo). */
  label: number;
  /** L2-normalised, `dim` floats. Copied, so the caller may reuse the buffer. */
  vector: Float32Array;
}

/** The database's vectors for a rebuild: how many, and a way to read them. */
export interface VectorSource {
  count: number;
  items: () => Iterable<VectorItem> | AsyncIterable<VectorItem>;
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
  file: string;
  bytes: number;
  checksum: string;
}

/** Items read from the source per message to the worker during a rebuild. */
const REBUILD_BATCH = 256;
/** Reasons kept in OpenReport.skippedExamples. */
const SKIPPED_EXAMPLES = 5;

interface Progress {
  firstSeq: number;
  lastSeq: number | null;
  total: number;
  report: (done: number, total: number) => void;
}

export class VectorIndex {
  readonly opened: OpenReport = { from: 'rebuild', reason: null, skipped: 0, skippedExamples: [], ms: 0 };
  private readonly worker: IndexClient;
  private readonly live = new Set<number>();
  private readonly tail = new ExactTail();
  /** Sequence number of the last change sent to the worker, and of the last one it has applied. */
  private seq = 0;
  private appliedSeq = 0;
  private savedGeneration = 0;
  /** Highest generation seen on disk or in the database: the next save goes above it. */
  private generationFloor = 0;
  private progress: Progress | null = null;
  private saving: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dim: number,
    readonly modelId: string,
    private readonly params: { M: number; efConstruction: number; efSearch: number },
    private readonly files: IndexFiles,
    readonly readOnly: boolean,
  ) {
    this.worker = new IndexClient({ dim, ...params, displayName: files.sidecarPath }, (seq) =>
      this.onApplied(seq),
    );
  }

  /**
   * Loads the saved index if its sidecar matches this model, parameters and the database's record
   * (`expected`) and its checksum holds; otherwise discards it and rebuilds from `source`. Resolves
   * once every source vector is queued (and so searchable); `onProgress` then follows the graph
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
    const params = {
      M: opts.M ?? DEFAULT_M,
      efConstruction: opts.efConstruction ?? DEFAULT_EF_CONSTRUCTION,
      efSearch: opts.efSearch ?? DEFAULT_EF_SEARCH,
    };
    for (const [field, value] of Object.entries({ dim: opts.dim, ...params })) {
      if (!Number.isInteger(value) || value < 1)
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
          { dim: opts.dim, modelId: opts.modelId, ...params },
          expected,
        );
        if (!reason) {
          const file = files.graphPath(s.generation);
          const { bytes, checksum, count, elements } = s;
          try {
            const labels = await index.worker.call<'load'>({
              op: 'load',
              file,
              bytes,
              checksum,
              count,
              elements,
            });
            for (const label of labels) index.live.add(label);
            index.savedGeneration = s.generation;
          } catch (e) {
            reason = (e as Error).message;
          }
        }
      }
      index.opened.from = reason ? 'rebuild' : 'file';
      index.opened.reason = reason;
      if (reason) {
        if (!readOnly) await files.discard();
        await index.worker.call<'create'>({ op: 'create', capacity: source.count * GROWTH_FACTOR });
        await index.rebuild(source, onProgress);
      }
      index.opened.ms = performance.now() - started;
      return index;
    } catch (e) {
      await index.close();
      throw e;
    }
  }

  private async rebuild(
    source: VectorSource,
    onProgress?: (done: number, total: number) => void,
  ): Promise<void> {
    const report = onProgress ?? (() => {});
    const progress: Progress = { firstSeq: this.seq + 1, lastSeq: null, total: source.count, report };
    this.progress = progress;
    report(0, source.count);
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
    progress.lastSeq = this.seq;
    progress.total = this.seq - progress.firstSeq + 1;
    this.reportProgress(this.appliedSeq);
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
    // Shared memory: the worker reads the same floats this side scans, one copy of each vector.
    const vectors = new Float32Array(new SharedArrayBuffer(list.length * dim * 4));
    const labels = new Uint32Array(list.length);
    const firstSeq = this.seq + 1;
    list.forEach(({ label, vector }, i) => {
      vectors.set(vector, i * dim);
      labels[i] = label;
      this.tail.set(label, firstSeq + i, vectors.subarray(i * dim, (i + 1) * dim));
      this.live.add(label);
    });
    this.seq += list.length;
    this.worker.send({ type: 'insert', firstSeq, labels, vectors });
  }

  /** Removes labels (unknown ones are ignored); returns how many were present. */
  remove(labels: Iterable<number>): number {
    this.usable();
    const gone: number[] = [];
    for (const label of labels) {
      if (!this.live.delete(label)) continue;
      this.tail.delete(label);
      gone.push(label);
    }
    if (gone.length) {
      this.worker.send({ type: 'remove', firstSeq: this.seq + 1, labels: Uint32Array.from(gone) });
      this.seq += gone.length;
    }
    return gone.length;
  }

  has(label: number): boolean {
    return this.live.has(label);
  }

  /** Live labels, pending ones included, in no particular order. */
  labels(): IterableIterator<number> {
    return this.live.values();
  }

  /**
   * The k labels with the highest inner product with `query`, best first: the graph's answer merged
   * with an exact scan of vectors not yet in it. `allow` restricts results to those labels: labels, not
   * a predicate, as the graph lives in another thread; pass an ascending Uint32Array (a catalog query
   * with ORDER BY) to skip the sort a Set needs. A very selective filter (a few hundred labels) is
   * better served by scoring those labels' vectors exactly, as hnswlib then walks most of the graph.
   */
  async search(query: Float32Array, k: number, allow?: AllowList): Promise<SearchHit[]> {
    this.usable();
    const where = this.files.sidecarPath;
    const problem = queryProblem(where, this.dim, query, k);
    if (problem) throw new RangeError(problem);
    if (this.live.size === 0) return [];
    const labels = allow ? sortedLabels(allow, where) : null;
    const copy = query.slice(); // the caller may reuse its buffer while the worker searches
    const fromGraph = this.worker.call<'search'>({ op: 'search', query: copy, k, allow: labels });
    const exact = this.tail.search(copy, k, labels); // runs while the worker searches
    const graph = await fromGraph;
    const merged = new Map<number, number>();
    for (const hit of exact) merged.set(hit.label, hit.score);
    graph.labels.forEach((label, i) => {
      if (!merged.has(label)) merged.set(label, graph.scores[i]!);
    });
    const hits: SearchHit[] = [];
    // Labels removed while the search ran are not returned.
    for (const [label, score] of merged) if (this.live.has(label)) hits.push({ label, score });
    return hits.sort(byScore).slice(0, k);
  }

  /** Vectors added but not yet in the graph (searched exactly). */
  get pending(): number {
    return this.tail.size;
  }

  /** Live labels, pending ones included. */
  get size(): number {
    return this.live.size;
  }

  /** Generation of the file this index was loaded from or last saved to; 0 if neither. */
  get generation(): number {
    return this.savedGeneration;
  }

  /** Waits until everything added or removed so far is in the graph (and any compaction is done). */
  async flush(): Promise<void> {
    this.usable();
    await this.worker.call<'flush'>({ op: 'flush', seq: this.seq });
  }

  async stats(): Promise<IndexStats & { pending: number }> {
    this.usable();
    return { ...(await this.worker.call<'stats'>({ op: 'stats' })), pending: this.pending };
  }

  /**
   * Writes the graph with every change made so far as a new generation (temp file, fsync, rename,
   * then the sidecar the same way). Record the returned generation and count in the database.
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
    const r = await this.worker.call<'save'>({
      op: 'save',
      seq: this.seq,
      file: this.files.tempGraphPath(generation),
    });
    const sidecar: Sidecar = {
      format: SIDECAR_FORMAT,
      space: SPACE,
      dim: this.dim,
      modelId: this.modelId,
      M: this.params.M,
      efConstruction: this.params.efConstruction,
      generation,
      count: r.count,
      elements: r.elements,
      file: this.files.graphFile(generation),
      bytes: r.bytes,
      checksum: r.checksum,
      savedAt: new Date().toISOString(),
    };
    await this.files.commit(sidecar);
    this.savedGeneration = generation;
    return {
      generation,
      count: r.count,
      file: this.files.graphPath(generation),
      bytes: r.bytes,
      checksum: r.checksum,
    };
  }

  /** Stops the worker; unsaved changes are dropped (the database still has them). */
  async close(): Promise<void> {
    await this.saving; // a graph write in flight must finish before its thread ends
    await this.worker.close();
  }

  private onApplied(seq: number): void {
    this.appliedSeq = seq;
    this.tail.applied(seq);
    this.reportProgress(seq);
  }

  private reportProgress(appliedSeq: number): void {
    const p = this.progress;
    if (!p) return;
    const done = Math.max(0, Math.min(appliedSeq - p.firstSeq + 1, p.total));
    if (p.lastSeq !== null && appliedSeq >= p.lastSeq) this.progress = null;
    if (done > 0 || this.progress === null) p.report(this.progress === null ? p.total : done, p.total);
  }

  private problem({ label, vector }: VectorItem): string | null {
    return itemProblem(this.files.sidecarPath, this.dim, label, vector);
  }

  private usable(): void {
    this.worker.assertUsable();
  }
}

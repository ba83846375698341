// Worker thread that owns the HNSW graph: it inserts queued vectors in short time slices (hnswlib
// inserts one point per call, ~2–3 ms at 1024-d), answers searches between slices, compacts away
// deleted nodes, and loads and saves the graph file.
import hnswlib from 'hnswlib-node';
import { parentPort, workerData } from 'node:worker_threads';
import { hasLabel } from './allow-list';
import { fileChecksum, fileSize, fsyncFile } from './durable-files';
import type {
  FromIndexWorker,
  IndexRequest,
  IndexStats,
  IndexWorkerConfig,
  LoadRequest,
  Replies,
  SaveResult,
  SearchRequest,
  SearchResult,
  ToIndexWorker,
} from './index-protocol';
import { OpQueue, type QueuedOp } from './op-queue';
import {
  ACK_INTERVAL_MS,
  COMPACT_DELETED_FRACTION,
  efFor,
  GROWTH_FACTOR,
  MIN_CAPACITY,
  OVERFETCH_LIMIT,
  RANDOM_SEED,
  SPACE,
  WORKER_SLICE_MS,
} from './params';

type Graph = InstanceType<typeof hnswlib.HierarchicalNSW>;

interface Waiter {
  id: number;
  seq: number;
  file: string | null;
}

interface Compaction {
  next: Graph;
  labels: number[];
  cursor: number;
}

const config = workerData as IndexWorkerConfig;
const port = parentPort!;
const post = (message: FromIndexWorker) => port.postMessage(message);

class IndexWorker {
  private graph: Graph | null = null;
  private readonly live = new Set<number>();
  /** Labels whose graph node is marked deleted (re-adding one revives that node). */
  private readonly deleted = new Set<number>();
  private readonly queue = new OpQueue((label) => this.live.has(label));
  private appliedSeq = 0;
  private ackedSeq = 0;
  private lastAckAt = 0;
  private waiters: Waiter[] = [];
  /** Promises of flush and save requests, settled by checkWaiters(). */
  private readonly pending = new Map<
    number,
    { resolve: (v: null | SaveResult) => void; reject: (e: Error) => void }
  >();
  /** A graph write is in flight on libuv's pool: the graph must not change or be freed until it ends. */
  private saving = false;
  private compaction: Compaction | null = null;
  private compactions = 0;
  private scheduled = false;
  private broken: string | null = null;
  private closing = false;
  /** readIndex / writeIndex run on libuv's pool; the thread must not end while one does. */
  private native: Promise<unknown> = Promise.resolve();
  /** hnswlib-node takes plain Arrays; one reused Array avoids ~50 µs of Array.from per 1024-d call. */
  private readonly scratch: number[] = new Array<number>(config.dim).fill(0);

  onMessage(msg: ToIndexWorker): void {
    if (msg.type === 'insert') {
      const { firstSeq, labels, vectors } = msg;
      for (let i = 0; i < labels.length; i++) {
        this.queue.push(firstSeq + i, labels[i]!, vectors.subarray(i * config.dim, (i + 1) * config.dim));
      }
      this.schedule();
    } else if (msg.type === 'remove') {
      for (let i = 0; i < msg.labels.length; i++) this.queue.push(msg.firstSeq + i, msg.labels[i]!, null);
      this.schedule();
    } else {
      this.handle(msg.id, msg.request).then(
        (value) => post({ type: 'reply', id: msg.id, ok: true, value }),
        (e: Error) => post({ type: 'reply', id: msg.id, ok: false, message: e.message }),
      );
    }
  }

  private async handle(id: number, request: IndexRequest): Promise<Replies[keyof Replies]> {
    if (request.op === 'close') return this.close();
    if (this.broken) throw new Error(this.broken);
    if (this.closing) throw new Error(`${config.displayName}: the index is closing`);
    switch (request.op) {
      case 'create':
        this.adopt(this.newGraph(request.capacity), []);
        return null;
      case 'load':
        return this.load(request);
      case 'search':
        return this.search(request);
      case 'stats':
        return this.stats();
      case 'flush':
      case 'save':
        // Settled by checkWaiters() once the graph has caught up to `seq`.
        return new Promise((resolve, reject) => {
          this.waiters.push({ id, seq: request.seq, file: request.op === 'save' ? request.file : null });
          this.pending.set(id, { resolve, reject });
          this.checkWaiters();
        });
    }
  }

  private newGraph(capacity: number): Graph {
    const graph = new hnswlib.HierarchicalNSW(SPACE, config.dim);
    graph.initIndex({
      maxElements: Math.max(MIN_CAPACITY, Math.ceil(capacity)),
      m: config.M,
      efConstruction: config.efConstruction,
      randomSeed: RANDOM_SEED,
    });
    return graph;
  }

  private adopt(graph: Graph, live: Iterable<number>, deleted: Iterable<number> = []): void {
    this.graph = graph;
    this.live.clear();
    this.deleted.clear();
    for (const label of live) this.live.add(label);
    for (const label of deleted) this.deleted.add(label);
  }

  /** Loads a graph file only after its size and checksum match the sidecar's: hnswlib trusts its input. */
  private async load(req: LoadRequest): Promise<Uint32Array> {
    const size = await fileSize(req.file);
    if (size === null) throw new Error(`${req.file}: missing`);
    if (size !== req.bytes) throw new Error(`${req.file}: ${size} bytes, the sidecar says ${req.bytes}`);
    const checksum = await fileChecksum(req.file);
    if (checksum !== req.checksum)
      throw new Error(`${req.file}: checksum ${checksum}, the sidecar says ${req.checksum}`);
    const graph = new hnswlib.HierarchicalNSW(SPACE, config.dim);
    await this.trackNative(graph.readIndex(req.file));
    const ids = graph.getIdsList();
    if (graph.getCurrentCount() !== req.elements || ids.length !== req.elements) {
      throw new Error(`${req.file}: ${graph.getCurrentCount()} nodes, the sidecar says ${req.elements}`);
    }
    // The file keeps deletion marks but hnswlib-node cannot read them; markDelete throws only on an
    // already-deleted label, so marking and unmarking tells them apart (~2 µs a label).
    const live: number[] = req.count === req.elements ? ids : [];
    const deleted: number[] = [];
    if (req.count !== req.elements) {
      for (const label of ids) {
        try {
          graph.markDelete(label);
          graph.unmarkDelete(label);
          live.push(label);
        } catch {
          deleted.push(label);
        }
      }
    }
    if (live.length !== req.count)
      throw new Error(`${req.file}: ${live.length} live labels, the sidecar says ${req.count}`);
    this.adopt(graph, live, deleted);
    return Uint32Array.from(live);
  }

  private search({ query, k, allow }: SearchRequest): SearchResult {
    const graph = this.graph;
    const out: SearchResult = { labels: [], scores: [] };
    if (!graph || this.live.size === 0 || k <= 0) return out;
    const shadowed = this.queue.shadowed;
    let filter: ((label: number) => boolean) | null = null;
    let fetch = k;
    if (allow)
      filter = shadowed.size ? (l) => hasLabel(allow, l) && !shadowed.has(l) : (l) => hasLabel(allow, l);
    else if (shadowed.size > OVERFETCH_LIMIT) filter = (l) => !shadowed.has(l);
    else fetch = k + shadowed.size;
    for (let i = 0; i < config.dim; i++) this.scratch[i] = query[i]!;
    fetch = Math.min(fetch, graph.getMaxElements());
    // Set per search: the adaptive ef follows the graph's size and k (loading also resets ef to 10).
    graph.setEf(config.efSearch ?? efFor(graph.getCurrentCount(), fetch));
    const found = filter
      ? graph.searchKnn(this.scratch, fetch, filter)
      : graph.searchKnn(this.scratch, fetch);
    for (let i = 0; i < found.neighbors.length && out.labels.length < k; i++) {
      const label = found.neighbors[i]!;
      if (!filter && shadowed.has(label)) continue;
      out.labels.push(label);
      out.scores.push(1 - found.distances[i]!); // hnswlib's 'ip' distance is 1 − inner product
    }
    return out;
  }

  private stats(): IndexStats {
    return {
      count: this.live.size,
      elements: this.graph?.getCurrentCount() ?? 0,
      deleted: this.deleted.size,
      capacity: this.graph?.getMaxElements() ?? 0,
      queued: this.queue.length,
      compactions: this.compactions,
      compacting: this.compaction !== null,
    };
  }

  private schedule(): void {
    if (this.scheduled || this.broken || this.closing) return;
    this.scheduled = true;
    // setImmediate, not a loop: messages (searches) are delivered between slices.
    setImmediate(this.pump);
  }

  private readonly pump = (): void => {
    this.scheduled = false;
    if (!this.graph || this.saving || this.broken || this.closing) return;
    const deadline = performance.now() + WORKER_SLICE_MS;
    try {
      if (this.compaction) this.compactSlice(this.compaction, deadline);
      else {
        do {
          const op = this.queue.shift();
          if (!op) break;
          this.apply(this.graph, op);
          this.appliedSeq = op.seq;
        } while (performance.now() < deadline);
      }
    } catch (e) {
      this.fail(`${config.displayName}: the graph failed to change (${(e as Error).message})`);
      return;
    }
    this.maybeCompact();
    this.ack(false);
    this.checkWaiters();
    if (this.queue.length || this.compaction) this.schedule();
  };

  private apply(graph: Graph, op: QueuedOp): void {
    if (op.cancelled) return;
    const { label, vector } = op;
    if (vector) {
      if (!this.live.has(label) && !this.deleted.has(label)) ensureRoom(graph);
      for (let i = 0; i < config.dim; i++) this.scratch[i] = vector[i]!;
      graph.addPoint(this.scratch, label);
      this.live.add(label);
      this.deleted.delete(label);
    } else if (this.live.has(label)) {
      graph.markDelete(label);
      this.live.delete(label);
      this.deleted.add(label);
    }
  }

  /** Starts a rebuild without the deleted nodes once they pass the threshold and nothing is queued. */
  private maybeCompact(): void {
    if (this.compaction || this.saving || this.queue.length || !this.graph) return;
    const dead = this.deleted.size;
    if (dead === 0 || dead <= COMPACT_DELETED_FRACTION * (dead + this.live.size)) return;
    this.compaction = {
      next: this.newGraph(this.live.size * GROWTH_FACTOR),
      labels: [...this.live],
      cursor: 0,
    };
    this.schedule();
  }

  /** Copies live points into the new graph; searches keep using the old one until the swap. */
  private compactSlice(c: Compaction, deadline: number): void {
    const graph = this.graph!;
    while (c.cursor < c.labels.length && performance.now() < deadline) {
      const label = c.labels[c.cursor++]!;
      c.next.addPoint(graph.getPoint(label), label);
    }
    if (c.cursor < c.labels.length) return;
    this.adopt(c.next, c.labels);
    this.compaction = null;
    this.compactions++;
  }

  private ack(force: boolean): void {
    if (this.appliedSeq === this.ackedSeq) return;
    const now = performance.now();
    if (!force && this.queue.length && now - this.lastAckAt < ACK_INTERVAL_MS) return;
    this.ackedSeq = this.appliedSeq;
    this.lastAckAt = now;
    post({ type: 'applied', seq: this.appliedSeq });
  }

  /**
   * Settles flushes once their changes are in the graph and no compaction runs, and starts saves once
   * their changes are in the graph. A save does not wait for a compaction (minutes at 100k): changes
   * are held while it runs, so the graph it writes, the old one, is complete.
   */
  private checkWaiters(): void {
    while (!this.saving) {
      const i = this.waiters.findIndex(
        (w) => w.seq <= this.appliedSeq && (w.file !== null || !this.compaction),
      );
      if (i < 0) return;
      const w = this.waiters.splice(i, 1)[0]!;
      const settle = this.pending.get(w.id)!;
      this.pending.delete(w.id);
      this.ack(true); // the client drops its exact-scan copies before it hears the request settle
      // save() sets `saving` before its first await, so a second save waits for this one.
      if (w.file === null) settle.resolve(null);
      else this.save(w.file).then(settle.resolve, settle.reject);
    }
  }

  private async save(file: string): Promise<SaveResult> {
    const graph = this.graph;
    if (!graph) throw new Error(`${config.displayName}: no graph to save`);
    const count = this.live.size;
    const elements = graph.getCurrentCount();
    this.saving = true;
    try {
      await this.trackNative(graph.writeIndex(file));
    } finally {
      this.saving = false;
      this.schedule();
    }
    // The graph may change again from here: what follows reads only the written file.
    await fsyncFile(file);
    const bytes = (await fileSize(file)) ?? 0;
    return { bytes, checksum: await fileChecksum(file), count, elements };
  }

  private trackNative<T>(work: Promise<T>): Promise<T> {
    this.native = work.catch(() => {});
    return work;
  }

  /**
   * Ends the thread from JavaScript, between slices. worker.terminate() during an hnswlib-node call
   * aborts the whole process (node-addon-api cannot throw while V8 terminates: "FATAL ERROR:
   * Error::ThrowAsJavaScriptException napi_throw", seen in this project's tests).
   */
  private async close(): Promise<null> {
    this.closing = true;
    await this.native;
    for (const p of this.pending.values()) p.reject(new Error(`${config.displayName}: the index was closed`));
    this.pending.clear();
    this.waiters = [];
    setImmediate(() => process.exit(0)); // after the reply is posted
    return null;
  }

  private fail(message: string): void {
    this.broken = message;
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
    this.waiters = [];
    post({ type: 'fatal', message });
  }
}

/** Grows the graph geometrically when the next new node would not fit. */
function ensureRoom(graph: Graph): void {
  const capacity = graph.getMaxElements();
  if (graph.getCurrentCount() < capacity) return;
  graph.resizeIndex(Math.max(MIN_CAPACITY, Math.ceil(capacity * GROWTH_FACTOR)));
}

const worker = new IndexWorker();
port.on('message', (msg: ToIndexWorker) => worker.onMessage(msg));

// One shard of the vector index: a worker thread owning one HNSW graph, plus the exact-scan copies of
// the vectors that worker has not inserted yet. Shards insert in parallel (one core each) and are
// searched together; vector-index.ts routes each label to one shard.
import { byScore, type ScoredLabel } from './exact';
import { ExactTail } from './exact-tail';
import { IndexClient } from './index-client';
import type { IndexStats, IndexWorkerConfig, LoadRequest, SaveResult } from './index-protocol';

export class Shard {
  private readonly client: IndexClient;
  private readonly tail = new ExactTail();
  /** Sequence number (this shard's own) of the last change sent, and of the last one applied. */
  seq = 0;
  appliedSeq = 0;

  /** `onApplied()`: the worker reported progress (appliedSeq moved). */
  constructor(config: IndexWorkerConfig, onApplied: () => void) {
    this.client = new IndexClient(config, (seq) => {
      this.appliedSeq = seq;
      this.tail.applied(seq);
      onApplied();
    });
  }

  /** Queues vectors held in `vectors` (shared memory, `dim` floats each, in label order); searchable at once. */
  add(labels: Uint32Array, vectors: Float32Array, dim: number): void {
    const firstSeq = this.seq + 1;
    for (let i = 0; i < labels.length; i++)
      this.tail.set(labels[i]!, firstSeq + i, vectors.subarray(i * dim, (i + 1) * dim));
    this.seq += labels.length;
    this.client.send({ type: 'insert', firstSeq, labels, vectors });
  }

  remove(labels: number[]): void {
    for (const label of labels) this.tail.delete(label);
    this.client.send({ type: 'remove', firstSeq: this.seq + 1, labels: Uint32Array.from(labels) });
    this.seq += labels.length;
  }

  /** The graph's top k merged with an exact scan of this shard's pending vectors (pending ones win). */
  async search(query: Float32Array, k: number, allow: Uint32Array | null): Promise<ScoredLabel[]> {
    const fromGraph = this.client.call<'search'>({ op: 'search', query, k, allow });
    const exact = this.tail.search(query, k, allow); // runs while the worker searches
    const graph = await fromGraph;
    const merged = new Map<number, number>();
    for (const hit of exact) merged.set(hit.label, hit.score);
    graph.labels.forEach((label, i) => {
      if (!merged.has(label)) merged.set(label, graph.scores[i]!);
    });
    return [...merged].map(([label, score]) => ({ label, score })).sort(byScore);
  }

  get pending(): number {
    return this.tail.size;
  }

  create(capacity: number): Promise<null> {
    return this.client.call<'create'>({ op: 'create', capacity });
  }

  load(request: Omit<LoadRequest, 'op'>): Promise<Uint32Array> {
    return this.client.call<'load'>({ op: 'load', ...request });
  }

  flush(): Promise<null> {
    return this.client.call<'flush'>({ op: 'flush', seq: this.seq });
  }

  save(file: string): Promise<SaveResult> {
    return this.client.call<'save'>({ op: 'save', seq: this.seq, file });
  }

  stats(): Promise<IndexStats> {
    return this.client.call<'stats'>({ op: 'stats' });
  }

  assertUsable(): void {
    this.client.assertUsable();
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** Totals over the shards' graphs. */
export function sumStats(all: IndexStats[]): IndexStats {
  const total = (field: Exclude<keyof IndexStats, 'compacting'>) => all.reduce((sum, s) => sum + s[field], 0);
  return {
    count: total('count'),
    elements: total('elements'),
    deleted: total('deleted'),
    capacity: total('capacity'),
    queued: total('queued'),
    compactions: total('compactions'),
    compacting: all.some((s) => s.compacting),
  };
}

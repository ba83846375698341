// The benchmark's measuring passes over a built vector index (tools/bench/hnsw.ts): a paced insert
// stream with searches between batches, and ef sweeps end to end and on one graph in this thread.
import hnswlib from 'hnswlib-node';
import type { ScoredLabel } from '../../src/core/vectors/exact';
import { SPACE } from '../../src/core/vectors/params';
import { row } from '../../src/core/vectors/synthetic';
import type { VectorIndex, SavedIndex } from '../../src/core/vectors/vector-index';
import { percentile, Quality } from './quality';

/** Results asked of every search. */
export const K = 10;
/** Vectors in the paced stream, and the batch the indexer commits at a time. */
export const PACED_COUNT = 3000;
const PACED_BATCH = 50;

export interface EfPoint {
  ef: number;
  recall_at_10: number;
  recall_at_10_between: number;
  /** Σ returned scores / Σ exact top-10 scores: near 1 when the misses are near-ties. */
  score_ratio_between: number;
  query_p50_ms: number;
  query_p95_ms: number;
}

/**
 * Adds PACED_COUNT vectors in batches at `rate`/s, as an indexer behind a GPU commits them, with a
 * search between batches; the tail (pending vectors) stays small only if the workers keep up.
 */
export async function pacedStream(
  index: VectorIndex,
  item: (i: number) => { label: number; vector: Float32Array },
  rate: number,
  queries: Float32Array,
  dim: number,
  queryCount: number,
  offset: number,
) {
  const ms: number[] = [];
  let maxPending = 0;
  const start = performance.now();
  for (let first = 0; first < PACED_COUNT; first += PACED_BATCH) {
    const due = start + (first / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    index.add(Array.from({ length: PACED_BATCH }, (_, i) => item(offset + first + i)));
    maxPending = Math.max(maxPending, index.pending);
    const t = performance.now();
    await index.search(row(queries, dim, (first / PACED_BATCH) % queryCount), K);
    ms.push(performance.now() - t);
  }
  const endPending = index.pending;
  await index.flush();
  return {
    paced_rate: rate,
    paced_max_pending: maxPending,
    paced_end_pending: endPending,
    paced_query_p50_ms: percentile(ms, 50),
  };
}

export async function sweepEndToEnd(
  efs: number[],
  measure: (ef: number) => Promise<EfPoint>,
): Promise<EfPoint[]> {
  const out: EfPoint[] = [];
  for (const ef of efs) out.push(await measure(ef));
  return out;
}

/** ef sweep on the one-thread graph, searched directly in this thread (no worker round trip). */
export async function sweepDirect(
  saved: SavedIndex,
  dim: number,
  efs: number[],
  near: Float32Array,
  between: Float32Array,
  ctx: { near: ScoredLabel[][]; between: ScoredLabel[][]; log: (line: string) => void },
): Promise<EfPoint[]> {
  const graph = new hnswlib.HierarchicalNSW(SPACE, dim);
  await graph.readIndex(saved.files[0]!.file);
  const scratch = new Array<number>(dim).fill(0);
  const direct = (set: Float32Array, expected: ScoredLabel[][], timings: number[]) => {
    const quality = new Quality();
    for (let q = 0; q < expected.length; q++) {
      const t = performance.now();
      const query = row(set, dim, q);
      for (let i = 0; i < dim; i++) scratch[i] = query[i]!;
      const r = graph.searchKnn(scratch, K);
      timings.push(performance.now() - t);
      quality.add(
        r.neighbors.map((label, i) => ({ label, score: 1 - r.distances[i]! })),
        expected[q]!,
      );
    }
    return quality;
  };
  const sweep: EfPoint[] = [];
  for (const ef of efs) {
    graph.setEf(ef);
    direct(near, ctx.near, []);
    const ms: number[] = [];
    const hard = direct(between, ctx.between, ms);
    sweep.push(point(ef, direct(near, ctx.near, ms).recall, hard, ms));
    ctx.log(`one graph, this thread: ${JSON.stringify(sweep.at(-1))}`);
  }
  return sweep;
}

export function point(ef: number, recallNear: number, between: Quality, ms: number[]): EfPoint {
  return {
    ef,
    recall_at_10: recallNear,
    recall_at_10_between: between.recall,
    score_ratio_between: between.scoreRatio,
    query_p50_ms: percentile(ms, 50),
    query_p95_ms: percentile(ms, 95),
  };
}

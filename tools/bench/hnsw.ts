// Benchmark of the vector index on clustered synthetic unit vectors: build time through the index
// worker, recall@10 against an exact scan, search latency end to end (and while the worker is still
// inserting), save/load cost, and an ef sweep on the saved graph searched directly in this thread.
//
// usage: npx tsx tools/bench/hnsw.ts [--count 100000] [--dim 1024] [--queries 200] [--M 16] [--efc 200]
import hnswlib from 'hnswlib-node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exactTopKRows, type ScoredLabel } from '../../src/core/vectors/exact';
import { DEFAULT_EF_CONSTRUCTION, DEFAULT_EF_SEARCH, DEFAULT_M, SPACE } from '../../src/core/vectors/params';
import { ClusteredVectors, row } from '../../src/core/vectors/synthetic';
import { VectorIndex } from '../../src/core/vectors/vector-index';

export interface HnswBenchOptions {
  count: number;
  dim: number;
  queries: number;
  M?: number;
  efConstruction?: number;
  /** ef values searched directly on the saved graph in this thread. */
  efSweep?: number[];
  /** ef values searched end to end (through the worker), reopening the saved index for each. */
  e2eSweep?: number[];
  seed?: number;
  log?: (line: string) => void;
}

export interface EfPoint {
  ef: number;
  recall_at_10: number;
  recall_at_10_between: number;
  /** Σ returned scores / Σ exact top-10 scores: near 1 when the misses are near-ties. */
  score_ratio_between: number;
  query_p50_ms: number;
  query_p95_ms: number;
}

export interface HnswBenchResult {
  count: number;
  dim: number;
  queries: number;
  M: number;
  efConstruction: number;
  ef: number;
  /** Adding every vector and waiting for the worker to insert them all. */
  hnsw_build_seconds: number;
  hnsw_inserts_per_second: number;
  /** Queries drawn like the data (a fresh point of a random cluster). */
  hnsw_recall_at_10: number;
  /** Queries between two clusters, far from every point. */
  hnsw_recall_at_10_between: number;
  hnsw_score_ratio_between: number;
  /** VectorIndex.search end to end: worker round trip, graph search, merge. */
  hnsw_query_p50_ms: number;
  hnsw_query_p95_ms: number;
  /** The same while the worker inserts `catchup_pending` more vectors (exact tail scan included). */
  catchup_query_p50_ms: number;
  catchup_query_p95_ms: number;
  catchup_pending: number;
  /** Brute-force inner product over all vectors in JavaScript: the baseline. */
  exact_query_p50_ms: number;
  exact_query_p95_ms: number;
  save_seconds: number;
  /** Reopening the saved file: checksum, hnswlib load, label bookkeeping, worker start. */
  open_seconds: number;
  file_bytes: number;
  ef_sweep: EfPoint[];
  e2e_sweep: EfPoint[];
}

const K = 10;
/** Extra vectors added to measure searches during catch-up: a few seconds of worker inserts. */
const CATCHUP_COUNT = 2000;

export async function benchHnsw(opts: HnswBenchOptions): Promise<HnswBenchResult> {
  const { count, dim, queries } = opts;
  const M = opts.M ?? DEFAULT_M;
  const efConstruction = opts.efConstruction ?? DEFAULT_EF_CONSTRUCTION;
  const log = opts.log ?? (() => {});
  const gen = new ClusteredVectors({ dim, seed: opts.seed ?? 1 });
  const data = gen.sample(count);
  const near = gen.sample(queries);
  const between = gen.between(queries);
  const labels = Uint32Array.from({ length: count }, (_, i) => i);

  log(`exact ground truth for ${2 * queries} queries over ${count} × ${dim}`);
  const exactMs: number[] = [];
  const truth = (set: Float32Array) =>
    Array.from({ length: queries }, (_, q) => {
      const t = performance.now();
      const top = exactTopKRows(row(set, dim, q), data, labels, K);
      exactMs.push(performance.now() - t);
      return top;
    });
  const truthNear = truth(near);
  const truthBetween = truth(between);

  const dir = await mkdtemp(join(tmpdir(), 'glimpse-hnsw-bench-'));
  try {
    const options = { dir, dim, modelId: 'bench', M, efConstruction };
    const empty = { count: 0, items: () => [] };
    let index = await VectorIndex.open(options, null, empty);
    log(`building ${count} × ${dim}, M=${M} efConstruction=${efConstruction}`);
    const buildStart = performance.now();
    for (let start = 0; start < count; start += 1000) {
      const items = [];
      for (let i = start; i < Math.min(count, start + 1000); i++)
        items.push({ label: i, vector: row(data, dim, i) });
      index.add(items);
    }
    await index.flush();
    const buildSeconds = (performance.now() - buildStart) / 1000;
    log(`built in ${buildSeconds.toFixed(1)} s`);

    const endToEnd = async (set: Float32Array, expected: ScoredLabel[][], timings: number[]) => {
      const quality = new Quality();
      for (let q = 0; q < queries; q++) {
        const t = performance.now();
        const hits = await index!.search(row(set, dim, q), K);
        timings.push(performance.now() - t);
        quality.add(hits, expected[q]!);
      }
      return quality;
    };
    const searchMs: number[] = [];
    await endToEnd(near, truthNear, []); // warm-up: JIT and page cache
    const recallNear = (await endToEnd(near, truthNear, searchMs)).recall;
    const betweenQuality = await endToEnd(between, truthBetween, searchMs);

    const saveStart = performance.now();
    const saved = await index.save();
    const saveSeconds = (performance.now() - saveStart) / 1000;
    await index.close();
    const openStart = performance.now();
    index = await VectorIndex.open(options, saved, empty);
    const openSeconds = (performance.now() - openStart) / 1000;
    if (index.opened.from !== 'file') throw new Error(`bench: reopening rebuilt (${index.opened.reason})`);

    const extra = gen.sample(CATCHUP_COUNT);
    index.add(
      Array.from({ length: CATCHUP_COUNT }, (_, i) => ({ label: count + i, vector: row(extra, dim, i) })),
    );
    const catchupPending = index.pending;
    const catchupMs: number[] = [];
    for (let q = 0; q < queries && index.pending > 0; q++) {
      const t = performance.now();
      await index.search(row(near, dim, q), K);
      catchupMs.push(performance.now() - t);
    }
    await index.close();

    log('end-to-end ef sweep, reopening the saved index for each ef');
    const e2eSweep: EfPoint[] = [];
    for (const ef of opts.e2eSweep ?? [64, 96, 128]) {
      index = await VectorIndex.open({ ...options, efSearch: ef }, saved, empty);
      await endToEnd(near, truthNear, []);
      const ms: number[] = [];
      const hard = await endToEnd(between, truthBetween, ms);
      e2eSweep.push(point(ef, (await endToEnd(near, truthNear, ms)).recall, hard, ms));
      log(JSON.stringify(e2eSweep.at(-1)));
      await index.close();
    }

    log('ef sweep on the saved graph, searched in this thread');
    const graph = new hnswlib.HierarchicalNSW(SPACE, dim);
    await graph.readIndex(saved.files[0]!.file);
    const sweep: EfPoint[] = [];
    const scratch = new Array<number>(dim).fill(0);
    const direct = (set: Float32Array, expected: ScoredLabel[][], timings: number[]) => {
      const quality = new Quality();
      for (let q = 0; q < queries; q++) {
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
    for (const ef of opts.efSweep ?? [16, 32, 64, 96, 128, 256]) {
      graph.setEf(ef);
      direct(near, truthNear, []);
      const ms: number[] = [];
      const hard = direct(between, truthBetween, ms);
      sweep.push(point(ef, direct(near, truthNear, ms).recall, hard, ms));
      log(JSON.stringify(sweep.at(-1)));
    }

    return {
      count,
      dim,
      queries,
      M,
      efConstruction,
      ef: DEFAULT_EF_SEARCH,
      hnsw_build_seconds: buildSeconds,
      hnsw_inserts_per_second: count / buildSeconds,
      hnsw_recall_at_10: recallNear,
      hnsw_recall_at_10_between: betweenQuality.recall,
      hnsw_score_ratio_between: betweenQuality.scoreRatio,
      hnsw_query_p50_ms: percentile(searchMs, 50),
      hnsw_query_p95_ms: percentile(searchMs, 95),
      catchup_query_p50_ms: percentile(catchupMs, 50),
      catchup_query_p95_ms: percentile(catchupMs, 95),
      catchup_pending: catchupPending,
      exact_query_p50_ms: percentile(exactMs, 50),
      exact_query_p95_ms: percentile(exactMs, 95),
      save_seconds: saveSeconds,
      open_seconds: openSeconds,
      file_bytes: saved.files.reduce((sum, f) => sum + f.bytes, 0),
      ef_sweep: sweep,
      e2e_sweep: e2eSweep,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function point(ef: number, recallNear: number, between: Quality, ms: number[]): EfPoint {
  return {
    ef,
    recall_at_10: recallNear,
    recall_at_10_between: between.recall,
    score_ratio_between: between.scoreRatio,
    query_p50_ms: percentile(ms, 50),
    query_p95_ms: percentile(ms, 95),
  };
}

/** Recall@k and the ratio of score sums over a set of queries. */
class Quality {
  private found = 0;
  private wanted = 0;
  private ratioSum = 0;
  private queries = 0;

  add(hits: ScoredLabel[], truth: ScoredLabel[]): void {
    const want = new Set(truth.map((t) => t.label));
    this.found += hits.filter((h) => want.has(h.label)).length;
    this.wanted += truth.length;
    const sum = (list: ScoredLabel[]) => list.reduce((s, h) => s + h.score, 0);
    this.ratioSum += sum(hits) / sum(truth);
    this.queries++;
  }

  get recall(): number {
    return this.found / this.wanted;
  }

  get scoreRatio(): number {
    return this.ratioSum / this.queries;
  }
}

function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const result = await benchHnsw({
    count: arg('count', 100_000),
    dim: arg('dim', 1024),
    queries: arg('queries', 200),
    M: arg('M', DEFAULT_M),
    efConstruction: arg('efc', DEFAULT_EF_CONSTRUCTION),
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify(result, null, 2));
}

// Benchmark of the vector index on synthetic unit vectors (CLIP-like or isotropic clusters): build
// time through the index workers on all cores beside a one-thread build of the same vectors in the
// same run, recall@10 against an exact scan, search latency end to end (also while vectors are
// pending), the exact tail during a GPU-speed insert stream, save/load cost, and ef sweeps.
//
// usage: npx tsx tools/bench/hnsw.ts [--count 100000] [--dim 1024] [--queries 200] [--distribution clip]
//        [--shards n] [--M 16] [--efc 200] [--baseline-count n] [--e2e-efs 96,160,256]
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exactTopKRows, type ScoredLabel } from '../../src/core/vectors/exact';
import { buildParamsFor, defaultShardCount, efFor } from '../../src/core/vectors/params';
import { ClusteredVectors, row } from '../../src/core/vectors/synthetic';
import { ClipLikeVectors } from '../../src/core/vectors/synthetic-clip';
import { VectorIndex, type VectorIndexOptions } from '../../src/core/vectors/vector-index';
import { K, PACED_COUNT, pacedStream, point, sweepDirect, sweepEndToEnd, type EfPoint } from './hnsw-passes';
import { percentile, Quality } from './quality';

export type { EfPoint } from './hnsw-passes';

export const DISTRIBUTIONS = ['clip', 'isotropic'] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

interface HnswBenchOptions {
  count: number;
  dim: number;
  queries: number;
  distribution?: Distribution;
  /** Graphs built side by side; by default one per core (params.ts defaultShardCount). */
  shards?: number;
  M?: number;
  efConstruction?: number;
  /**
   * Vectors the one-thread baseline builds (default: all). At 1M a full one-thread build takes hours here,
   * so the speedup compares both builds over the same first vectors and the sharded one goes on alone.
   */
  baselineCount?: number;
  /** ef values searched directly on the one-thread graph in this thread. */
  efSweep?: number[];
  /** Fixed ef values searched end to end (through the workers), reopening the saved index for each. */
  e2eSweep?: number[];
  /** Insert rate of the paced stream (vectors/s): a GPU host embeds ~1000 photos/s. */
  pacedRate?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface HnswBenchResult {
  distribution: Distribution;
  count: number;
  dim: number;
  queries: number;
  shards: number;
  M: number;
  efConstruction: number;
  /** The adaptive ef each shard searched with (efFor(shard size, 10)). */
  ef: number;
  /** Adding every vector and waiting for the workers to insert them all, all shards. */
  hnsw_build_seconds: number;
  hnsw_inserts_per_second: number;
  /** The same vectors into one graph in one worker, same run: the baseline. */
  hnsw_inserts_per_second_one_thread: number;
  /** One-thread seconds / sharded seconds over the first `baseline_count` vectors, in alternating rounds. */
  hnsw_inserts_speedup: number;
  baseline_count: number;
  /**
   * CPU time per insert (all threads), sharded and one thread: equal when sharding costs no extra work,
   * so the speedup reaches the shard count where the cores are free (a loaded machine's scheduler may
   * hold a session to its share however many threads it runs: docs/PERFORMANCE.md).
   */
  hnsw_cpu_ms_per_insert: number;
  hnsw_cpu_ms_per_insert_one_thread: number;
  /** Queries drawn like the data (a fresh photo). */
  hnsw_recall_at_10: number;
  /** Queries far from every point: between two clusters (isotropic), text-like (clip). */
  hnsw_recall_at_10_between: number;
  hnsw_score_ratio: number;
  hnsw_score_ratio_between: number;
  /** VectorIndex.search end to end: worker round trips, graph searches, merge. */
  hnsw_query_p50_ms: number;
  hnsw_query_p95_ms: number;
  /** The same right after `catchup_pending` more vectors were added at once (exact tail scan included). */
  catchup_query_p50_ms: number;
  catchup_query_p95_ms: number;
  catchup_pending: number;
  /** Vectors added at `paced_rate`/s, searching between batches: the largest tail, and the tail at the end. */
  paced_rate: number;
  paced_max_pending: number;
  paced_end_pending: number;
  paced_query_p50_ms: number;
  /** Brute-force inner product over all vectors in JavaScript. */
  exact_query_p50_ms: number;
  exact_query_p95_ms: number;
  save_seconds: number;
  /** Reopening the saved files: checksums, hnswlib loads, label bookkeeping, worker starts. */
  open_seconds: number;
  file_bytes: number;
  ef_sweep: EfPoint[];
  e2e_sweep: EfPoint[];
}

/** Alternating rounds the one-thread and sharded builds are split into. */
const BUILD_ROUNDS = 20;
/** Extra vectors added at once to measure searches during catch-up: a few seconds of worker inserts. */
const CATCHUP_COUNT = 2000;

export async function benchHnsw(opts: HnswBenchOptions): Promise<HnswBenchResult> {
  const { count, dim, queries } = opts;
  const distribution = opts.distribution ?? 'clip';
  const bySize = buildParamsFor(count);
  const M = opts.M ?? bySize.M;
  const efConstruction = opts.efConstruction ?? bySize.efConstruction;
  const shards = opts.shards ?? defaultShardCount(availableParallelism());
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? 1;
  const gen =
    distribution === 'clip' ? new ClipLikeVectors({ dim, seed }) : new ClusteredVectors({ dim, seed });
  const data = gen.sample(count);
  const near = gen.sample(queries);
  const between = gen.between(queries);
  const labels = Uint32Array.from({ length: count }, (_, i) => i);

  log(`${distribution}: exact ground truth for ${2 * queries} queries over ${count} × ${dim}`);
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
    const empty = { count: 0, items: () => [] };
    const options = (name: string, over: Partial<VectorIndexOptions> = {}): VectorIndexOptions => ({
      dir,
      name,
      dim,
      modelId: 'bench',
      M,
      efConstruction,
      ...over,
    });
    /** Adds labels [first, end) and waits until the graphs hold them: seconds. */
    const cpu = { one: 0, sharded: 0 };
    const grow = async (index: VectorIndex, first: number, end: number) => {
      const start = performance.now();
      const cpuStart = process.cpuUsage(); // the whole process: every worker thread included
      for (let from = first; from < end; from += 1000) {
        const items = [];
        for (let i = from; i < Math.min(end, from + 1000); i++)
          items.push({ label: i, vector: row(data, dim, i) });
        index.add(items);
      }
      await index.flush();
      const used = process.cpuUsage(cpuStart);
      cpu[index === single ? 'one' : 'sharded'] += (used.user + used.system) / 1e6;
      return (performance.now() - start) / 1000;
    };

    // Both builds grow side by side in alternating rounds (A B, B A, …), so a change in the shared
    // machine's load falls on both and each round inserts into graphs of the same size.
    log(
      `building ${count} × ${dim} in one thread and in ${shards} shards, alternating rounds, M=${M} efConstruction=${efConstruction}`,
    );
    const single = await VectorIndex.open(options('one', { shards: 1 }), null, empty);
    let index = await VectorIndex.open(options('sharded', { shards }), null, empty);
    const baselineCount = Math.min(count, opts.baselineCount ?? count);
    let oneThreadSeconds = 0;
    let prefixSeconds = 0; // the sharded build's time over the baseline's vectors
    let restSeconds = 0; // and alone past them
    const round = Math.max(1000, Math.ceil(baselineCount / BUILD_ROUNDS));
    for (let first = 0, r = 0; first < count; r++) {
      // No round straddles the baseline's end: both builds time exactly its first vectors.
      const end = Math.min(count, first + round, first < baselineCount ? baselineCount : count);
      if (first >= baselineCount) restSeconds += await grow(index, first, end);
      else if (r % 2 === 0) {
        oneThreadSeconds += await grow(single, first, end);
        prefixSeconds += await grow(index, first, end);
      } else {
        prefixSeconds += await grow(index, first, end);
        oneThreadSeconds += await grow(single, first, end);
      }
      if (end <= baselineCount || r % 10 === 0 || end === count)
        log(
          `${end} inserted: one thread ${oneThreadSeconds.toFixed(1)} s, ${shards} shards ${(prefixSeconds + restSeconds).toFixed(1)} s`,
        );
      first = end;
    }
    const buildSeconds = prefixSeconds + restSeconds;
    const singleSaved = await single.save();
    await single.close();

    const endToEnd = async (set: Float32Array, expected: ScoredLabel[][], timings: number[]) => {
      const quality = new Quality();
      for (let q = 0; q < queries; q++) {
        const t = performance.now();
        const hits = await index.search(row(set, dim, q), K);
        timings.push(performance.now() - t);
        quality.add(hits, expected[q]!);
      }
      return quality;
    };
    const searchMs: number[] = [];
    await endToEnd(near, truthNear, []); // warm-up: JIT and page cache
    const nearQuality = await endToEnd(near, truthNear, searchMs);
    const betweenQuality = await endToEnd(between, truthBetween, searchMs);

    const saveStart = performance.now();
    const saved = await index.save();
    const saveSeconds = (performance.now() - saveStart) / 1000;
    await index.close();
    const openStart = performance.now();
    index = await VectorIndex.open(options('sharded'), saved, empty);
    const openSeconds = (performance.now() - openStart) / 1000;
    if (index.opened.from !== 'file') throw new Error(`bench: reopening rebuilt (${index.opened.reason})`);

    const extra = gen.sample(CATCHUP_COUNT + PACED_COUNT);
    const extraItem = (i: number) => ({ label: count + i, vector: row(extra, dim, i) });
    index.add(Array.from({ length: CATCHUP_COUNT }, (_, i) => extraItem(i)));
    const catchupPending = index.pending;
    const catchupMs: number[] = [];
    for (let q = 0; q < queries && index.pending > 0; q++) {
      const t = performance.now();
      await index.search(row(near, dim, q), K);
      catchupMs.push(performance.now() - t);
    }
    await index.flush();
    const paced = await pacedStream(
      index,
      extraItem,
      opts.pacedRate ?? 1000,
      near,
      dim,
      queries,
      CATCHUP_COUNT,
    );
    await index.close();

    const e2eSweep = await sweepEndToEnd(opts.e2eSweep ?? [64, 128, 256], async (ef) => {
      index = await VectorIndex.open(options('sharded', { efSearch: ef }), saved, empty);
      await endToEnd(near, truthNear, []);
      const ms: number[] = [];
      const hard = await endToEnd(between, truthBetween, ms);
      const result = point(ef, (await endToEnd(near, truthNear, ms)).recall, hard, ms);
      await index.close();
      log(JSON.stringify(result));
      return result;
    });
    // The one-thread graph answers the sweep only when it holds every vector the ground truth covers.
    const sweep =
      baselineCount < count
        ? []
        : await sweepDirect(singleSaved, dim, opts.efSweep ?? [32, 64, 96, 128, 256], near, between, {
            near: truthNear,
            between: truthBetween,
            log,
          });

    return {
      distribution,
      count,
      dim,
      queries,
      shards,
      M,
      efConstruction,
      ef: efFor(Math.ceil(count / shards), K),
      hnsw_build_seconds: buildSeconds,
      hnsw_inserts_per_second: count / buildSeconds,
      hnsw_inserts_per_second_one_thread: baselineCount / oneThreadSeconds,
      hnsw_inserts_speedup: oneThreadSeconds / prefixSeconds,
      baseline_count: baselineCount,
      hnsw_cpu_ms_per_insert: (1000 * cpu.sharded) / count,
      hnsw_cpu_ms_per_insert_one_thread: (1000 * cpu.one) / baselineCount,
      hnsw_recall_at_10: nearQuality.recall,
      hnsw_recall_at_10_between: betweenQuality.recall,
      hnsw_score_ratio: nearQuality.scoreRatio,
      hnsw_score_ratio_between: betweenQuality.scoreRatio,
      hnsw_query_p50_ms: percentile(searchMs, 50),
      hnsw_query_p95_ms: percentile(searchMs, 95),
      catchup_query_p50_ms: percentile(catchupMs, 50),
      catchup_query_p95_ms: percentile(catchupMs, 95),
      catchup_pending: catchupPending,
      ...paced,
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const num = (name: string) => (arg(name) === undefined ? undefined : Number(arg(name)));
  const distribution = (arg('distribution') ?? 'clip') as Distribution;
  if (!DISTRIBUTIONS.includes(distribution))
    throw new Error(`--distribution ${distribution}: use one of ${DISTRIBUTIONS.join(', ')}`);
  const result = await benchHnsw({
    count: num('count') ?? 100_000,
    dim: num('dim') ?? 1024,
    queries: num('queries') ?? 200,
    distribution,
    shards: num('shards'),
    M: num('M'),
    efConstruction: num('efc'),
    baselineCount: num('baseline-count'),
    e2eSweep: arg('e2e-efs')?.split(',').filter(Boolean).map(Number), // '' skips the sweep
    log: (line) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  console.log(JSON.stringify(result, null, 2));
}

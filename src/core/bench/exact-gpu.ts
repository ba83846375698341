// `glimpse bench gpu`'s exact-search stage: a library-sized set of unit vectors held on the GPU in FP16
// (GpuExactIndex), its query latency, and a check of a few answers against a float32 scan.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../random';
import { TopK, dot, type ScoredLabel } from '../vectors/exact';
import { fp16Disagreement } from '../vectors/gpu/agreement';
import { GpuExactIndex } from '../vectors/gpu/gpu-exact';
import type { VectorItem } from '../vectors/vector-types';

interface ExactGpuOptions {
  /** Vectors held (1M by default: 2 GB in FP16 at 1024-d). */
  count: number;
  dim: number;
  /** Timed queries, one at a time, after a warm-up. */
  queries?: number;
  /** Queries whose answers are compared with a float32 scan (each scan reads every vector again). */
  checked?: number;
  provider?: 'cuda' | 'cpu';
  deviceId?: number;
}

export interface ExactGpuRun {
  count: number;
  dim: number;
  provider: 'cuda' | 'cpu';
  p50Ms: number;
  p95Ms: number;
  /** Writing the FP16 file and creating the session (vectors copied to the GPU). */
  buildSeconds: number;
  /** Answers compared with the float32 scan, and the first disagreement (agreement.ts), if any. */
  checked: number;
  disagreement: string | null;
}

const K = 10;

/**
 * Seeded unit vectors, regenerated identically on every pass so a scan can read them again without
 * holding them (4 GB at 1M × 1024 in float32): uniform components are enough to time a scan.
 */
function* vectors(count: number, dim: number, seed: number): Generator<VectorItem> {
  const next = mulberry32(seed);
  const v = new Float32Array(dim);
  for (let label = 0; label < count; label++) {
    let sum = 0;
    for (let i = 0; i < dim; i++) {
      v[i] = next() * 2 - 1;
      sum += v[i]! * v[i]!;
    }
    const scale = 1 / Math.sqrt(sum);
    for (let i = 0; i < dim; i++) v[i]! *= scale;
    yield { label, vector: v };
  }
}

export async function benchExactGpu(opts: ExactGpuOptions): Promise<ExactGpuRun> {
  const { count, dim } = opts;
  const provider = opts.provider ?? 'cuda';
  const queryCount = opts.queries ?? 200;
  const checkedCount = Math.min(opts.checked ?? 3, queryCount);
  const seed = 14;
  // Queries near stored vectors (a stored one plus noise), as a "more like this" search is.
  const queries: Float32Array[] = [];
  const picks = new Set(
    Array.from({ length: queryCount }, (_, q) => Math.floor(((q + 0.5) / queryCount) * count)),
  );
  const noise = mulberry32(seed + 1);
  for (const item of vectors(count, dim, seed)) {
    if (!picks.has(item.label)) continue;
    const q = item.vector.map((x) => x + (noise() - 0.5) * 0.05);
    const norm = Math.sqrt(dot(q, q));
    queries.push(q.map((x) => x / norm));
  }
  const dir = await mkdtemp(join(tmpdir(), 'glimpse-exact-gpu-'));
  try {
    const built = performance.now();
    const index = await GpuExactIndex.build(
      { dir, dim, provider, deviceId: opts.deviceId },
      { count, items: () => vectors(count, dim, seed) },
    );
    if (!index) throw new Error('exact GPU bench: no vectors');
    const buildSeconds = (performance.now() - built) / 1000;
    try {
      for (const q of queries.slice(0, 5)) await index.search(q, K); // warm-up: kernels, allocator
      const ms: number[] = [];
      const answers: ScoredLabel[][] = [];
      for (const q of queries) {
        const t = performance.now();
        const [hits] = await index.search(q, K);
        ms.push(performance.now() - t);
        answers.push(hits!);
      }
      // One pass over the vectors scores every checked query in float32.
      const checked = queries.slice(0, checkedCount);
      const tops = checked.map(() => new TopK(4 * K));
      for (const { label, vector } of vectors(count, dim, seed))
        checked.forEach((q, i) => tops[i]!.offer(label, dot(q, vector)));
      let disagreement: string | null = null;
      checked.forEach((_, i) => {
        disagreement ??= fp16Disagreement(answers[i]!, tops[i]!.sorted(), K);
      });
      ms.sort((a, b) => a - b);
      const at = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!;
      return {
        count: index.size,
        dim,
        provider,
        p50Ms: at(0.5),
        p95Ms: at(0.95),
        buildSeconds,
        checked: checked.length,
        disagreement,
      };
    } finally {
      await index.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

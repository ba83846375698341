// Exact search on the GPU: a snapshot of the library's vectors written once as an FP16 ONNX initializer
// and held in GPU memory by an onnxruntime session (1M × 1024 = 2 GB), each query scored against all
// of them with one Gemm and TopK. Answers are exact up to FP16 rounding of the stored vectors.
import * as ort from 'onnxruntime-node';
import { open, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toFloat16 } from '../../runtime/float16';
import type { ScoredLabel } from '../exact';
import { itemProblem } from '../item-checks';
import type { VectorSource } from '../vector-types';
import { EXACT_INPUTS, EXACT_OUTPUTS, exactSearchModel } from './exact-model';

export interface GpuExactOptions {
  /** Folder for the model and its data file (rewritten by each build). */
  dir: string;
  dim: number;
  /** 'cuda' on a GPU machine; 'cpu' only for tests and comparisons (it casts the vectors to float32). */
  provider: 'cuda' | 'cpu';
  deviceId?: number;
}

/** FP16 storage rounds each component by ≤ 2⁻¹² relative: a unit vector's product moves by ≤ 2.5e-4. */
export const FP16_TOLERANCE = 3e-4;

/**
 * Rows the FP16 pass hands to the float32 pass for k results: enough that a row the FP16 sums misplace
 * by their rounding still reaches the exact pass (CLIP's bursts put dozens of photos within 1e-2).
 */
function candidatesFor(k: number, rows: number): number {
  return Math.min(rows, 2 * k + 64);
}

/** Rows converted and written per chunk while building (a few MB). */
const WRITE_ROWS = 2048;
/** Snapshots built by this process: each gets files of its own (see build). */
let snapshotsBuilt = 0;

export class GpuExactIndex {
  /** Runs in flight: the session is released only after them. */
  private readonly running = new Set<Promise<unknown>>();
  private released = false;

  private constructor(
    private readonly session: ort.InferenceSession,
    /** Row i of the initializer holds this label's vector. */
    private readonly rowLabels: Uint32Array,
    readonly dim: number,
    readonly provider: 'cuda' | 'cpu',
    readonly buildMs: number,
    /** Its graph and vector files, removed once the session is released. */
    private readonly files: string[],
  ) {}

  /** Labels held (rows of the snapshot). */
  get size(): number {
    return this.rowLabels.length;
  }

  /**
   * Writes every valid vector of `source` as FP16 rows beside a small graph, and opens it on the
   * provider. Resolves null when the source has no vectors (nothing to search on the GPU).
   */
  static async build(opts: GpuExactOptions, source: VectorSource): Promise<GpuExactIndex | null> {
    const started = performance.now();
    const { dir, dim } = opts;
    await mkdir(dir, { recursive: true });
    // Files of its own: onnxruntime maps external initializers, so rewriting the file an older snapshot
    // still searches (a background rebuild) would pull its pages away mid-run (SIGBUS).
    const tag = `${process.pid}-${Date.now().toString(36)}-${(snapshotsBuilt++).toString(36)}`;
    const dataFile = `vectors-${tag}.f16`;
    const modelPath = join(dir, `exact-search-${tag}.onnx`);
    const files = [join(dir, dataFile), modelPath];
    const labels: number[] = [];
    const file = await open(join(dir, dataFile), 'w');
    try {
      let chunk = new Float32Array(WRITE_ROWS * dim);
      let filled = 0;
      const flush = async () => {
        if (!filled) return;
        const half = toFloat16(chunk.subarray(0, filled * dim));
        await file.write(new Uint8Array(half.buffer, half.byteOffset, half.byteLength));
        filled = 0;
      };
      for await (const item of source.items()) {
        if (itemProblem(dir, dim, item.label, item.vector)) continue; // the graph skips these too
        chunk.set(item.vector, filled * dim);
        labels.push(item.label);
        if (++filled === WRITE_ROWS) await flush();
      }
      await flush();
      chunk = new Float32Array(0);
    } finally {
      await file.close();
    }
    if (!labels.length) {
      await removeAll(files);
      return null;
    }
    await writeFile(modelPath, exactSearchModel(labels.length, dim, dataFile));
    const session = await ort.InferenceSession.create(modelPath, {
      executionProviders: [opts.provider === 'cuda' ? { name: 'cuda', deviceId: opts.deviceId ?? 0 } : 'cpu'],
      graphOptimizationLevel: 'all',
      logSeverityLevel: 4,
    });
    return new GpuExactIndex(
      session,
      Uint32Array.from(labels),
      dim,
      opts.provider,
      performance.now() - started,
      files,
    );
  }

  /**
   * The best `k` rows for each of the `queries` (q × dim, row-major), best first, as labels and the
   * FP16-product scores. Asking for more than the snapshot holds returns all of it.
   */
  async search(queries: Float32Array, k: number): Promise<ScoredLabel[][]> {
    if (this.released) throw new Error('GPU exact search: the snapshot was closed');
    const q = queries.length / this.dim;
    if (!Number.isInteger(q) || q < 1)
      throw new RangeError(`GPU exact search: ${queries.length} floats are not queries of ${this.dim}`);
    const take = Math.min(k, this.rowLabels.length);
    if (take < 1) return Array.from({ length: q }, () => []);
    const run = this.session.run({
      [EXACT_INPUTS.query]: new ort.Tensor('float32', queries, [q, this.dim]),
      [EXACT_INPUTS.k]: new ort.Tensor('int64', BigInt64Array.of(BigInt(take)), [1]),
      [EXACT_INPUTS.candidates]: new ort.Tensor(
        'int64',
        BigInt64Array.of(BigInt(candidatesFor(take, this.size))),
        [1],
      ),
    });
    this.running.add(run);
    let out: Awaited<typeof run>;
    try {
      out = await run;
    } finally {
      this.running.delete(run);
    }
    const scores = out[EXACT_OUTPUTS.scores]!.data as Float32Array;
    const rows = out[EXACT_OUTPUTS.rows]!.data as BigInt64Array;
    return Array.from({ length: q }, (_, r) =>
      Array.from({ length: take }, (_, i) => ({
        label: this.rowLabels[Number(rows[r * take + i]!)]!,
        score: scores[r * take + i]!,
      })),
    );
  }

  async close(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await Promise.allSettled([...this.running]);
    await this.session.release();
    await removeAll(this.files);
  }
}

async function removeAll(files: string[]): Promise<void> {
  await Promise.all(files.map((f) => rm(f, { force: true })));
}

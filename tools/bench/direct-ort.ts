// The embedding baseline: the same ONNX graph, session options and batch run straight through
// onnxruntime-node on this thread — no worker, no transfers, no normalisation. The embedder's
// throughput ÷ this is what Glimpse's worker round trip costs.
import { cpus } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { Embedder, ImageBatch } from '../../src/core/runtime/embedder';
import { toFloat32 } from '../../src/core/runtime/float16';
import { writeTensor } from '../../src/core/runtime/preprocess';
import { sessionOptions } from '../../src/core/runtime/session-options';
import type { ModelBundle } from '../../src/core/runtime/types';
import type { Sample } from './paired';

/** Calls at a new batch shape before timing: the first ones plan kernels and grow the arena. */
const WARMUP_RUNS = 3;

/** A batch of `capacity` image-like inputs (smooth colour ramps) in the model's input dtype. */
export function imageLikeBatch(embedder: Embedder, capacity: number): ImageBatch {
  const size = embedder.bundle.preprocess.imageSize;
  const batch = embedder.allocImageBatch(capacity);
  const rgb = new Uint8Array(size * size * 3);
  for (let item = 0; item < capacity; item++) {
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * (item + 1) * 7 + (i >> 8)) & 255;
    writeTensor(rgb, embedder.bundle.preprocess, batch, item);
  }
  return batch;
}

export class DirectOrt {
  private constructor(
    private readonly bundle: ModelBundle,
    private readonly session: ort.InferenceSession,
  ) {}

  /** The session exactly as the tower worker makes it for the CPU provider. */
  static async open(bundle: ModelBundle, threads = cpus().length): Promise<DirectOrt> {
    const session = await ort.InferenceSession.create(
      bundle.visual.file,
      sessionOptions({ provider: 'cpu', cpuThreads: threads }),
    );
    return new DirectOrt(bundle, session);
  }

  /** Raw (not normalised) outputs for the first `items` images of `batch`, one [rows × dim] per call. */
  async run(batch: ImageBatch, items: number): Promise<Float32Array[]> {
    const { visual, preprocess } = this.bundle;
    const s = preprocess.imageSize;
    const len = 3 * s * s;
    const dtype = visual.dtype;
    // Graphs exported with batch 1 take one image per call, as the embedder feeds them.
    const calls = visual.dynamicBatch
      ? [{ view: batch.subarray(0, items * len), dims: [items, 3, s, s] }]
      : Array.from({ length: items }, (_, i) => ({
          view: batch.subarray(i * len, (i + 1) * len),
          dims: [1, 3, s, s],
        }));
    const outputs: Float32Array[] = [];
    for (const call of calls) {
      const result = await this.session.run({ [visual.input]: new ort.Tensor(dtype, call.view, call.dims) });
      const out = result[visual.output];
      if (!out) throw new Error(`${visual.file}: no output "${visual.output}"`);
      outputs.push(
        out.type === 'float16'
          ? toFloat32(out.data as Uint16Array)
          : new Float32Array(out.data as Float32Array),
      );
      for (const t of Object.values(result)) t.dispose();
    }
    return outputs;
  }

  /** Images per second at `batchSize` over about `seconds`, after a warm-up. */
  async measure(batch: ImageBatch, batchSize: number, seconds: number): Promise<Sample> {
    for (let i = 0; i < WARMUP_RUNS; i++) await this.run(batch, batchSize);
    let batches = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000 || batches < WARMUP_RUNS) {
      await this.run(batch, batchSize);
      batches++;
    }
    return { items: batches * batchSize, seconds: (performance.now() - t0) / 1000 };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

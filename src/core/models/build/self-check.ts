// The check every bundle built on a user's machine passes before it is installed: its text tower agrees
// with an independent float32 computation of the checkpoint's weights on short captions, and its image
// tower gives finite, unit-length, input-dependent embeddings that do not change with the batch they are in.
import * as ort from 'onnxruntime-node';
import { loadBundle } from '../../model/bundle';
import { toFloat16, toFloat32 } from '../../model/float16';
import { CLIP_EOT, CLIP_SOT } from '../../model/types';
import { referenceTextEmbeddings } from './reference-text';
import type { WeightSource } from './source';

/** Captions as token ids (SOT … EOT): empty, and two of a few words. Any ids do; these are real words. */
const PROBE_CAPTIONS = [[], [320, 1125, 539, 320, 1929], [2368, 4287, 269, 518, 3999, 539, 320, 1615, 7425]];

export interface SelfCheckReport {
  /** Lowest cosine between the built text tower and the float32 reference. */
  textCosine: number;
  /** Cosine between an image embedded alone and in a batch of two. */
  batchCosine: number;
  /** Cosine between the embeddings of two different images (must be below 1: the graph sees its input). */
  distinctCosine: number;
  seconds: number;
}

export class SelfCheckError extends Error {
  readonly code = 'SELF_CHECK_FAILED';
  constructor(dir: string, problem: string) {
    super(`${dir}: self-check failed: ${problem}; the bundle is not installed`);
    this.name = 'SelfCheckError';
  }
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Two fixed pictures in CLIP's normalised units: a diagonal colour ramp, and stripes. */
function probeImages(size: number): Float32Array {
  const out = new Float32Array(2 * 3 * size * size);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const i = (c * size + y) * size + x;
        out[i] = ((x + y) / size - 1) * (c + 1) * 0.5;
        out[3 * size * size + i] = Math.floor(x / 16) % 2 === c % 2 ? 1.5 : -1.5;
      }
  return out;
}

async function runOnce(file: string, name: string, tensor: ort.Tensor): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'] });
  try {
    const out = (await session.run({ [name]: tensor }))[session.outputNames[0]!]!;
    return out.type === 'float16'
      ? toFloat32(out.data as Uint16Array)
      : Float32Array.from(out.data as Float32Array);
  } finally {
    await session.release();
  }
}

/** Runs the checks on `dir` (onnxruntime's CPU provider), `source` being the weights it was built from. */
export async function selfCheck(dir: string, source: WeightSource): Promise<SelfCheckReport> {
  const started = performance.now();
  const bundle = loadBundle(dir);
  const dim = bundle.embedDim;
  const fail = (problem: string) => new SelfCheckError(dir, problem);
  const floor = bundle.visual.dtype === 'float16' ? 0.999 : 0.99999;

  const context = bundle.contextLength;
  const ids = new BigInt64Array(PROBE_CAPTIONS.length * context);
  PROBE_CAPTIONS.forEach((words, r) => {
    [CLIP_SOT, ...words, CLIP_EOT].forEach((id, i) => (ids[r * context + i] = BigInt(id)));
  });
  const text = await runOnce(
    bundle.textual.file,
    bundle.textual.input,
    new ort.Tensor('int64', ids, [PROBE_CAPTIONS.length, context]),
  );
  const expected = await referenceTextEmbeddings(
    source,
    PROBE_CAPTIONS.map((words) => [CLIP_SOT, ...words, CLIP_EOT]),
  );
  let textCosine = 1;
  for (const [r, e] of expected.entries())
    textCosine = Math.min(textCosine, cosine(text.subarray(r * dim, (r + 1) * dim), e));
  if (!(textCosine >= floor))
    throw fail(
      `the text tower disagrees with a float32 computation of the same weights (cosine ${textCosine.toFixed(6)}, needs ${floor})`,
    );

  const s = bundle.preprocess.imageSize;
  const pixels = probeImages(s);
  const tensor = (data: Float32Array, n: number) =>
    bundle.visual.dtype === 'float16'
      ? new ort.Tensor('float16', toFloat16(data), [n, 3, s, s])
      : new ort.Tensor('float32', data, [n, 3, s, s]);
  const pair = await runOnce(bundle.visual.file, bundle.visual.input, tensor(pixels, 2));
  const alone = await runOnce(bundle.visual.file, bundle.visual.input, tensor(pixels.subarray(3 * s * s), 1));
  for (const [r, v] of [pair.subarray(0, dim), pair.subarray(dim), alone].entries()) {
    const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    if (!Number.isFinite(norm) || Math.abs(norm - 1) > 0.01)
      throw fail(`image embedding ${r} has length ${norm} (expected 1: overflow or a broken head)`);
  }
  const batchCosine = cosine(pair.subarray(dim), alone);
  if (!(batchCosine >= floor))
    throw fail(`an image embeds differently alone and in a batch (cosine ${batchCosine.toFixed(6)})`);
  const distinctCosine = cosine(pair.subarray(0, dim), pair.subarray(dim));
  if (!(distinctCosine < 0.9999)) throw fail('two different images give the same embedding');
  return { textCosine, batchCosine, distinctCosine, seconds: (performance.now() - started) / 1000 };
}

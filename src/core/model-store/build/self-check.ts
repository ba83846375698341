// The check every bundle built on a user's machine passes before it is installed, on the provider the app
// will run it on: its text tower agrees with an independent float32 computation of the checkpoint's
// weights on short captions, and its image tower gives finite, unit-length, input-dependent embeddings.
import { cpus } from 'node:os';
import * as ort from 'onnxruntime-node';
import { loadBundle } from '../../runtime/bundle';
import { NoProviderError, openSession } from '../../runtime/open-session';
import { defaultProviders, type ProviderFallback, type ProviderName } from '../../runtime/providers';
import { isDeviceProvider, sessionOptions } from '../../runtime/session-options';
import { toFloat16, toFloat32 } from '../../runtime/float16';
import { CLIP_EOT, CLIP_SOT } from '../../runtime/types';
import { referenceTextEmbeddings } from './reference-text';
import type { WeightSource } from './source';

/** Captions as token ids (SOT … EOT): empty, and two of a few words. Any ids do; these are real words. */
const PROBE_CAPTIONS = [[], [320, 1125, 539, 320, 1929], [2368, 4287, 269, 518, 3999, 539, 320, 1615, 7425]];

export interface SelfCheckReport {
  /** The provider the image tower's check ran on (the first of the app's providers that loaded it). */
  provider: ProviderName;
  /** The text tower's, the same unless a device could load one tower and not the other. */
  textProvider: ProviderName;
  /** Providers passed over before those, with the reason in words. */
  fallbacks: ProviderFallback[];
  /** Lowest cosine between the built text tower and the float32 reference. */
  textCosine: number;
  /** Cosine between an image embedded alone and in a batch of two; null on the CPU, which skips it. */
  batchCosine: number | null;
  /** Cosine between the embeddings of two different images (must be below 1: the graph sees its input). */
  distinctCosine: number;
  /** Images the image tower embedded: 3 on a device, 2 on the CPU. */
  imagesEmbedded: number;
  seconds: number;
}

class SelfCheckError extends Error {
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

export interface SelfCheckOptions {
  /** Providers in order of preference, as the app will use them; default: defaultProviders(). */
  providers?: readonly ProviderName[];
  /** GPU index for CUDA / DirectML. */
  deviceId?: number;
  /** Intra-op threads on the CPU provider (default: one per core, as the embedder; 0: onnxruntime chooses). */
  cpuThreads?: number;
  /** Why CUDA cannot load, or null (a stand-in in tests). */
  diagnoseCuda?: () => string | null;
  /** Also embed an image alone to compare with its row in the batch; default: on a device provider
   *  only, where it costs milliseconds (on the CPU it is a third image, tens of seconds for ViT-H). */
  aloneImage?: boolean;
}

/** How close to the float32 reference a tower must come. A float32 bundle on a device gets float16's
 *  floor: the CUDA provider's float32 matrix products may use TF32 (float16's 10-bit mantissa) on the
 *  cards that have it, which is what the app will compute with too. */
export function cosineFloor(dtype: 'float16' | 'float32', provider: ProviderName): number {
  return dtype === 'float16' || isDeviceProvider(provider) ? 0.999 : 0.99999;
}

type Run = (tensor: ort.Tensor) => Promise<Float32Array>;

/** The first provider in `providers` that loads the tower does `work` with it. A device provider that
 *  loads but then fails to run (out of memory, a missing kernel) is passed over too, with its reason, as
 *  the CPU behind it is what the app would end up using. */
async function withTower<T>(
  file: string,
  name: string,
  providers: readonly ProviderName[],
  opts: SelfCheckOptions,
  work: (run: Run, provider: ProviderName) => Promise<T>,
): Promise<{ result: T; provider: ProviderName; fallbacks: ProviderFallback[] }> {
  const fallbacks: ProviderFallback[] = [];
  let left = providers;
  for (;;) {
    const opened = await openSession(
      file,
      left,
      (provider) =>
        sessionOptions({ provider, deviceId: opts.deviceId, cpuThreads: opts.cpuThreads ?? cpus().length }),
      opts.diagnoseCuda,
    ).catch((e: unknown) => {
      throw e instanceof NoProviderError ? new NoProviderError(file, [...fallbacks, ...e.fallbacks]) : e;
    });
    fallbacks.push(...opened.fallbacks);
    const { session, active } = opened;
    const run: Run = async (tensor) => {
      const out = (await session.run({ [name]: tensor }))[session.outputNames[0]!]!;
      return out.type === 'float16'
        ? toFloat32(out.data as Uint16Array)
        : Float32Array.from(out.data as Float32Array);
    };
    try {
      return { result: await work(run, active), provider: active, fallbacks };
    } catch (e) {
      if (!isDeviceProvider(active)) throw e;
      fallbacks.push({ provider: active, reason: `loaded, but running failed: ${(e as Error).message}` });
      left = left.slice(left.indexOf(active) + 1);
    } finally {
      await session.release();
    }
  }
}

/** Runs the checks on `dir`, `source` being the weights it was built from, on the first of the providers
 *  the app would use that loads each tower. On a device every check runs; on the CPU, where ViT-H costs
 *  tens of seconds an image, the image tower embeds one batch of two (see imageChecks below). */
export async function selfCheck(
  dir: string,
  source: WeightSource,
  opts: SelfCheckOptions = {},
): Promise<SelfCheckReport> {
  const started = performance.now();
  const providers = opts.providers?.length ? opts.providers : defaultProviders();
  const bundle = loadBundle(dir);
  const dim = bundle.embedDim;
  const fail = (problem: string) => new SelfCheckError(dir, problem);

  const context = bundle.contextLength;
  const ids = new BigInt64Array(PROBE_CAPTIONS.length * context);
  PROBE_CAPTIONS.forEach((words, r) => {
    [CLIP_SOT, ...words, CLIP_EOT].forEach((id, i) => (ids[r * context + i] = BigInt(id)));
  });
  const textRun = await withTower(bundle.textual.file, bundle.textual.input, providers, opts, (run) =>
    run(new ort.Tensor('int64', ids, [PROBE_CAPTIONS.length, context])),
  );
  const text = textRun.result;
  const expected = await referenceTextEmbeddings(
    source,
    PROBE_CAPTIONS.map((words) => [CLIP_SOT, ...words, CLIP_EOT]),
  );
  let textCosine = 1;
  for (const [r, e] of expected.entries())
    textCosine = Math.min(textCosine, cosine(text.subarray(r * dim, (r + 1) * dim), e));
  const floor = cosineFloor(bundle.visual.dtype, textRun.provider);
  if (!(textCosine >= floor))
    throw fail(
      `the text tower disagrees with a float32 computation of the same weights on ${textRun.provider} ` +
        `(cosine ${textCosine.toFixed(6)}, needs ${floor})`,
    );

  const s = bundle.preprocess.imageSize;
  const pixels = probeImages(s);
  const tensor = (data: Float32Array, n: number) =>
    bundle.visual.dtype === 'float16'
      ? new ort.Tensor('float16', toFloat16(data), [n, 3, s, s])
      : new ort.Tensor('float32', data, [n, 3, s, s]);
  // The text tower's batch of three against the per-caption reference already proves the shared encoder
  // and per-row pooling keep rows apart on this provider; the builder's image batch axis is proven
  // against PyTorch by the fixtures (batch 2). So the CPU embeds the two pictures once, in one batch,
  // and only a device, where images cost milliseconds, also embeds one alone to compare.
  const imageRun = await withTower(
    bundle.visual.file,
    bundle.visual.input,
    providers,
    opts,
    async (run, provider) => ({
      pair: await run(tensor(pixels, 2)),
      alone:
        (opts.aloneImage ?? isDeviceProvider(provider))
          ? await run(tensor(pixels.subarray(3 * s * s), 1))
          : null,
    }),
  );
  const { pair: pairOut, alone } = imageRun.result;
  for (const [r, v] of [
    pairOut.subarray(0, dim),
    pairOut.subarray(dim),
    ...(alone ? [alone] : []),
  ].entries()) {
    const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    if (!Number.isFinite(norm) || Math.abs(norm - 1) > 0.01)
      throw fail(`image embedding ${r} has length ${norm} (expected 1: overflow or a broken head)`);
  }
  const batchCosine = alone ? cosine(pairOut.subarray(dim), alone) : null;
  if (batchCosine !== null && !(batchCosine >= cosineFloor(bundle.visual.dtype, imageRun.provider)))
    throw fail(
      `an image embeds differently alone and in a batch on ${imageRun.provider} (cosine ${batchCosine.toFixed(6)})`,
    );
  const distinctCosine = cosine(pairOut.subarray(0, dim), pairOut.subarray(dim));
  if (!(distinctCosine < 0.9999)) throw fail('two different images give the same embedding');
  return {
    provider: imageRun.provider,
    textProvider: textRun.provider,
    fallbacks: uniqueFallbacks([...textRun.fallbacks, ...imageRun.fallbacks]),
    textCosine,
    batchCosine,
    distinctCosine,
    imagesEmbedded: alone ? 3 : 2,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Both towers usually pass over the same providers for the same reason: say it once. */
function uniqueFallbacks(list: ProviderFallback[]): ProviderFallback[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const key = `${f.provider}\0${f.reason}`;
    return !seen.has(key) && !!seen.add(key);
  });
}

/** Where the check ran, in words: "cuda", or "cpu (cuda: CUDA provider is not installed …)". */
export function checkedOn(report: SelfCheckReport): string {
  const where =
    report.textProvider === report.provider
      ? report.provider
      : `${report.provider} (text tower on ${report.textProvider})`;
  const passed = report.fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ');
  return passed ? `${where} (passed over ${passed})` : where;
}

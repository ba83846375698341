// The benchmark suite behind `glimpse bench gpu|cpu`: model-only throughput over a batch sweep,
// decode-only on one core and on all, the end-to-end pipeline at the best batch, text latency, and
// the pipeline's efficiency against the slower of its two stages.
import { cpus } from 'node:os';
import { readGpuStatus } from '../gpu/nvidia-smi';
import { Embedder } from '../runtime/embedder';
import type { ProviderName } from '../runtime/providers';
import type { ModelBundle } from '../runtime/types';
import { bundlePrecision } from '../runtime/types';
import type { GraphPlacement } from '../../shared/types';
import { profileModel, type ModelProfile } from './model-profile';
import { benchModelPixels, type PixelsRun } from './model-pixels';
import { benchModelSessions, type SessionsRun } from './model-sessions';
import { benchExactGpu, type ExactGpuRun } from './exact-gpu';
import {
  benchDecode,
  benchEndToEnd,
  benchModel,
  benchTextLatency,
  type DecodeRun,
  type EndToEndRun,
  type LatencyRun,
  type ModelRun,
} from './bench';
import { IMAGE_EXTENSIONS } from '../indexer/scan';
import { benchDecodeGpu, type GpuDecodeBench } from './gpu-decode';
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

export interface BenchOptions {
  target: 'gpu' | 'cpu';
  images: string;
  batchSizes: number[];
  /** Seconds per model and decode measurement. */
  seconds: number;
  deviceId?: number;
  /** Also measure model-only with this many sessions taking turns (at the best batch); 1 = not. */
  sessions?: number;
  /** Also profile the model at the best batch and report its top ops (onnxruntime's profiler). */
  profile?: boolean;
  /** Vectors for the exact-search-on-the-GPU stage (gpu target only; 0 skips it). 1M by default. */
  exactGpuCount?: number;
  onStage?: (stage: string) => void;
}

export interface BenchReport {
  date: string;
  target: 'gpu' | 'cpu';
  machine: { cpu: string; cores: number; gpu: string | null; driver: string | null; cuda: string | null };
  model: { id: string; precision: 'fp16' | 'fp32'; embedDim: number };
  provider: {
    requested: ProviderName[];
    active: ProviderName;
    fallbacks: Array<{ provider: string; reason: string }>;
    loadMs: number;
    /** The warm-up run at load, left out of every throughput figure. */
    warmMs: number | null;
    /** Where the image graph's nodes ran: nodes on the CPU and memory copies slow a GPU down. */
    placement: GraphPlacement | null;
  };
  modelOnly: ModelRun[];
  /** Model-only at the best batch fed uint8 pixels (Embedder.embedRgb: the tensor filled on its own
   *  thread, two batches in flight), with the mean fill and run time per batch. */
  modelOnlyFromPixels: PixelsRun;
  /** Model-only with `sessions` sessions taking turns at the best batch (--sessions), else null. */
  modelOnlySessions: SessionsRun | null;
  /** onnxruntime's profile of the model at the best batch (--profile), else null. */
  profile: ModelProfile | null;
  bestBatch: number;
  decodeOneCore: DecodeRun;
  decodeAllCores: DecodeRun;
  /** Decode with JPEG shrink-on-load at the largest factor (less faithful, see docs/PREPROCESSING.md):
   *  what a faster decode would give where decoding is the bottleneck. */
  decodeAllCoresFastShrink: DecodeRun;
  /** nvJPEG on the GPU over a batch sweep, or why it did not run. */
  decodeGpu: GpuDecodeBench;
  endToEnd: EndToEndRun & { batchSize: number };
  /** end-to-end ÷ min(decode all cores, model-only at the best batch); 1.0 means no stage waits for another. */
  pipelineEfficiency: number;
  /** Which stage limits end-to-end throughput. */
  bottleneck: 'decode' | 'model';
  text: LatencyRun;
  /** Exact search over `exactGpu.count` FP16 vectors on the GPU (exact-gpu.ts); null when skipped. */
  exactGpu: ExactGpuRun | { error: string } | null;
}

async function imageFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  const files = names.filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).map((n) => join(dir, n));
  if (!files.length)
    throw new Error(`${dir}: no images to benchmark with (glimpse bench photos --out ${dir} makes some)`);
  return files;
}

export async function runBenchSuite(bundle: ModelBundle, opts: BenchOptions): Promise<BenchReport> {
  const files = await imageFiles(opts.images);
  const providers: ProviderName[] = opts.target === 'gpu' ? ['cuda'] : ['cpu'];
  const gpuStatus = await readGpuStatus();
  const stage = opts.onStage ?? (() => {});
  const sampleGpu = opts.target === 'gpu';

  const sweep = new Embedder(bundle, { providers, deviceId: opts.deviceId });
  let modelOnly: ModelRun[];
  let text: LatencyRun;
  let info;
  let decodeOneCore: DecodeRun;
  let decodeAllCores: DecodeRun;
  let decodeAllCoresFastShrink: DecodeRun;
  try {
    stage('model-only batch sweep');
    modelOnly = await benchModel(sweep, { batchSizes: opts.batchSizes, seconds: opts.seconds, sampleGpu });
    info = await sweep.loadVisual();
    stage('text latency');
    text = await benchTextLatency(sweep);
    stage('decode, one core');
    decodeOneCore = await benchDecode(sweep, files, { concurrency: 1, seconds: opts.seconds });
    stage(`decode, ${cpus().length} cores`);
    decodeAllCores = await benchDecode(sweep, files, { concurrency: cpus().length, seconds: opts.seconds });
    stage(`decode with fast shrink-on-load, ${cpus().length} cores`);
    decodeAllCoresFastShrink = await benchDecode(sweep, files, {
      concurrency: cpus().length,
      seconds: opts.seconds,
      resampling: { fastShrinkOnLoad: true },
    });
  } finally {
    await sweep.close();
  }
  stage('GPU decode (nvJPEG) batch sweep');
  const decodeGpu = await benchDecodeGpu(files, bundle.preprocess, {
    seconds: opts.seconds,
    device: opts.deviceId,
  });
  const best = modelOnly.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));

  stage(`model-only from pixels at batch ${best.batchSize}`);
  const pixelsEmbedder = new Embedder(bundle, {
    providers,
    deviceId: opts.deviceId,
    batchSize: best.batchSize,
  });
  let modelOnlyFromPixels: PixelsRun;
  try {
    modelOnlyFromPixels = await benchModelPixels(pixelsEmbedder, {
      batchSize: best.batchSize,
      seconds: opts.seconds,
    });
  } finally {
    await pixelsEmbedder.close();
  }

  let modelOnlySessions: SessionsRun | null = null;
  if ((opts.sessions ?? 1) > 1) {
    stage(`model-only, ${opts.sessions} sessions taking turns at batch ${best.batchSize}`);
    modelOnlySessions = await benchModelSessions(bundle, {
      providers,
      deviceId: opts.deviceId,
      sessions: opts.sessions!,
      batchSize: best.batchSize,
      seconds: opts.seconds,
      sampleGpu,
    });
  }
  let profile: ModelProfile | null = null;
  if (opts.profile) {
    stage(`profile at batch ${best.batchSize}`);
    profile = await profileModel(bundle, {
      provider: info.active,
      deviceId: opts.deviceId,
      cpuThreads: cpus().length,
      batchSize: best.batchSize,
      runs: 10,
    });
  }

  stage(`end to end at batch ${best.batchSize}`);
  const e2eEmbedder = new Embedder(bundle, { providers, deviceId: opts.deviceId, batchSize: best.batchSize });
  let endToEnd: EndToEndRun;
  try {
    endToEnd = await benchEndToEnd(e2eEmbedder, opts.images, { sampleGpu });
  } finally {
    await e2eEmbedder.close();
  }
  const exactGpuCount = opts.target === 'gpu' ? (opts.exactGpuCount ?? 1_000_000) : 0;
  let exactGpu: BenchReport['exactGpu'] = null;
  if (exactGpuCount > 0) {
    stage(`exact search over ${exactGpuCount} vectors on the GPU`);
    const run = { count: exactGpuCount, dim: bundle.embedDim, deviceId: opts.deviceId };
    exactGpu = await benchExactGpu(run).catch((e: Error) => ({ error: e.message }));
  }
  const limit = Math.min(decodeAllCores.imagesPerSecond, best.imagesPerSecond);
  const gpu = gpuStatus.gpus[0];
  return {
    date: new Date().toISOString(),
    target: opts.target,
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      gpu: gpu?.name ?? null,
      driver: gpu?.driverVersion ?? null,
      cuda: gpuStatus.cudaVersion,
    },
    model: {
      id: bundle.id,
      precision: bundlePrecision(bundle),
      embedDim: bundle.embedDim,
    },
    provider: {
      requested: providers,
      active: info.active,
      fallbacks: info.fallbacks,
      loadMs: info.loadMs,
      warmMs: info.warmMs ?? null,
      placement: info.placement ?? null,
    },
    modelOnly,
    modelOnlyFromPixels,
    modelOnlySessions,
    profile,
    bestBatch: best.batchSize,
    decodeOneCore,
    decodeAllCores,
    decodeAllCoresFastShrink,
    decodeGpu,
    endToEnd: { ...endToEnd, batchSize: best.batchSize },
    pipelineEfficiency: endToEnd.imagesPerSecond / limit,
    bottleneck: decodeAllCores.imagesPerSecond < best.imagesPerSecond ? 'decode' : 'model',
    text,
    exactGpu,
  };
}

// Throughput measurements of the indexing stages on this machine: the model alone on preprocessed
// tensors, decoding alone, the whole pipeline from JPEG files to committed vectors, and text-query
// latency. `glimpse bench` and `npm run bench` print these; docs/PERFORMANCE.md records them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runIndex } from '../indexer/indexer';
import { contentHash } from '../indexer/content';
import { readExif } from '../indexer/exif';
import { THUMBNAIL_SIZE } from '../indexer/thumbnails';
import { decoderMix } from './gpu-decode';
import { Library } from '../library';
import { decodeForModel, type Resampling } from '../decode/cpu-decode';
import type { Embedder, ImageBatch } from '../runtime/embedder';
import { toFloat16 } from '../runtime/float16';
import { writeTensor } from '../runtime/preprocess';
import { GpuSampler, type GpuSamples } from './gpu-sampler';
import { timedLanes } from './timed-lanes';
import type { DecoderCounts, PipelineReport } from '../../shared/types';

export interface ModelRun {
  batchSize: number;
  imagesPerSecond: number;
  msPerBatch: number;
  batches: number;
  gpu: GpuSamples | null;
}

/** Fills a batch with a smooth, image-like normalised pattern (values matter little to the model's speed). */
export function syntheticBatch(embedder: Embedder, capacity: number): ImageBatch {
  const batch = embedder.allocImageBatch(capacity);
  const values = new Float32Array(batch.length);
  for (let i = 0; i < values.length; i++) values[i] = Math.sin(i * 0.001) * 1.5;
  if (batch instanceof Uint16Array) toFloat16(values, batch);
  else batch.set(values);
  return batch;
}

/** Model-only images/s per batch size: tensors already preprocessed, no decoding, no database. */
export async function benchModel(
  embedder: Embedder,
  opts: { batchSizes: number[]; seconds: number; sampleGpu: boolean },
): Promise<ModelRun[]> {
  await embedder.loadVisual();
  const runs: ModelRun[] = [];
  for (const batchSize of opts.batchSizes) {
    let batch = syntheticBatch(embedder, batchSize);
    // Warm-up: the first calls at a new shape plan kernels and grow the memory arena.
    for (let i = 0; i < 3; i++) batch = (await embedder.embedImages(batch, batchSize)).data;
    const sampler = opts.sampleGpu ? new GpuSampler().start() : null;
    let batches = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < opts.seconds * 1000 || batches < 3) {
      batch = (await embedder.embedImages(batch, batchSize)).data;
      batches++;
    }
    const secs = (performance.now() - t0) / 1000;
    runs.push({
      batchSize,
      imagesPerSecond: (batches * batchSize) / secs,
      msPerBatch: (secs * 1000) / batches,
      batches,
      gpu: sampler?.stop() ?? null,
    });
  }
  return runs;
}

export interface DecodeRun {
  concurrency: number;
  imagesPerSecond: number;
  images: number;
  megapixelsPerSecond: number;
}

/**
 * The indexer's per-file CPU work without the model or the database: read, hash, decode to the
 * model input and a thumbnail, EXIF, and the tensor write.
 */
export async function benchDecode(
  embedder: Embedder,
  files: string[],
  opts: { concurrency: number; seconds: number; resampling?: Partial<Resampling> },
): Promise<DecodeRun> {
  const spec = embedder.bundle.preprocess;
  const out = embedder.allocImageBatch(1);
  let next = 0;
  let images = 0;
  let pixels = 0;
  const secs = await timedLanes(
    opts.concurrency,
    opts.seconds,
    async () => {
      const file = files[next++ % files.length]!;
      const bytes = await readFile(file);
      const [, decoded] = await Promise.all([
        contentHash(bytes),
        decodeForModel(bytes, spec, {
          thumbnailSize: THUMBNAIL_SIZE,
          name: file,
          resampling: opts.resampling,
        }),
        readExif(bytes),
      ]);
      writeTensor(decoded.rgb, spec, out, 0);
      images++;
      pixels += decoded.info.width * decoded.info.height;
    },
    () => images < opts.concurrency,
  );
  return {
    concurrency: opts.concurrency,
    imagesPerSecond: images / secs,
    images,
    megapixelsPerSecond: pixels / 1e6 / secs,
  };
}

export interface EndToEndRun {
  /** What decoded the photos: the GPU, the CPU, or both (files the GPU handed back). */
  decoder: 'gpu' | 'cpu' | 'mixed';
  images: number;
  imagesPerSecond: number;
  seconds: number;
  failed: number;
  gpu: GpuSamples | null;
  /** Per-stage timings of the run and the stage that limited it. */
  pipeline: PipelineReport | null;
  decoders: DecoderCounts | null;
}

/** JPEG files to committed vectors: a fresh library in a temp folder, indexed by the real pipeline. */
export async function benchEndToEnd(
  embedder: Embedder,
  folder: string,
  opts: { sampleGpu: boolean },
): Promise<EndToEndRun> {
  const dir = await mkdtemp(join(tmpdir(), 'glimpse-bench-lib-'));
  const lib = await Library.open({ dir, modelId: embedder.bundle.id, dim: embedder.bundle.embedDim });
  try {
    const folderId = lib.catalog.addFolder(folder);
    await embedder.loadVisual();
    const sampler = opts.sampleGpu ? new GpuSampler().start() : null;
    const summary = await runIndex(
      { catalog: lib.catalog, embedder, vectors: lib.sink, thumbnails: lib.thumbnails },
      [{ id: folderId, path: folder, exclude: [] }],
    );
    const gpu = sampler?.stop() ?? null;
    const images = summary.embedded + summary.reused;
    return {
      decoder: decoderMix((summary as { decoders?: { decoded: Record<string, number> } }).decoders),
      images,
      imagesPerSecond: images / summary.seconds,
      seconds: summary.seconds,
      failed: summary.failed.length,
      gpu,
      pipeline: summary.pipeline ?? null,
      decoders: summary.decoders ?? null,
    };
  } finally {
    await lib.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export interface LatencyRun {
  queries: number;
  p50Ms: number;
  p95Ms: number;
}

const QUERIES = [
  'a dog asleep on a red sofa',
  'sunset over the sea',
  'birthday cake with candles',
  'snowy mountain',
  'a cat',
];

/** One text query at a time, as a user types them, after a warm-up. */
export async function benchTextLatency(embedder: Embedder, queries = 50): Promise<LatencyRun> {
  await embedder.loadTextual();
  for (let i = 0; i < 3; i++) await embedder.embedTexts([QUERIES[i % QUERIES.length]!]);
  const times: number[] = [];
  for (let i = 0; i < queries; i++) {
    const t0 = performance.now();
    await embedder.embedTexts([`${QUERIES[i % QUERIES.length]} ${i}`]);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { queries, p50Ms: at(0.5), p95Ms: at(0.95) };
}

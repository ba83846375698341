// The GPU photo decoder's own throughput (`glimpse bench gpu` → decodeGpu): JPEG bytes in memory to model
// inputs and thumbnails over a batch sweep, or, without a usable GPU decoder, the one-line reason.
import { readFile } from 'node:fs/promises';
import { probeGpuDecoder } from '../decode/gpu-addon';
import { GpuJpegDecoder } from '../decode/gpu-jpeg';
import { THUMBNAIL_SIZE } from '../indexer/thumbnails';
import type { PreprocessSpec } from '../runtime/types';

interface GpuDecodeRun {
  batchSize: number;
  /** Files the GPU decoded per second (files it handed to the CPU are not counted). */
  imagesPerSecond: number;
  images: number;
  /** Files handed back for the CPU, by reason (progressive, cmyk, rejected…). */
  fallbacks: Record<string, number>;
  /** Files per nvJPEG backend: the hardware engine, or the CUDA backend for what the engine declined. */
  backends: { hardware: number; cuda: number };
}

export interface GpuDecodeBench {
  available: boolean;
  /** What decoded (device and nvJPEG backend), or why nothing did. */
  summary: string;
  backend: 'hardware' | 'cuda' | null;
  runs: GpuDecodeRun[];
}

const DEFAULT_GPU_DECODE_BATCHES = [8, 32, 64, 128];

export async function benchDecodeGpu(
  files: string[],
  spec: PreprocessSpec,
  opts: { batchSizes?: number[]; seconds: number; device?: number },
): Promise<GpuDecodeBench> {
  const { decoder, reason } = GpuJpegDecoder.open({ device: opts.device });
  if (!decoder) return { available: false, summary: reason, backend: null, runs: [] };
  const probe = probeGpuDecoder();
  // Read once: the measurement is the decoder's, not the disk's.
  const corpus = await Promise.all(files.map(async (name) => ({ name, bytes: await readFile(name) })));
  const runs: GpuDecodeRun[] = [];
  for (const batchSize of opts.batchSizes ?? DEFAULT_GPU_DECODE_BATCHES) {
    // One untimed batch first: nvJPEG allocates its buffers and the driver compiles the kernel.
    await decoder.decode(pick(corpus, 0, batchSize), spec, { thumbnailSize: THUMBNAIL_SIZE });
    const fallbacks: Record<string, number> = {};
    const before = { ...decoder.backends };
    let images = 0;
    let next = 0;
    const t0 = performance.now();
    const deadline = t0 + opts.seconds * 1000;
    while (performance.now() < deadline || images === 0) {
      const outcomes = await decoder.decode(pick(corpus, next, batchSize), spec, {
        thumbnailSize: THUMBNAIL_SIZE,
      });
      next += batchSize;
      for (const o of outcomes) {
        if (o.ok) images++;
        else if ('fallback' in o) fallbacks[o.fallback] = (fallbacks[o.fallback] ?? 0) + 1;
      }
      if (images === 0 && performance.now() > deadline) break; // nothing here is the GPU's to decode
    }
    const secs = (performance.now() - t0) / 1000;
    runs.push({
      batchSize,
      imagesPerSecond: images / secs,
      images,
      fallbacks,
      backends: {
        hardware: decoder.backends.hardware - before.hardware,
        cuda: decoder.backends.cuda - before.cuda,
      },
    });
  }
  return { available: true, summary: probe.summary, backend: probe.backend, runs };
}

function pick<T>(items: T[], from: number, count: number): T[] {
  return Array.from({ length: count }, (_, k) => items[(from + k) % items.length]!);
}

/** Which decoders fed an indexing run: from the run's per-decoder counts (none: the CPU did it all). */
export function decoderMix(counts: { decoded: Record<string, number> } | undefined): 'gpu' | 'cpu' | 'mixed' {
  const gpu = counts?.decoded.gpu ?? 0;
  const cpu = counts?.decoded.cpu ?? 0;
  if (gpu && cpu) return 'mixed';
  return gpu ? 'gpu' : 'cpu';
}

// Model-only throughput fed the way the indexer can feed it: uint8 pixels through Embedder.embedRgb,
// whose tensor is filled on its own thread while the batch before runs. Beside model-only on ready
// tensors it shows whether filling the tensor costs the GPU anything.
import type { Embedder } from '../runtime/embedder';
import { timedLanes } from './timed-lanes';

export interface PixelsRun {
  batchSize: number;
  imagesPerSecond: number;
  batches: number;
  /** Mean per batch: normalising pixels into the tensor (fill thread) and the model run (tower). */
  fillMsMean: number;
  runMsMean: number;
}

/** `inFlight` batches are kept submitted at once, as the pipeline does. */
export async function benchModelPixels(
  embedder: Embedder,
  opts: { batchSize: number; seconds: number; inFlight?: number },
): Promise<PixelsRun> {
  await embedder.loadVisual();
  const size = embedder.bundle.preprocess.imageSize;
  const bytes = opts.batchSize * size * size * 3;
  // One batch per lane first, untimed: it starts the fill thread and settles the buffers.
  const lanes = await Promise.all(
    Array.from({ length: opts.inFlight ?? 2 }, async (_, lane) => {
      const pixels = new Uint8Array(bytes);
      for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 13 + lane * 71 + (i >> 10)) & 255;
      return (await embedder.embedRgb(pixels, opts.batchSize)).pixels;
    }),
  );
  let batches = 0;
  let fillMs = 0;
  let runMs = 0;
  const secs = await timedLanes(
    lanes.length,
    opts.seconds,
    async (lane) => {
      const r = await embedder.embedRgb(lanes[lane]!, opts.batchSize);
      lanes[lane] = r.pixels;
      batches++;
      fillMs += r.fillMs;
      runMs += r.runMs;
    },
    (n) => n < 2,
  );
  return {
    batchSize: opts.batchSize,
    imagesPerSecond: (batches * opts.batchSize) / secs,
    batches,
    fillMsMean: fillMs / batches,
    runMsMean: runMs / batches,
  };
}

// Stage 4, embed: owns the batches' uint8 pixel buffers and hands each batch to Embedder.embedRgb,
// which normalises it into the model's tensor on the tensor-fill thread while the batch before runs.
// The one place that knows how pixels reach the model.
import type { Embedder } from '../../runtime/embedder';
import type { Decoded } from './decode';
import { AsyncQueue } from './queue';

/** A batch whose decoded pixels sit one after another in `pixels` (n × size × size × 3). */
export interface AssembledBatch {
  items: Decoded[];
  pixels: Uint8Array;
}

export interface EmbeddedBatch {
  items: Decoded[];
  /** items.length × dim, L2-normalised. */
  vectors: Float32Array;
  dim: number;
  /** Normalising the pixels into the tensor, on the tensor-fill thread. */
  fillMs: number;
}

/** Pixel buffers by default: two batches with the model (one running, the next filling behind it)
 *  and one forming. More would only move decoded photos from the ready queue into buffers earlier. */
const PIXEL_BUFFERS = 3;

export class EmbedStage {
  private readonly free: AsyncQueue<Uint8Array>;
  private readonly imageBytes: number;

  constructor(
    private readonly embedder: Embedder,
    readonly capacity: number,
    buffers = PIXEL_BUFFERS,
  ) {
    const s = embedder.bundle.preprocess.imageSize;
    this.imageBytes = s * s * 3;
    this.free = new AsyncQueue(buffers);
    for (let i = 0; i < buffers; i++) void this.free.push(new Uint8Array(capacity * this.imageBytes));
  }

  /** A free pixel buffer once the model hands one back; null once closed (the run is stopping). */
  async acquire(): Promise<Uint8Array | null> {
    return (await this.free.pull())[0] ?? null;
  }

  release(pixels: Uint8Array): void {
    void this.free.push(pixels);
  }

  /** No more batches will be formed: a waiting acquire() returns null. */
  close(): void {
    this.free.close();
  }

  /** Copies the batch's decoded pixels into `pixels`, one image after another. */
  assemble(items: Decoded[], pixels: Uint8Array): AssembledBatch {
    if (items.length > this.capacity)
      throw new RangeError(`embed stage: ${items.length} photos for a batch of ${this.capacity}`);
    items.forEach((d, i) => {
      if (d.rgb.length !== this.imageBytes) {
        throw new RangeError(
          `${d.item.path}: decoded to ${d.rgb.length} bytes of pixels, the model takes ${this.imageBytes}`,
        );
      }
      pixels.set(d.rgb, i * this.imageBytes);
    });
    return { items, pixels };
  }

  /** Runs the model on an assembled batch; its pixel buffer is free again once this settles. A batch
   *  still waiting for the model when `signal` aborts is refused (AbortError) instead of run. */
  async run(batch: AssembledBatch, signal?: AbortSignal): Promise<EmbeddedBatch> {
    try {
      const run = await this.embedder.embedRgb(batch.pixels, batch.items.length, { signal });
      this.release(run.pixels);
      return { items: batch.items, vectors: run.vectors, dim: run.dim, fillMs: run.fillMs };
    } catch (e) {
      // embedRgb hands the transferred buffer back on the error where it can.
      const pixels = (e as { pixels?: unknown }).pixels;
      if (pixels instanceof Uint8Array && pixels.length) this.release(pixels);
      throw e;
    }
  }
}

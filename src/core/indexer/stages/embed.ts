// Stage 4, embed: owns the model's input buffers, fills a batch's tensor and runs the image tower.
// The one place that knows how pixels reach the model, so moving the tensor fill into the tower
// worker (Embedder.embedRgb) changes only this file.
import type { Embedder, ImageBatch } from '../../model/embedder';
import { writeTensor } from '../../model/preprocess';
import type { Decoded } from './decode';
import { AsyncQueue } from './queue';

/** A batch whose tensor is written, waiting for the model. */
export interface FilledBatch {
  items: Decoded[];
  buffer: ImageBatch;
}

export interface EmbeddedBatch {
  items: Decoded[];
  /** items.length × dim, L2-normalised. */
  vectors: Float32Array;
  dim: number;
}

export class EmbedStage {
  private readonly free: AsyncQueue<ImageBatch>;

  constructor(
    private readonly embedder: Embedder,
    readonly capacity: number,
    /** Buffers, so batches in flight at once: one on the model, the next filled behind it. */
    buffers = 2,
  ) {
    this.free = new AsyncQueue(buffers);
    for (let i = 0; i < buffers; i++) void this.free.push(embedder.allocImageBatch(capacity));
  }

  /** A free input buffer once the model hands one back; null once closed (the run is stopping). */
  async acquire(): Promise<ImageBatch | null> {
    return (await this.free.pull())[0] ?? null;
  }

  release(buffer: ImageBatch): void {
    void this.free.push(buffer);
  }

  /** No more batches will be formed: a waiting acquire() returns null. */
  close(): void {
    this.free.close();
  }

  /** Writes the batch's pixels into `buffer` in the model's layout and dtype. */
  fill(items: Decoded[], buffer: ImageBatch): FilledBatch {
    const spec = this.embedder.bundle.preprocess;
    items.forEach((d, i) => writeTensor(d.rgb, spec, buffer, i));
    return { items, buffer };
  }

  /** Runs the model on a filled batch; its buffer is free again once this resolves. */
  async run(batch: FilledBatch): Promise<EmbeddedBatch> {
    const run = await this.embedder.embedImages(batch.buffer, batch.items.length);
    this.release(run.data);
    return { items: batch.items, vectors: run.vectors, dim: run.dim };
  }
}

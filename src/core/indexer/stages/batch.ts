// Stage 3, batch: gathers decoded photos into batches of the model's size (a short one at the end) and
// copies their pixels into a free buffer, so the next batch is ready before the model asks.
import type { PipelineStage } from '../../../shared/types';
import type { Decoded } from './decode';
import type { AssembledBatch, EmbedStage } from './embed';
import type { AsyncQueue } from './queue';

/** An assembled batch and what it took to form it. */
export interface FormedBatch extends AssembledBatch {
  /** Time the batcher waited for decoded photos before this batch was complete. */
  gatherMs: number;
  /** What it waited for: 'read' when no read file was waiting for a decoder, else 'decode'. */
  gatheredFrom: PipelineStage;
  /** Read files waiting for a decoder once the batch was complete, and decoded photos waiting
   *  behind it once it had a buffer. */
  readQueue: number;
  readyQueue: number;
}

interface BatchContext {
  capacity: number;
  embed: EmbedStage;
  /** Files read and hashed, waiting for a decoder (a depth to report). */
  readQueue: AsyncQueue<unknown>;
  /** Set when the run is aborted or stopping on an error: no new batch starts. */
  signal: AbortSignal;
}

export async function runBatcher(
  ready: AsyncQueue<Decoded>,
  out: AsyncQueue<FormedBatch>,
  ctx: BatchContext,
): Promise<void> {
  const { capacity, embed, signal } = ctx;
  try {
    while (!signal.aborted) {
      const waitStart = performance.now();
      const items = await ready.pull(capacity, capacity);
      const gatherMs = performance.now() - waitStart;
      const readQueue = ctx.readQueue.size;
      // Decoders with nothing read to work on were starved by reading; otherwise they were the pace.
      const gatheredFrom: PipelineStage = readQueue === 0 && !ctx.readQueue.done ? 'read' : 'decode';
      if (!items.length || signal.aborted) return; // decoded but not batched: redone next run
      // These waits may span a whole batch on the model: an abort during them must not start
      // another, so the batch is assembled only once the model's queue has room for it.
      const buffer = await embed.acquire();
      if (!buffer) return;
      await out.room();
      if (signal.aborted) {
        embed.release(buffer);
        return;
      }
      // Decoded photos already waiting behind this batch as it goes to the model.
      const readyQueue = ready.size;
      await out.push({ ...embed.assemble(items, buffer), gatherMs, gatheredFrom, readQueue, readyQueue });
    }
  } finally {
    out.close();
  }
}

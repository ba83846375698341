// Model-only throughput with several sessions taking turns: while one session's batch runs, the
// next one's is already submitted, which hides the host-side gap between batches (output copy,
// normalising the vectors, the round trip to the worker) that a single session leaves the GPU idle in.
import { Embedder } from '../runtime/embedder';
import type { ProviderName } from '../runtime/providers';
import type { ModelBundle } from '../runtime/types';
import { syntheticBatch } from './bench';
import { GpuSampler, type GpuSamples } from './gpu-sampler';
import { timedLanes } from './timed-lanes';

export interface SessionsRun {
  sessions: number;
  batchSize: number;
  imagesPerSecond: number;
  /** Wall time per batch over all sessions together. */
  msPerBatch: number;
  batches: number;
  gpu: GpuSamples | null;
}

export async function benchModelSessions(
  bundle: ModelBundle,
  opts: {
    providers: ProviderName[];
    deviceId?: number;
    sessions: number;
    batchSize: number;
    seconds: number;
    sampleGpu: boolean;
  },
): Promise<SessionsRun> {
  if (!Number.isInteger(opts.sessions) || opts.sessions < 1)
    throw new RangeError(`sessions must be a whole number ≥ 1, got ${opts.sessions}`);
  const embedders = Array.from(
    { length: opts.sessions },
    () =>
      new Embedder(bundle, { providers: opts.providers, deviceId: opts.deviceId, batchSize: opts.batchSize }),
  );
  try {
    // Loading warms each session at this batch; two more runs each settle the arenas before timing.
    await Promise.all(embedders.map((e) => e.loadVisual()));
    const batches = await Promise.all(
      embedders.map(async (e) => {
        let batch = syntheticBatch(e, opts.batchSize);
        for (let i = 0; i < 2; i++) batch = (await e.embedImages(batch, opts.batchSize)).data;
        return batch;
      }),
    );
    const sampler = opts.sampleGpu ? new GpuSampler().start() : null;
    let done = 0;
    const secs = await timedLanes(
      embedders.length,
      opts.seconds,
      async (i) => {
        batches[i] = (await embedders[i]!.embedImages(batches[i]!, opts.batchSize)).data;
        done++;
      },
      (n) => n < 2,
    );
    return {
      sessions: opts.sessions,
      batchSize: opts.batchSize,
      imagesPerSecond: (done * opts.batchSize) / secs,
      msPerBatch: (secs * 1000) / done,
      batches: done,
      gpu: sampler?.stop() ?? null,
    };
  } finally {
    await Promise.all(embedders.map((e) => e.close()));
  }
}

// The indexing pipeline, stage by stage: read + hash → decode → batch → embed (fill + run) → commit,
// with bounded queues between them so every stage runs ahead of the model by a little and no further.
// The model runs batch k while batch k+1's tensor fills and batch k-1 commits; decoding goes on
// while all of them do.
import type { Catalog, PhotoRow } from '../../catalog/catalog';
import type { Embedder } from '../../runtime/embedder';
import type { WorkItem } from '../diff';
import type { ThumbnailStore } from '../thumbnails';
import type { BatchTiming, PipelineReport } from '../../../shared/types';
import { runBatcher, type FormedBatch } from './batch';
import { commitBatch, type VectorSink } from './commit';
import { runDecode, type Decoded } from './decode';
import type { DecoderChain } from './decoder-chain';
import { EmbedStage, type EmbeddedBatch } from './embed';
import type { RunLedger } from './ledger';
import { AsyncQueue } from './queue';
import { runReadHash, type ToDecode } from './read-hash';
import { PipelineTimings, WAIT_NOISE_MS } from './timings';

/** How often the live summary is recomputed while batches commit. */
const REPORT_EVERY_MS = 1000;

interface PipelineDeps {
  catalog: Catalog;
  embedder: Embedder;
  vectors: VectorSink;
  thumbnails: ThumbnailStore;
  ledger: RunLedger;
  chain: DecoderChain;
}

interface PipelineOptions {
  modelId: string;
  /** Images per model call. */
  capacity: number;
  /** Decoder calls at once (the CPU decoder: files at once, one per core). */
  decodeConcurrency: number;
  thumbnailSize?: number;
  signal?: AbortSignal;
  missing: Map<string, PhotoRow[]>;
  missingIds: Set<number>;
  /** Told after the first commit and then at most every REPORT_EVERY_MS, with the timings so far. */
  onBatch?: (report: PipelineReport) => void;
}

/** Runs `work` through the pipeline; resolves with its timings once all it started is committed.
 *  An abort stops new work at once and lets the batches already with the model finish; an error in the
 *  model or a commit stops everything and is thrown once the stages have wound down. */
export async function runPipeline(
  work: WorkItem[],
  deps: PipelineDeps,
  opts: PipelineOptions,
): Promise<PipelineReport | undefined> {
  const { ledger, embedder } = deps;
  const { capacity, decodeConcurrency } = opts;
  const started = performance.now();
  // Stops the stages before the model: on the caller's abort, and on an error further down.
  const stop = new AbortController();
  let failure: { error: unknown } | null = null;
  const readQueue = new AsyncQueue<ToDecode>(Math.max(2 * decodeConcurrency, 2 * deps.chain.groupSize));
  // Decoded photos for two batches (memory stays flat on a million photos): one forming while the
  // one before it waits for the model.
  const ready = new AsyncQueue<Decoded>(2 * capacity);
  const toEmbed = new AsyncQueue<FormedBatch>(1);
  const toCommit = new AsyncQueue<EmbeddedBatch & { timing: BatchTiming }>(1);
  const embed = new EmbedStage(embedder, capacity);
  const timings = new PipelineTimings();

  const halt = () => {
    if (!stop.signal.aborted) stop.abort();
    readQueue.drop();
    ready.drop();
    embed.close();
  };
  const fail = (error: unknown) => {
    failure ??= { error };
    halt();
    // Nothing more reaches the model: a batcher waiting to hand one over must not wait forever.
    toEmbed.drop().forEach((b) => embed.release(b.pixels));
  };
  if (opts.signal?.aborted) halt();
  opts.signal?.addEventListener('abort', halt, { once: true });

  const reading = runReadHash(
    work,
    readQueue,
    {
      catalog: deps.catalog,
      modelId: opts.modelId,
      ledger,
      missing: opts.missing,
      missingIds: opts.missingIds,
    },
    { concurrency: decodeConcurrency, signal: stop.signal },
  ).catch(fail);
  const decoding = runDecode(
    readQueue,
    ready,
    {
      chain: deps.chain,
      spec: embedder.bundle.preprocess,
      ledger,
      thumbnailSize: opts.thumbnailSize,
      signal: stop.signal,
    },
    decodeConcurrency,
  ).catch(fail);
  const batching = runBatcher(ready, toEmbed, {
    capacity,
    embed,
    readQueue,
    signal: stop.signal,
  }).catch(fail);

  // Two batches with the model at once: while one runs, the next is normalised into its tensor on
  // the tensor-fill thread and queued behind it, so the model never waits for a fill it could hide.
  const running = new AsyncQueue<Submitted>(1);
  const submitting = (async () => {
    try {
      for (;;) {
        const [formed] = await toEmbed.pull();
        if (!formed) return;
        // Room first: the batch goes to the model only when it will be next but one.
        if (!failure && !stop.signal.aborted) await running.room();
        if (failure || stop.signal.aborted) {
          embed.release(formed.pixels);
          continue;
        }
        const submitted = performance.now();
        const result = embed.run(formed, stop.signal).then(
          (batch) => ({ batch }),
          (error: unknown) => ({ error }),
        );
        await running.push({ formed, submitted, result });
      }
    } finally {
      running.close();
    }
  })();

  const embedding = (async () => {
    let modelFreeAt = performance.now();
    let index = 0;
    try {
      for (;;) {
        const [sub] = await running.pull();
        if (!sub) return;
        const outcome = await sub.result;
        const done = performance.now();
        if ('error' in outcome) {
          // A batch the cancellation kept from the model is no failure: its photos wait for the next run.
          if (!(stop.signal.aborted && (outcome.error as Error)?.name === 'AbortError')) fail(outcome.error);
          continue;
        }
        if (failure) continue;
        const { batch } = outcome;
        const { formed, submitted } = sub;
        // The model could start once the batch's tensor was filled and the batch before it was done.
        const tensorReady = submitted + batch.fillMs;
        const at = Math.max(tensorReady, modelFreeAt);
        const waitMs = Math.max(0, tensorReady - modelFreeAt);
        // Of that wait, the part before the batch was even formed was the batcher's.
        const formingMs = Math.max(0, submitted - modelFreeAt);
        const timing: BatchTiming = {
          batch: index++,
          items: batch.items.length,
          atMs: round(at - started),
          waitMs: round(waitMs),
          waitedOn:
            waitMs < WAIT_NOISE_MS ? null : formingMs >= waitMs - formingMs ? formed.gatheredFrom : 'fill',
          readMs: round(batch.items.reduce((s, d) => s + d.readMs, 0)),
          decodeMs: round(batch.items.reduce((s, d) => s + d.decodeMs, 0)),
          fillMs: round(batch.fillMs),
          embedMs: round(done - at),
          commitMs: 0,
          commitWaitMs: 0,
          readQueue: formed.readQueue,
          readyQueue: formed.readyQueue,
        };
        modelFreeAt = done;
        await toCommit.push({ ...batch, timing });
        // The recorder holds this object: the wait shows up in the summary once known.
        timing.commitWaitMs = round(performance.now() - done);
      }
    } catch (e) {
      fail(e);
    } finally {
      toCommit.close();
    }
  })();

  let reported = 0;
  const committing = (async () => {
    for (;;) {
      const [batch] = await toCommit.pull();
      if (!batch) return;
      if (failure) continue;
      const t0 = performance.now();
      try {
        await commitBatch(batch, { ...deps, modelId: opts.modelId });
      } catch (e) {
        fail(e);
        continue;
      }
      batch.timing.commitMs = round(performance.now() - t0);
      timings.record(batch.timing);
      // The summary sorts every batch's times: often enough for a live panel, not per batch on a
      // million photos.
      const now = performance.now();
      if (opts.onBatch && (timings.count === 1 || now - reported >= REPORT_EVERY_MS)) {
        reported = now;
        opts.onBatch(timings.report(now - started)!);
      }
    }
  })();

  await Promise.all([reading, decoding, batching, submitting, embedding, committing]);
  opts.signal?.removeEventListener('abort', halt);
  if (failure) throw (failure as { error: unknown }).error;
  return timings.report(performance.now() - started);
}

/** A batch handed to the model, and when. */
interface Submitted {
  formed: FormedBatch;
  submitted: number;
  result: Promise<{ batch: EmbeddedBatch } | { error: unknown }>;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

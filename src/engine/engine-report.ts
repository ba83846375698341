// What the engine says of itself: the model it runs (or why it cannot) and the GPU panel's figures.
import { existsSync } from 'node:fs';
import { bundlePrecision, probeGpuDecoder, type Workspace } from '../core';
import type { EmbedderInfo, IndexJob, ModelState } from '../shared/types';
import type { EngineStats } from './engine-commands';

export function modelState(engine: Workspace): ModelState {
  try {
    const b = engine.bundle();
    return {
      dir: engine.modelDir,
      ok: true,
      problem: null,
      id: b.id,
      name: b.name,
      precision: bundlePrecision(b),
      embedDim: b.embedDim,
    };
  } catch (e) {
    const problem = existsSync(engine.modelDir) ? (e as Error).message : `no model at ${engine.modelDir}`;
    return {
      dir: engine.modelDir,
      ok: false,
      problem,
      id: null,
      name: null,
      precision: null,
      embedDim: null,
    };
  }
}

/** `batchSize`: what settings ask, shown until the image tower has loaded and chosen its own. */
export function engineStats(engine: Workspace, job: IndexJob, batchSize: number | null): EngineStats {
  let embedder: EmbedderInfo | null;
  let loaded: number | null = null;
  try {
    embedder = engine.embedder().info();
    loaded = engine.embedder().batchSize;
  } catch {
    embedder = null; // no usable model: the panel says why through getModelState
  }
  const p = job.state !== 'idle' ? job.progress : null;
  return {
    embedder,
    photoDecoder: probeGpuDecoder().summary,
    batchSize: loaded ?? batchSize,
    indexing: p
      ? {
          imagesPerSecond: p.imagesPerSecond,
          queued: Math.max(0, p.toProcess - p.processed),
          etaSeconds: p.etaSeconds,
        }
      : null,
    // The panel keeps the last run's batches once it ends, so a stall can be read afterwards.
    pipeline: p ? (p.pipeline ?? null) : (job.lastSummary?.pipeline ?? null),
    decoders: p ? (p.decoders ?? null) : (job.lastSummary?.decoders ?? null),
  };
}

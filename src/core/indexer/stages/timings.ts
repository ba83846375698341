// Per-batch stage timings and their summary: percentiles and totals per stage, how busy the model
// was, and the stage it waited on most, so a slow run names the stage that held it back.
import type { BatchTiming, PipelineReport, PipelineStage, StageStats } from '../../../shared/types';

/** Batches kept in full for the GPU panel's chart. */
export const RECENT_BATCHES = 32;
/** The model busy this share of the wall time or more: it set the pace. */
const EMBED_BOUND = 0.9;
/** Shorter gaps before a batch are scheduling noise, not a wait on a stage. */
export const WAIT_NOISE_MS = 1;

const STAGE_KEYS = ['wait', 'read', 'decode', 'fill', 'embed', 'commit'] as const;
const FIELD: Record<(typeof STAGE_KEYS)[number], keyof BatchTiming> = {
  wait: 'waitMs',
  read: 'readMs',
  decode: 'decodeMs',
  fill: 'fillMs',
  embed: 'embedMs',
  commit: 'commitMs',
};

/** The value at quantile `q` (0..1) of sorted `values`, nearest rank; 0 when empty. */
export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

function stats(values: number[]): StageStats {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    p50Ms: round(quantile(sorted, 0.5)),
    p95Ms: round(quantile(sorted, 0.95)),
    totalMs: round(values.reduce((s, v) => s + v, 0)),
  };
}

export class PipelineTimings {
  private readonly batches: BatchTiming[] = [];

  record(timing: BatchTiming): void {
    this.batches.push(timing);
  }

  get count(): number {
    return this.batches.length;
  }

  /** The summary over the batches so far, for a pipeline that has run `wallMs`. */
  report(wallMs: number): PipelineReport | undefined {
    const all = this.batches;
    if (!all.length) return undefined;
    const stages = Object.fromEntries(
      STAGE_KEYS.map((k) => [k, stats(all.map((b) => b[FIELD[k]] as number))]),
    ) as PipelineReport['stages'];
    const waitedOn: Partial<Record<PipelineStage, number>> = {};
    const add = (stage: PipelineStage, ms: number) => {
      if (ms > 0) waitedOn[stage] = Math.round(((waitedOn[stage] ?? 0) + ms) * 100) / 100;
    };
    for (const b of all) {
      if (b.waitedOn) add(b.waitedOn, b.waitMs);
      add('commit', b.commitWaitMs);
    }
    const embedBusy = wallMs > 0 ? Math.min(1, stages.embed.totalMs / wallMs) : 1;
    let limitedBy: PipelineStage = 'embed';
    if (embedBusy < EMBED_BOUND) {
      let most = 0;
      for (const [stage, ms] of Object.entries(waitedOn) as Array<[PipelineStage, number]>) {
        if (ms > most) [limitedBy, most] = [stage, ms];
      }
    }
    return {
      batches: all.length,
      stages,
      embedBusy: Math.round(embedBusy * 1000) / 1000,
      waitedOn,
      limitedBy,
      recent: all.slice(-RECENT_BATCHES).map((b) => ({ ...b })),
    };
  }
}

/** One line for a terminal: what limited the run, how busy the model was, and per-batch medians. */
export function describePipeline(r: PipelineReport): string {
  const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const s = r.stages;
  return (
    `pipeline: ${r.batches} batches, limited by ${r.limitedBy}, model busy ${Math.round(r.embedBusy * 100)}%; ` +
    `per batch p50: wait ${ms(s.wait.p50Ms)} ms, decode ${ms(s.decode.p50Ms)} ms (all files), ` +
    `fill ${ms(s.fill.p50Ms)} ms, embed ${ms(s.embed.p50Ms)} ms, commit ${ms(s.commit.p50Ms)} ms`
  );
}

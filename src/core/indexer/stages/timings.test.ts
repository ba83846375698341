import { describe, expect, it } from 'vitest';
import type { BatchTiming } from '../../../shared/types';
import { describePipeline, PipelineTimings, quantile, RECENT_BATCHES } from './timings';

function batch(n: number, over: Partial<BatchTiming> = {}): BatchTiming {
  return {
    batch: n,
    items: 4,
    atMs: n * 100,
    waitMs: 0,
    waitedOn: null,
    readMs: 1,
    decodeMs: 10,
    fillMs: 1,
    embedMs: 95,
    commitMs: 3,
    commitWaitMs: 0,
    readQueue: 0,
    readyQueue: 4,
    ...over,
  };
}

describe('pipeline timings', () => {
  it('takes quantiles by nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(sorted, 0.5)).toBe(50);
    expect(quantile(sorted, 0.95)).toBe(95);
    expect(quantile([], 0.5)).toBe(0);
  });

  it('says the model set the pace when it was busy nearly all the time', () => {
    const t = new PipelineTimings();
    for (let n = 0; n < 10; n++) t.record(batch(n));
    const r = t.report(1000)!;
    expect(r.batches).toBe(10);
    expect(r.embedBusy).toBeCloseTo(0.95);
    expect(r.limitedBy).toBe('embed');
    expect(r.stages.embed).toEqual({ p50Ms: 95, p95Ms: 95, totalMs: 950 });
  });

  it('names the stage the model waited on most when it was starved', () => {
    const t = new PipelineTimings();
    for (let n = 0; n < 10; n++)
      t.record(batch(n, { embedMs: 20, waitMs: n < 7 ? 70 : 5, waitedOn: n < 7 ? 'decode' : 'read' }));
    t.record(batch(10, { embedMs: 20, commitWaitMs: 30 }));
    const r = t.report(1100)!;
    expect(r.limitedBy).toBe('decode');
    expect(r.waitedOn).toEqual({ decode: 490, read: 15, commit: 30 });
    expect(r.stages.wait.p95Ms).toBe(70);
  });

  it('keeps only the last batches in full', () => {
    const t = new PipelineTimings();
    for (let n = 0; n < RECENT_BATCHES + 5; n++) t.record(batch(n));
    const r = t.report(10_000)!;
    expect(r.recent).toHaveLength(RECENT_BATCHES);
    expect(r.recent[0]!.batch).toBe(5);
  });

  it('has nothing to report before the first batch', () => {
    expect(new PipelineTimings().report(100)).toBeUndefined();
  });
});

describe('the pipeline in one line', () => {
  it('names the limiting stage, the model’s busy share and the per-batch medians', () => {
    const t = new PipelineTimings();
    for (let n = 0; n < 4; n++) t.record(batch(n));
    expect(describePipeline(t.report(400)!)).toBe(
      'pipeline: 4 batches, limited by embed, model busy 95%; per batch p50: wait 0.0 ms, ' +
        'decode 10.0 ms (all files), fill 1.0 ms, embed 95.0 ms, commit 3.0 ms',
    );
  });
});

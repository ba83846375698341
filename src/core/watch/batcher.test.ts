import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Batcher } from './batcher';

// Changed paths become few runs: after a quiet moment, or after a long wait in a steady stream;
// never two at once; what arrives during a run makes exactly one more.

const timing = { quietMs: 1000, maxWaitMs: 5000 };

/** A run that records its paths and finishes when the test says so. */
function recorder() {
  const runs: string[][] = [];
  const finish: Array<() => void> = [];
  let active = 0;
  let maxActive = 0;
  const run = (paths: string[]) => {
    runs.push(paths.sort());
    active++;
    maxActive = Math.max(maxActive, active);
    return new Promise<void>((resolve) =>
      finish.push(() => {
        active--;
        resolve();
      }),
    );
  };
  return { runs, run, finishRun: () => finish.shift()!(), maxActive: () => maxActive };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('batching changed paths into runs', () => {
  it('runs once for paths that arrive close together, after a quiet moment', async () => {
    const r = recorder();
    const b = new Batcher(r.run, timing);
    b.start();
    for (let i = 0; i < 50; i++) {
      b.add(`/p/${i}.jpg`);
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(r.runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(999);
    expect(r.runs).toHaveLength(1);
    expect(r.runs[0]).toHaveLength(50);
  });

  it('waits for start(), keeping what arrived before', async () => {
    const r = recorder();
    const b = new Batcher(r.run, timing);
    b.add('/p/early.jpg');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(r.runs).toHaveLength(0);
    b.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(r.runs).toEqual([['/p/early.jpg']]);
  });

  it('runs a steady stream once the oldest path has waited maxWaitMs', async () => {
    const r = recorder();
    const b = new Batcher(r.run, timing);
    b.start();
    for (let t = 0; t < 5200; t += 200) {
      b.add(`/p/${t}.jpg`);
      await vi.advanceTimersByTimeAsync(200);
    }
    expect(r.runs).toHaveLength(1);
    expect(r.runs[0]!.length).toBeGreaterThanOrEqual(25);
  });

  it('never runs twice at once, and paths that arrive during a run make exactly one more', async () => {
    const r = recorder();
    const b = new Batcher(r.run, timing);
    b.start();
    b.add('/p/a.jpg');
    await vi.advanceTimersByTimeAsync(1000);
    expect(r.runs).toHaveLength(1);
    for (let i = 0; i < 20; i++) {
      b.add(`/p/during-${i % 3}.jpg`);
      await vi.advanceTimersByTimeAsync(1500); // each alone would have been due
    }
    expect(r.runs).toHaveLength(1);
    r.finishRun();
    await vi.advanceTimersByTimeAsync(1000);
    expect(r.runs).toHaveLength(2);
    expect(r.runs[1]).toEqual(['/p/during-0.jpg', '/p/during-1.jpg', '/p/during-2.jpg']);
    r.finishRun();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(r.runs).toHaveLength(2);
    expect(r.maxActive()).toBe(1);
    await b.idle();
  });

  it('reports a failed run and goes on with the next', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const b = new Batcher(
      async () => {
        if (calls++ === 0) throw new Error('disk on fire');
      },
      timing,
      (e) => errors.push(e),
    );
    b.start();
    b.add('/p/a.jpg');
    await vi.advanceTimersByTimeAsync(1000);
    b.add('/p/b.jpg');
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    expect(errors).toEqual([new Error('disk on fire')]);
  });

  it('stop() drops what waits and waits for the run in flight', async () => {
    const r = recorder();
    const b = new Batcher(r.run, timing);
    b.start();
    b.add('/p/a.jpg');
    await vi.advanceTimersByTimeAsync(1000);
    b.add('/p/b.jpg');
    let stopped = false;
    const stopping = b.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(5000);
    expect(stopped).toBe(false);
    r.finishRun();
    await stopping;
    await vi.advanceTimersByTimeAsync(5000);
    expect(r.runs).toHaveLength(1);
  });
});

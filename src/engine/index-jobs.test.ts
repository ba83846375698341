import { describe, expect, it } from 'vitest';
import type { IndexOptions, IndexSummary, LibraryOps } from '../core';
import type { IndexJob, IndexProgress, LibraryStatus } from '../shared/types';
import { IndexJobs, type IndexTarget } from './index-jobs';

/** A library whose index() runs until `finish` or `fail` is called (or its signal aborts). */
function fakeLibrary() {
  const calls: Array<{ paths: string[]; opts: IndexOptions & { exclude?: string[] } }> = [];
  let finish: (s: IndexSummary) => void = () => {};
  let fail: (e: Error) => void = () => {};
  const library: IndexTarget = {
    index: (paths, opts = {}) => {
      calls.push({ paths, opts });
      return new Promise<IndexSummary>((resolve, reject) => {
        finish = resolve;
        fail = reject;
        opts.signal?.addEventListener('abort', () => reject(new Error('indexing cancelled')));
      });
    },
    status: async () => ({ photos: 7 }) as LibraryStatus,
  };
  return { library, calls, finish: (s: IndexSummary) => finish(s), fail: (e: Error) => fail(e) };
}

function jobsOn(fake: ReturnType<typeof fakeLibrary>, exclude = ['**/.trash/**']) {
  const events: Array<{ event: string; payload: unknown }> = [];
  const jobs = new IndexJobs({
    library: async () => fake.library as LibraryOps,
    exclude: () => exclude,
    emit: (event, payload) => events.push({ event, payload }),
  });
  const states = () => events.filter((e) => e.event === 'indexJob').map((e) => (e.payload as IndexJob).state);
  return { jobs, events, states };
}

const summary = { embedded: 3 } as IndexSummary;
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the indexing job', () => {
  it('starts idle, with nothing to report', () => {
    const { jobs } = jobsOn(fakeLibrary());
    expect(jobs.current).toEqual({ state: 'idle', progress: null, lastSummary: null, error: null });
    expect(jobs.busy).toBe(false);
  });

  it('runs the library’s index with the exclude patterns and reports progress, the summary and the new status', async () => {
    const fake = fakeLibrary();
    const { jobs, events, states } = jobsOn(fake);
    expect(jobs.start(['/photos'])).toMatchObject({ state: 'running' });
    await settled();
    expect(fake.calls).toEqual([
      { paths: ['/photos'], opts: expect.objectContaining({ exclude: ['**/.trash/**'] }) },
    ]);
    fake.calls[0]!.opts.onProgress?.({ processed: 1 } as IndexProgress);
    expect(jobs.current.progress).toEqual({ processed: 1 });
    fake.finish(summary);
    await jobs.stop();
    expect(jobs.current).toMatchObject({ state: 'idle', lastSummary: summary, error: null });
    expect(states()).toEqual(['running', 'running', 'idle']);
    expect(events.slice(-2)).toEqual([
      { event: 'indexFinished', payload: summary },
      { event: 'libraryChanged', payload: { photos: 7 } },
    ]);
    expect(jobs.busy).toBe(false);
  });

  it('answers a second start with the job already running, and runs one index at a time', async () => {
    const fake = fakeLibrary();
    const { jobs } = jobsOn(fake);
    jobs.start([]);
    await settled();
    expect(jobs.start(['/elsewhere'])).toMatchObject({ state: 'running' });
    await settled();
    expect(fake.calls.map((c) => c.paths)).toEqual([[]]);
    fake.finish(summary);
    await jobs.stop();
  });

  it('on cancel, says it is cancelling, aborts the run and ends idle with the reason', async () => {
    const fake = fakeLibrary();
    const { jobs, events, states } = jobsOn(fake);
    jobs.start([]);
    await settled();
    expect(jobs.cancel()).toMatchObject({ state: 'cancelling' });
    expect(fake.calls[0]!.opts.signal?.aborted).toBe(true);
    await jobs.stop();
    expect(jobs.current).toMatchObject({ state: 'idle', error: 'indexing cancelled' });
    expect(states()).toEqual(['running', 'cancelling', 'idle']);
    expect(events.some((e) => e.event === 'indexFinished')).toBe(false);
  });

  it('ignores cancel when nothing runs', () => {
    const { jobs, events } = jobsOn(fakeLibrary());
    expect(jobs.cancel()).toMatchObject({ state: 'idle' });
    expect(events).toEqual([]);
  });

  it('ends a failed run idle with its message, keeping the last summary', async () => {
    const fake = fakeLibrary();
    const { jobs } = jobsOn(fake);
    jobs.start([]);
    await settled();
    fake.finish(summary);
    await jobs.stop();
    jobs.start(['/gone']);
    await settled();
    fake.fail(new Error('/gone: no such folder'));
    await jobs.stop();
    expect(jobs.current).toMatchObject({
      state: 'idle',
      error: '/gone: no such folder',
      lastSummary: summary,
    });
  });

  it('ends idle with the message when the library cannot be opened', async () => {
    const failing = new IndexJobs({
      library: () => Promise.reject(new Error('library in use by PID 42')),
      exclude: () => [],
      emit: () => {},
    });
    failing.start([]);
    await failing.stop();
    expect(failing.current).toMatchObject({ state: 'idle', error: 'library in use by PID 42' });
    expect(failing.busy).toBe(false);
  });
});

// The app's one indexing job at a time: started by the window or an added folder, cancelled from the
// window, each change sent as an indexJob event and each finished run as indexFinished.
import type { LibraryOps } from '../core';
import type { Events } from '../shared/contract';
import type { IndexJob } from '../shared/types';

/** The part of the library an indexing job uses. */
export type IndexTarget = Pick<LibraryOps, 'index' | 'status'>;

interface IndexJobsOptions {
  /** The library to index (opened for writing). */
  library: () => Promise<IndexTarget>;
  /** Glob patterns skipped in new folders, read when a job starts (settings may change between jobs). */
  exclude: () => string[];
  emit: <E extends 'indexJob' | 'indexFinished' | 'libraryChanged'>(event: E, payload: Events[E]) => void;
}

export class IndexJobs {
  private job: IndexJob = { state: 'idle', progress: null, lastSummary: null, error: null };
  private abort: AbortController | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly opts: IndexJobsOptions) {}

  /** The job as the window last heard of it. */
  get current(): IndexJob {
    return this.job;
  }

  /** True from start() until the run has ended (cancelled runs included). */
  get busy(): boolean {
    return this.running !== null;
  }

  /** Indexes `paths` (every library folder when empty); while a job runs, answers that job instead. */
  start(paths: string[]): IndexJob {
    if (this.running) return this.job;
    const abort = (this.abort = new AbortController());
    this.update({ state: 'running', progress: null, error: null });
    this.running = this.run(paths, abort.signal).finally(() => {
      this.running = null;
      this.abort = null;
    });
    return this.job;
  }

  cancel(): IndexJob {
    if (this.running && this.abort) {
      this.abort.abort();
      this.update({ state: 'cancelling' });
    }
    return this.job;
  }

  /** Cancels the running job, if any, and waits until it has let go of the library. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
  }

  private async run(paths: string[], signal: AbortSignal): Promise<void> {
    try {
      const library = await this.opts.library();
      const summary = await library.index(paths, {
        signal,
        exclude: this.opts.exclude(),
        onProgress: (progress) => this.update({ progress }),
      });
      this.update({ state: 'idle', lastSummary: summary });
      this.opts.emit('indexFinished', summary);
      this.opts.emit('libraryChanged', await library.status());
    } catch (e) {
      this.update({ state: 'idle', error: (e as Error).message });
    }
  }

  private update(next: Partial<IndexJob>): void {
    this.job = { ...this.job, ...next };
    this.opts.emit('indexJob', this.job);
  }
}

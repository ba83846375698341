// Turns a stream of changed paths into few indexing runs: paths collect until the file system has been
// quiet for a moment (or a long burst has gone on for a while), one run at a time, and paths that
// arrive during a run make exactly one more run after it.

export interface BatchTiming {
  /** Run once no path has arrived for this long (ms). */
  quietMs: number;
  /** ...or once the oldest waiting path has waited this long, however busy the folder is (ms). */
  maxWaitMs: number;
}

/**
 * A photo saved by a camera import, an editor or a browser arrives as a create and several writes
 * within a few hundred ms, and a copy of many files keeps events coming with gaps well under a second;
 * 1.5 s of silence is past those gaps, yet a new photo is searchable about two seconds after it lands.
 */
export const QUIET_MS = 1500;
/** A copy of thousands of files never goes quiet: its photos so far are indexed every 30 s, so they
 *  become searchable as it goes, at the cost of one small scoped run per 30 s. */
export const MAX_WAIT_MS = 30 * 1000;

export class Batcher {
  private readonly pending = new Set<string>();
  private firstAt = 0;
  private lastAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private started = false;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  /** Runs started so far. */
  runs = 0;

  constructor(
    private readonly run: (paths: string[]) => Promise<void>,
    private readonly timing: BatchTiming = { quietMs: QUIET_MS, maxWaitMs: MAX_WAIT_MS },
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  add(path: string): void {
    if (this.stopped) return;
    const now = Date.now();
    if (!this.pending.size) this.firstAt = now;
    this.lastAt = now;
    this.pending.add(path);
    this.arm();
  }

  /** Paths added before start() wait for it (watch mode collects while it catches up). */
  start(): void {
    this.started = true;
    this.arm();
  }

  /** Settles once nothing waits and nothing runs. */
  idle(): Promise<void> {
    if (!this.pending.size && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops what waits and settles once the run in flight (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
    await this.running;
    this.settleIdle();
  }

  private arm(): void {
    if (!this.started || this.stopped || this.running || !this.pending.size) return;
    const due = Math.min(this.lastAt + this.timing.quietMs, this.firstAt + this.timing.maxWaitMs);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), Math.max(0, due - Date.now()));
  }

  private fire(): void {
    this.timer = null;
    if (this.running || this.stopped || !this.pending.size) return;
    const paths = [...this.pending];
    this.pending.clear();
    this.runs++;
    this.running = this.run(paths)
      .catch(this.onError)
      .finally(() => {
        this.running = null;
        // Paths that came during the run wait their quiet period, measured from their own arrival.
        this.arm();
        this.settleIdle();
      });
  }

  private settleIdle(): void {
    if (this.pending.size && !this.stopped) return;
    if (this.running) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((w) => w());
  }
}

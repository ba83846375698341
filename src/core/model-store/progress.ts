// Download progress as people read it — bytes, speed over the last few seconds, time left — emitted at
// most ten times a second.
import type { PullPhase, PullProgress } from '../../shared/types';
export type { PullProgress };

/** The UI needs no more than this; a terminal redraw per network chunk would cost more than the chunk. */
const PROGRESS_INTERVAL_MS = 100;
/** Speed is averaged over this window: long enough to be steady, short enough to follow a change. */
const SPEED_WINDOW_MS = 5 * 1000;

export class PullMeter {
  readonly state: PullProgress;
  private trailing: ReturnType<typeof setTimeout> | null = null;
  private samples: Array<{ at: number; bytes: number }> = [];
  private networkBytes = 0;
  private lastEmit = 0;

  constructor(
    id: string,
    private readonly onProgress: ((p: PullProgress) => void) | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.state = {
      id,
      phase: 'resolving',
      file: null,
      filesDone: 0,
      filesTotal: 0,
      bytesDone: 0,
      bytesTotal: 0,
      bytesResumed: 0,
      bytesPerSecond: 0,
      etaSeconds: null,
    };
  }

  phase(phase: PullPhase, file: string | null = this.state.file): void {
    this.state.phase = phase;
    this.state.file = file;
    this.emit(true);
  }

  /** Bytes taken from disk (a resumed partial): progress, but not speed. */
  resumed(n: number): void {
    this.state.bytesDone += n;
    this.state.bytesResumed += n;
    this.emit();
  }

  /** Bytes that arrived from the network. */
  received(n: number): void {
    this.state.bytesDone += n;
    this.networkBytes += n;
    const at = this.now();
    this.samples.push({ at, bytes: this.networkBytes });
    while (this.samples.length > 2 && at - this.samples[0]!.at > SPEED_WINDOW_MS) this.samples.shift();
    this.emit();
  }

  /** A file's bytes were thrown away (a restart): they no longer count as done. */
  discarded(n: number): void {
    this.state.bytesDone = Math.max(0, this.state.bytesDone - n);
    this.emit(true);
  }

  get bytesFromNetwork(): number {
    return this.networkBytes;
  }

  emit(force = false): void {
    const at = this.now();
    if (!force && at - this.lastEmit < PROGRESS_INTERVAL_MS) {
      // Throttled, but not lost: the last bytes before a pause (a stalled server) still get shown.
      this.trailing ??= setTimeout(() => {
        this.trailing = null;
        this.emit(true);
      }, PROGRESS_INTERVAL_MS);
      this.trailing.unref?.();
      return;
    }
    if (this.trailing) clearTimeout(this.trailing);
    this.trailing = null;
    this.lastEmit = at;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const span = first && last ? (last.at - first.at) / 1000 : 0;
    this.state.bytesPerSecond = span > 0 ? (last!.bytes - first!.bytes) / span : 0;
    const left = Math.max(0, this.state.bytesTotal - this.state.bytesDone);
    this.state.etaSeconds = this.state.bytesPerSecond > 0 ? left / this.state.bytesPerSecond : null;
    this.onProgress?.({ ...this.state });
  }
}

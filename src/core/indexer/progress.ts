// Indexing progress: the counters a run keeps, the rate over a recent window, and a throttle so a
// UI or terminal gets about ten updates a second however fast files go by.
import type { IndexProgress } from '../../shared/types';
export type { IndexProgress };

/** The UI needs no more than ~10 updates a second. */
export const PROGRESS_THROTTLE_MS = 100;
/** Long enough to smooth batch-sized steps, short enough to follow a change of pace. */
const RATE_WINDOW_MS = 5000;

export class ProgressTracker {
  readonly state: IndexProgress = {
    phase: 'scanning',
    found: 0,
    toProcess: 0,
    processed: 0,
    embedded: 0,
    reused: 0,
    unchanged: 0,
    failed: 0,
    removed: 0,
    imagesPerSecond: 0,
    etaSeconds: null,
    currentFile: null,
    elapsedSeconds: 0,
  };
  private readonly started = performance.now();
  private readonly samples: Array<{ t: number; processed: number }> = [];
  private lastEmit = 0;

  constructor(private readonly listener?: (p: IndexProgress) => void) {}

  /** Updates the derived fields and tells the listener, at most every PROGRESS_THROTTLE_MS unless forced. */
  emit(force = false): void {
    const now = performance.now();
    const s = this.state;
    s.elapsedSeconds = (now - this.started) / 1000;
    this.samples.push({ t: now, processed: s.processed });
    while (this.samples.length > 2 && now - this.samples[0]!.t > RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const span = (now - first.t) / 1000;
    s.imagesPerSecond = span > 0.2 ? (s.processed - first.processed) / span : s.imagesPerSecond;
    const left = s.toProcess - s.processed;
    s.etaSeconds = s.phase === 'indexing' && s.imagesPerSecond > 0 ? left / s.imagesPerSecond : null;
    if (!this.listener || (!force && now - this.lastEmit < PROGRESS_THROTTLE_MS)) return;
    this.lastEmit = now;
    this.listener({ ...s });
  }
}

// Exact search for libraries on a GPU machine: the GPU snapshot of the vectors answers each query in full,
// vectors added since it was built are scanned exactly beside it, labels removed or replaced since are
// dropped from its answers, and a new snapshot is built in the background once enough has changed.
import type { AllowList } from '../allow-list';
import { byScore, type ScoredLabel } from '../exact';
import { ExactTail } from '../exact-tail';
import type { VectorIndex } from '../vector-index';
import type { ChangeListener, VectorItem, VectorSource } from '../vector-types';
import { GpuExactIndex, type GpuExactOptions } from './gpu-exact';

interface GpuSearchOptions extends GpuExactOptions {
  /** Changes (added + removed labels) since the snapshot past which a new one is built; 8192 by default. */
  rebuildAfter?: number;
  /** Builds on the CPU provider too (tests): on a machine without CUDA, searches stay with the graph. */
  force?: boolean;
}

/** Changes since a snapshot: what it lacks (scanned exactly) and what it holds stale (filtered). */
class Overlay implements ChangeListener {
  readonly since = new ExactTail();
  readonly stale = new Set<number>();
  private seq = 0;

  added(items: readonly VectorItem[]): void {
    for (const { label, vector } of items) {
      this.since.set(label, ++this.seq, vector.slice()); // the caller may reuse its buffer
      this.stale.add(label); // a snapshot row for this label, if any, holds an older vector
    }
  }

  removed(labels: readonly number[]): void {
    for (const label of labels) {
      this.since.delete(label);
      this.stale.add(label);
    }
  }

  get changes(): number {
    return this.since.size + this.stale.size;
  }
}

export class GpuSearch {
  private snapshot: GpuExactIndex | null = null;
  private overlay = new Overlay();
  private building: Promise<void> | null = null;
  private readonly stopWatching: () => void;
  private next: Overlay | null = null;
  private closed = false;
  /** A failed build is not retried on every change (each writes the whole library): reopen to retry. */
  private failed = false;
  /** Snapshots built so far, and the last build's error (searches then stay with the graph). */
  builds = 0;
  lastError: string | null = null;

  /**
   * Starts building the first snapshot of `source` (the database's vectors) beside `index`, which keeps
   * answering until it is ready. Only on the CUDA provider, unless `force`.
   */
  constructor(
    private readonly index: VectorIndex,
    private readonly source: () => VectorSource,
    private readonly opts: GpuSearchOptions,
  ) {
    const enabled = opts.provider === 'cuda' || opts.force === true;
    this.stopWatching = enabled
      ? index.watch({
          added: (items) => this.changed((o) => o.added(items)),
          removed: (labels) => this.changed((o) => o.removed(labels)),
        })
      : () => {};
    if (enabled) this.rebuild();
  }

  /** Live labels (the index's). */
  get size(): number {
    return this.index.size;
  }

  /** Whether searches are answered on the GPU now. */
  get ready(): boolean {
    return this.snapshot !== null;
  }

  /** Vectors scanned exactly beside the snapshot, and labels filtered from its answers. */
  get pending(): { added: number; stale: number } {
    return { added: this.overlay.since.size, stale: this.overlay.stale.size };
  }

  /**
   * The k best labels by inner product, best first: the GPU snapshot's answer (exact, FP16 products)
   * merged with an exact scan of what changed since; the graph's answer until a snapshot is ready, and
   * for filtered searches (the snapshot cannot filter; the graph walks only allowed labels).
   */
  async search(query: Float32Array, k: number, allow?: AllowList): Promise<ScoredLabel[]> {
    const snapshot = this.snapshot;
    if (!snapshot || allow) return this.index.search(query, k, allow);
    const overlay = this.overlay;
    const [fromGpu] = await snapshot.search(query, k + overlay.stale.size);
    const hits = overlay.since.search(query, k);
    for (const hit of fromGpu!) {
      if (!overlay.stale.has(hit.label) && this.index.has(hit.label)) hits.push(hit);
    }
    return hits.sort(byScore).slice(0, k);
  }

  /** Waits for a snapshot build in flight. */
  async settled(): Promise<void> {
    while (this.building) await this.building;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopWatching();
    await this.settled();
    await this.snapshot?.close();
    this.snapshot = null;
  }

  private changed(apply: (overlay: Overlay) => void): void {
    apply(this.overlay);
    if (this.next) apply(this.next);
    if (this.overlay.changes > (this.opts.rebuildAfter ?? 8192)) this.rebuild();
  }

  /** Builds a snapshot from the source; changes from the moment it starts reading go to its overlay. */
  private rebuild(): void {
    if (this.building || this.closed || this.failed) return;
    const next = new Overlay();
    this.next = next;
    this.building = (async () => {
      try {
        const built = await GpuExactIndex.build(this.opts, this.source());
        if (this.closed) await built?.close();
        else {
          const old = this.snapshot;
          this.snapshot = built;
          this.overlay = next;
          this.builds++;
          this.lastError = null;
          await old?.close(); // after the searches already running on it
        }
      } catch (e) {
        this.lastError = (e as Error).message;
        this.failed = true;
      } finally {
        this.next = null;
        this.building = null;
      }
    })();
  }
}

// What the stages of one run share: content in flight (so a duplicate waits for its twin instead of
// being embedded twice), the small writes waiting for the next transaction, failures, and releases.
import { releaseFreed, type Catalog, type FreedTargets, type FreedVector } from '../../catalog/catalog';
import type { FailedFile } from '../../../shared/types';
import type { ProgressTracker } from '../progress';
import type { WorkItem } from '../diff';

export class RunLedger {
  /** Hashes being decoded or embedded, each with the other new files that have the same bytes. */
  private readonly followersOf = new Map<string, WorkItem[]>();
  /** Moves, duplicates and failures, written with the next batch. Each batch is one
   *  Catalog.writeBatch, which releases content only after all its writes: a duplicate may name
   *  content that another write in the same batch takes away from its last path. */
  private readonly pendingWrites: Array<() => void> = [];
  /** Thumbnail deletions of released content, awaited before the run returns. */
  private readonly removals: Array<Promise<void>> = [];

  constructor(
    private readonly catalog: Catalog,
    /** The run's model, its vector index and the thumbnail cache: what a release reaches. */
    private readonly targets: FreedTargets,
    readonly progress: ProgressTracker,
    readonly failed: FailedFile[],
  ) {}

  /** Claims `hash` for `item`: true when it is the first file with these bytes in flight; otherwise
   *  the item follows the one in flight and is written with it. */
  claim(hash: string, item: WorkItem): boolean {
    const followers = this.followersOf.get(hash);
    if (followers) {
      followers.push(item);
      return false;
    }
    this.followersOf.set(hash, []);
    return true;
  }

  /** Ends the flight of `hash` and returns the files that followed it. */
  land(hash: string): WorkItem[] {
    const followers = this.followersOf.get(hash) ?? [];
    this.followersOf.delete(hash);
    return followers;
  }

  /** The files following `hash`, still in flight. */
  followers(hash: string): readonly WorkItem[] {
    return this.followersOf.get(hash) ?? [];
  }

  /** A small write (move, duplicate, failure) for the next transaction. */
  later(write: () => void): void {
    this.pendingWrites.push(write);
  }

  takeWrites(): Array<() => void> {
    return this.pendingWrites.splice(0);
  }

  recordFailure(item: WorkItem, code: string, reason: string): void {
    this.failed.push({ path: item.path, code, reason });
    this.later(() =>
      this.catalog.writePhoto({
        folderId: item.folderId,
        path: item.path,
        size: item.size,
        mtimeMs: item.mtimeMs,
        hash: null,
        status: 'failed',
        errorCode: code,
        error: reason,
      }),
    );
    const p = this.progress.state;
    p.failed++;
    p.processed++;
  }

  /** Content no photo shows any more: its vector leaves the index and its thumbnail the cache. */
  release(freed: FreedVector[]): void {
    this.removals.push(releaseFreed(freed, this.targets).catch(() => {}));
  }

  /** Writes what is pending in a transaction of its own (no batch left to carry it). */
  flushSmallWrites(): void {
    const writes = this.takeWrites();
    if (!writes.length) return;
    this.release(this.catalog.writeBatch(() => writes.forEach((w) => w())));
  }

  /** Once this resolves, the thumbnail cache matches the catalog (the library check relies on it). */
  async settled(): Promise<void> {
    await Promise.all(this.removals);
  }
}

// Progress of a rebuild over several shards: how many of the vectors queued for it the shards' graphs
// have taken in, reported monotonically and ending exactly once at (total, total).
import type { Shard } from './shard';

export class RebuildProgress {
  /** Each shard's sequence number before the rebuild's first change, and after its last (null: still reading). */
  private readonly base: number[];
  private last: number[] | null = null;
  private finished = false;

  constructor(
    private readonly shards: readonly Shard[],
    private total: number,
    private readonly report: (done: number, total: number) => void,
  ) {
    this.base = shards.map((shard) => shard.seq);
    report(0, total);
  }

  /** Every vector of the rebuild is queued: the total is now what was queued (skipped items excluded). */
  queued(): void {
    this.last = this.shards.map((shard) => shard.seq);
    this.total = this.last.reduce((sum, seq, i) => sum + seq - this.base[i]!, 0);
    this.update();
  }

  /** Call when a shard reports progress; returns false once the rebuild is complete. */
  update(): boolean {
    if (this.finished) return false;
    let done = 0;
    let complete = this.last !== null;
    this.shards.forEach((shard, i) => {
      done += Math.max(0, shard.appliedSeq - this.base[i]!);
      if (this.last && shard.appliedSeq < this.last[i]!) complete = false;
    });
    done = Math.min(done, this.total);
    this.finished = complete;
    if (done > 0 || complete) this.report(complete ? this.total : done, this.total);
    return !complete;
  }
}

// A bounded async queue between two pipeline stages: the producer waits while it is full, the consumer
// while it is empty, so memory stays flat however far one stage runs ahead of the next.

export class AsyncQueue<T> {
  private items: T[] = [];
  private closed = false;
  private dropped = false;
  private waiters: Array<() => void> = [];

  constructor(
    /** Items it holds before push waits. */
    readonly limit: number,
  ) {
    if (!(limit >= 1)) throw new RangeError(`AsyncQueue: limit must be at least 1, got ${limit}`);
  }

  get size(): number {
    return this.items.length;
  }

  /** True once closed and empty: nothing more will come out. */
  get done(): boolean {
    return this.closed && this.items.length === 0;
  }

  /** Adds an item once there is room. After drop(), the item is discarded. */
  async push(item: T): Promise<void> {
    while (this.items.length >= this.limit && !this.dropped) await this.change();
    if (this.dropped) return;
    this.items.push(item);
    this.notify();
  }

  /** Resolves once a push would not wait (or the queue was dropped). */
  async room(): Promise<void> {
    while (this.items.length >= this.limit && !this.dropped) await this.change();
  }

  /**
   * Takes up to `max` items once at least `min` are there (or the queue is closed with fewer); an
   * empty array means closed and empty.
   */
  async pull(max = 1, min = 1): Promise<T[]> {
    while (this.items.length < Math.min(min, max) && !this.closed) await this.change();
    const out = this.items.splice(0, max);
    if (out.length) this.notify();
    return out;
  }

  /** No more pushes are coming: pulls take what is left, then get []. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  /** Closes and throws away what it holds and whatever is pushed later (an aborted run). */
  drop(): T[] {
    this.dropped = true;
    this.closed = true;
    const out = this.items.splice(0);
    this.notify();
    return out;
  }

  private change(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    const woken = this.waiters;
    this.waiters = [];
    woken.forEach((w) => w());
  }
}

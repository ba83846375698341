// The index worker's ordered queue of label changes the graph has not taken in yet, and the set of
// graph labels those changes shadow (a search must not return a shadowed label's stale graph entry:
// the client scores its newer vector exactly, or it was removed).

export interface QueuedOp {
  /** Client-assigned sequence number; ops arrive and apply in this order. */
  seq: number;
  label: number;
  /** The vector to insert; null for a removal or a cancelled insert. */
  vector: Float32Array | null;
  /** Superseded by a later op on the same label: dequeued only to advance the applied sequence. */
  cancelled: boolean;
}

export class OpQueue {
  private ops: Array<QueuedOp | undefined> = [];
  private head = 0;
  private readonly latest = new Map<number, QueuedOp>();
  /** Labels live in the graph that have a queued change. */
  readonly shadowed = new Set<number>();

  /** `inGraph(label)`: whether the label is live in the graph now. */
  constructor(private readonly inGraph: (label: number) => boolean) {}

  /** Queues an insert (vector) or a removal (null) of `label`, superseding any queued op on it. */
  push(seq: number, label: number, vector: Float32Array | null): void {
    const previous = this.latest.get(label);
    if (previous) {
      previous.cancelled = true;
      previous.vector = null;
    }
    const op: QueuedOp = { seq, label, vector, cancelled: false };
    this.ops.push(op);
    this.latest.set(label, op);
    if (this.inGraph(label)) this.shadowed.add(label);
  }

  /** Ops waiting, superseded ones included. */
  get length(): number {
    return this.ops.length - this.head;
  }

  /** The next op in sequence order (possibly cancelled), or undefined when the queue is empty. */
  shift(): QueuedOp | undefined {
    if (this.head >= this.ops.length) return undefined;
    const op = this.ops[this.head]!;
    this.ops[this.head++] = undefined;
    // Drop the consumed prefix once it is most of the array, so memory tracks what is still queued.
    if (this.head >= 1024 && this.head * 2 >= this.ops.length) {
      this.ops = this.ops.slice(this.head);
      this.head = 0;
    }
    // A live op is its label's latest (a newer one would have cancelled it).
    if (!op.cancelled) {
      this.latest.delete(op.label);
      this.shadowed.delete(op.label);
    }
    return op;
  }
}

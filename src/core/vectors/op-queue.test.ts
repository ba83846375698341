import { describe, expect, it } from 'vitest';
import { OpQueue } from './op-queue';

const v = (x: number) => Float32Array.of(x);

describe('the index worker queue', () => {
  it('hands out changes in sequence order', () => {
    const q = new OpQueue(() => false);
    q.push(1, 10, v(1));
    q.push(2, 11, null);
    q.push(3, 12, v(3));
    expect([q.shift(), q.shift(), q.shift()].map((op) => [op!.seq, op!.label])).toEqual([
      [1, 10],
      [2, 11],
      [3, 12],
    ]);
    expect(q.shift()).toBeUndefined();
    expect(q.length).toBe(0);
  });

  it('cancels a queued change when a later one on the same label arrives, keeping its sequence number', () => {
    const q = new OpQueue(() => false);
    q.push(1, 10, v(1));
    q.push(2, 10, v(2));
    q.push(3, 10, null);
    const ops = [q.shift()!, q.shift()!, q.shift()!];
    expect(ops.map((op) => [op.seq, op.cancelled])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
    expect(ops[0]!.vector).toBeNull(); // a cancelled insert lets its vector go
  });

  it('shadows graph labels with a queued change until that change is dequeued', () => {
    const inGraph = new Set([10]);
    const q = new OpQueue((label) => inGraph.has(label));
    q.push(1, 10, v(1)); // an update of an indexed label
    q.push(2, 20, v(2)); // a new label: nothing stale to hide
    expect([...q.shadowed]).toEqual([10]);
    q.push(3, 10, null); // then removed: still shadowed
    q.shift(); // the cancelled update
    expect([...q.shadowed]).toEqual([10]);
    q.shift();
    q.shift(); // the removal
    expect(q.shadowed.size).toBe(0);
  });

  it('keeps working past its compaction point', () => {
    const q = new OpQueue(() => false);
    const seqs = (n: number) => Array.from({ length: n }, () => q.shift()!.seq);
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    for (let i = 1; i <= 5000; i++) q.push(i, i, v(i));
    expect(seqs(3000)).toEqual(range(1, 3000));
    for (let i = 5001; i <= 6000; i++) q.push(i, i, v(i));
    expect(q.length).toBe(3000);
    expect(seqs(3000)).toEqual(range(3001, 6000));
  });
});

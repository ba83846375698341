import { describe, expect, it } from 'vitest';
import { ExactTail } from './exact-tail';

const unit = (x: number, y: number) => {
  const n = Math.hypot(x, y);
  return Float32Array.of(x / n, y / n);
};

describe('the exact tail', () => {
  it('forgets exactly the entries up to the applied sequence number', () => {
    const tail = new ExactTail();
    tail.set(10, 1, unit(1, 0));
    tail.set(11, 2, unit(0, 1));
    tail.set(12, 3, unit(1, 1));
    tail.applied(2);
    expect(tail.size).toBe(1);
    expect(tail.search(unit(1, 0), 5).map((h) => h.label)).toEqual([12]);
  });

  it('keeps a label whose newer vector came after the applied one', () => {
    const tail = new ExactTail();
    tail.set(10, 1, unit(1, 0));
    tail.set(11, 2, unit(0, 1));
    tail.set(10, 3, unit(0, 1)); // label 10 again, newer
    tail.applied(2);
    expect(tail.search(unit(0, 1), 5)).toEqual([{ label: 10, score: expect.closeTo(1, 6) }]);
  });

  it('ranks by inner product, honouring an allow set', () => {
    const tail = new ExactTail();
    tail.set(1, 1, unit(1, 0));
    tail.set(2, 2, unit(1, 1));
    tail.set(3, 3, unit(0, 1));
    expect(tail.search(unit(1, 0.1), 2).map((h) => h.label)).toEqual([1, 2]);
    expect(tail.search(unit(1, 0.1), 2, Uint32Array.of(2, 3)).map((h) => h.label)).toEqual([2, 3]);
    tail.delete(1);
    expect(tail.search(unit(1, 0.1), 1).map((h) => h.label)).toEqual([2]);
  });
});

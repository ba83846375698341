import { describe, expect, it } from 'vitest';
import { UnionFind } from './union-find';

describe('disjoint sets', () => {
  it('joins a chain of links into one set, however they arrive', () => {
    const uf = new UnionFind(8);
    expect(uf.union(5, 6)).toBe(true);
    expect(uf.union(0, 1)).toBe(true);
    expect(uf.union(6, 7)).toBe(true);
    expect(uf.union(1, 2)).toBe(true);
    expect(uf.union(2, 0)).toBe(false); // already one set
    expect(uf.sets().map((s) => s.sort())).toEqual([
      [0, 1, 2],
      [5, 6, 7],
    ]);
    expect(uf.sizeOf(7)).toBe(3);
    expect(uf.sizeOf(3)).toBe(1);
    expect(uf.sets(1)).toHaveLength(4); // the two sets and the loners 3 and 4
  });
});

import { describe, expect, it } from 'vitest';
import {
  buildParamsFor,
  defaultShardCount,
  DEFAULT_EF_CONSTRUCTION,
  DEFAULT_EF_SEARCH,
  DEFAULT_M,
  efFor,
  LARGE_LIBRARY,
  outgrown,
} from './params';

describe('parameters chosen from the library', () => {
  it('build small libraries with the measured defaults and large ones with a denser graph', () => {
    expect(buildParamsFor(10_000)).toEqual({ M: DEFAULT_M, efConstruction: DEFAULT_EF_CONSTRUCTION });
    const large = buildParamsFor(LARGE_LIBRARY + 1);
    expect(large.M).toBeGreaterThan(DEFAULT_M);
    expect(large.efConstruction).toBeGreaterThan(DEFAULT_EF_CONSTRUCTION);
  });

  it('say a graph is outgrown only when the library needs more than it was built with', () => {
    const small = buildParamsFor(1000);
    expect(outgrown(small, 1000)).toBeNull();
    expect(outgrown(small, 1_000_000)).toMatch(/1000000 photos need M=24/);
    expect(outgrown({ M: 48, efConstruction: 400 }, 1_000_000)).toBeNull();
  });

  it('search with the measured ef at 100k, more for larger graphs and for larger k', () => {
    expect(efFor(100_000, 10)).toBe(128);
    expect(efFor(50_000, 10)).toBe(128); // a shard of a 100k library: the floor
    expect(efFor(1_000_000, 10)).toBeGreaterThan(3 * DEFAULT_EF_SEARCH);
    expect(efFor(125_000, 10)).toBeLessThan(efFor(1_000_000, 10)); // 1M in 8 shards: each searches less
    expect(efFor(100_000, 100)).toBeGreaterThanOrEqual(200);
    expect(efFor(0, 1)).toBe(128);
    expect(efFor(1e12, 10)).toBe(1024);
  });

  it('build one shard per core, at most eight', () => {
    expect(defaultShardCount(1)).toBe(1);
    expect(defaultShardCount(2)).toBe(2);
    expect(defaultShardCount(64)).toBe(8);
  });
});

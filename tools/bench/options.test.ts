import { describe, expect, it } from 'vitest';
import { DEFAULT_CACHE, parseOptions, STAGES, UsageError } from './options';

describe('bench options', () => {
  it('run every stage at the full sizes by default, with generated files in the cache', () => {
    const o = parseOptions([]);
    expect(o.quick).toBe(false);
    expect(o.stages).toEqual([...STAGES]);
    expect(o.rescanFiles).toBe(100_000);
    expect(o.hnswCount).toBe(100_000);
    expect(o.hnswDim).toBe(1024);
    expect(o.megapixels).toBe(12);
    expect(o.cache).toBe(DEFAULT_CACHE);
    expect(o.model).toBeNull();
  });

  it('make every size of the quick preset smaller than the full one', () => {
    const full = parseOptions([]);
    const quick = parseOptions(['--quick']);
    expect(quick.quick).toBe(true);
    for (const key of ['photos', 'rescanFiles', 'hnswCount', 'hnswQueries'] as const)
      expect(quick[key]).toBeLessThan(full[key]);
    expect(quick.hnswCount).toBe(20_000);
  });

  it('let numbers on the command line replace the preset', () => {
    const o = parseOptions(['--quick', '--photos', '5', '--seconds', '0.5', '--hnsw-dim', '64']);
    expect(o.photos).toBe(5);
    expect(o.seconds).toBe(0.5);
    expect(o.hnswDim).toBe(64);
  });

  it('refuse a bad number, naming its flag', () => {
    expect(() => parseOptions(['--photos', '0'])).toThrow(/--photos takes a positive whole number, got "0"/);
    expect(() => parseOptions(['--rounds', '1.5'])).toThrow(/--rounds/);
    expect(() => parseOptions(['--seconds', 'soon'])).toThrow(/--seconds takes a positive number/);
  });

  it('keep only the stages named by --only and refuse unknown ones', () => {
    expect(parseOptions(['--only', 'rescan, hnsw']).stages).toEqual(['rescan', 'hnsw']);
    expect(() => parseOptions(['--only', 'decode,gpu'])).toThrow(/--only takes stages from/);
  });

  it('measure both vector distributions unless told which', () => {
    expect(parseOptions([]).hnswDistributions).toEqual(['clip', 'isotropic']);
    expect(parseOptions(['--hnsw-distributions', 'isotropic']).hnswDistributions).toEqual(['isotropic']);
    expect(() => parseOptions(['--hnsw-distributions', 'clip,gauss'])).toThrow(
      /--hnsw-distributions takes names from clip,isotropic, got "clip,gauss"/,
    );
  });

  it('build the one-thread baseline over the first 100k vectors at most, unless told how many', () => {
    expect(parseOptions([]).hnswBaselineCount).toBe(100_000);
    expect(parseOptions(['--hnsw-count', '1000000']).hnswBaselineCount).toBe(100_000);
    expect(parseOptions(['--quick']).hnswBaselineCount).toBe(20_000);
    expect(parseOptions(['--hnsw-count', '5000', '--hnsw-baseline-count', '9000']).hnswBaselineCount).toBe(
      5000,
    );
    expect(
      parseOptions(['--hnsw-count', '1000000', '--hnsw-baseline-count', '250000']).hnswBaselineCount,
    ).toBe(250_000);
  });

  it('leave the model build stage out unless --only names it', () => {
    expect(parseOptions([]).stages).not.toContain('build');
    expect(parseOptions(['--only', 'build', '--build-arch', 'tiny'])).toMatchObject({
      stages: ['build'],
      buildArch: 'tiny',
    });
  });

  it('refuse flags it does not know as a usage error', () => {
    expect(() => parseOptions(['--fast'])).toThrow(UsageError);
  });
});

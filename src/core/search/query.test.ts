import { describe, expect, it } from 'vitest';
import { combine, parseQuery, QueryError } from './query';

describe('query arithmetic', () => {
  it('reads a plain query as one term', () => {
    expect(parseQuery('  dog asleep on a red sofa ')).toEqual([
      { text: 'dog asleep on a red sofa', weight: 1 },
    ]);
  });

  it('adds and subtracts terms separated by spaced operators', () => {
    expect(parseQuery('beach + sunset - people')).toEqual([
      { text: 'beach', weight: 1 },
      { text: 'sunset', weight: 1 },
      { text: 'people', weight: -1 },
    ]);
  });

  it('keeps hyphens and plus signs inside words', () => {
    expect(parseQuery('t-shirt on a C++ book')).toEqual([{ text: 't-shirt on a C++ book', weight: 1 }]);
  });

  it('reads weights written as n*term', () => {
    expect(parseQuery('2*dog + 0.5 * snow - .25*people')).toEqual([
      { text: 'dog', weight: 2 },
      { text: 'snow', weight: 0.5 },
      { text: 'people', weight: -0.25 },
    ]);
  });

  it('rejects empty queries, dangling operators, zero weights and only-subtracted queries', () => {
    expect(() => parseQuery('   ')).toThrow(QueryError);
    expect(() => parseQuery('0*dog + cat')).toThrow(/weight of "dog" is 0/);
    expect(() => parseQuery('- people')).toThrow(/at least one term must be added/);
    expect(parseQuery('+ dog - cat')).toEqual([
      { text: 'dog', weight: 1 },
      { text: 'cat', weight: -1 },
    ]);
  });

  it('combines vectors as a normalised weighted sum', () => {
    const v = new Float32Array([1, 0, 0, 1]); // two 2-d unit vectors: (1,0) and (0,1)
    const out = combine(v, [1, -1], 2);
    expect(out[0]).toBeCloseTo(Math.SQRT1_2);
    expect(out[1]).toBeCloseTo(-Math.SQRT1_2);
    expect(() => combine(new Float32Array([1, 0, 1, 0]), [1, -1], 2)).toThrow(/cancel/);
  });
});

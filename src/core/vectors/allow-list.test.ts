import { describe, expect, it } from 'vitest';
import { hasLabel, sortedLabels } from './allow-list';

describe('allow lists', () => {
  it('sorts a label set into ascending order', () => {
    expect([...sortedLabels(new Set([30, 2, 4_000_000_000, 7]), 'x')]).toEqual([2, 7, 30, 4_000_000_000]);
  });

  it('takes an ascending Uint32Array as it is and refuses an unsorted one, naming the index', () => {
    const ascending = Uint32Array.of(1, 5, 5, 9);
    expect(sortedLabels(ascending, 'x')).toBe(ascending);
    expect(() => sortedLabels(Uint32Array.of(1, 9, 5), '/lib/vectors.json')).toThrow(
      '/lib/vectors.json: allowed labels are not ascending at index 2',
    );
  });

  it('finds exactly the labels it holds', () => {
    const labels = sortedLabels(new Set([3, 8, 13, 21, 34]), 'x');
    const found = Array.from({ length: 40 }, (_, i) => i).filter((l) => hasLabel(labels, l));
    expect(found).toEqual([3, 8, 13, 21, 34]);
    expect(hasLabel(new Uint32Array(0), 3)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTROLS, looksLikeArithmetic, toSearchOptions } from './query';

describe('search controls as api options', () => {
  it('sends no filters when none are set', () => {
    expect(toSearchOptions(DEFAULT_CONTROLS, 0, 200)).toEqual({
      sort: 'relevance',
      offset: 0,
      limit: 200,
      cutoff: 'none',
    });
  });

  it('turns a day range into inclusive local-time bounds', () => {
    const { filters } = toSearchOptions({ ...DEFAULT_CONTROLS, from: '2024-03-01', to: '2024-03-31' }, 0, 10);
    expect(filters?.from).toBe(new Date(2024, 2, 1).getTime());
    expect(filters?.to).toBe(new Date(2024, 3, 1).getTime() - 1);
  });

  it('passes folder, formats, sort and the adaptive cutoff', () => {
    const options = toSearchOptions(
      {
        ...DEFAULT_CONTROLS,
        folder: '/photos/2023',
        formats: ['png', 'heif'],
        sort: 'date',
        strongOnly: true,
      },
      400,
      200,
    );
    expect(options).toEqual({
      sort: 'date',
      offset: 400,
      limit: 200,
      cutoff: 'adaptive',
      filters: { folders: ['/photos/2023'], formats: ['png', 'heif'] },
    });
  });
});

describe('recognising query arithmetic', () => {
  it('sees operators with spaces around them and weights', () => {
    expect(looksLikeArithmetic('beach + sunset - people')).toBe(true);
    expect(looksLikeArithmetic('2*dog')).toBe(true);
  });

  it('does not mistake hyphenated words for subtraction', () => {
    expect(looksLikeArithmetic('t-shirt on a chair')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { applyCutoff } from './cutoff';

const ranked = (...scores: number[]) => scores.map((score, i) => ({ score, i }));

describe('the adaptive relevance cutoff', () => {
  it('keeps a clear match set and drops the rest', () => {
    const hits = ranked(0.7, 0.7, 0.69, 0.68, 0.06, 0.05, 0.05, 0.04, 0.04, 0.03, 0.02);
    const { kept, cutoffScore } = applyCutoff(hits, 'adaptive');
    expect(kept.map((h) => h.score)).toEqual([0.7, 0.7, 0.69, 0.68]);
    expect(cutoffScore).toBeCloseTo(0.05 + 0.5 * (0.7 - 0.05)); // median 0.05
  });

  it('keeps the upper half of the range between the median and the best when nothing stands out', () => {
    const { kept } = applyCutoff(ranked(0.3, 0.295, 0.28, 0.27, 0.26), 'adaptive'); // line at 0.29
    expect(kept.map((h) => h.score)).toEqual([0.3, 0.295]);
  });

  it('never returns nothing for a non-empty list, and passes everything with none', () => {
    expect(applyCutoff(ranked(0.5), 'adaptive').kept).toHaveLength(1);
    expect(applyCutoff(ranked(0.5, 0.1), 'none').kept).toHaveLength(2);
  });

  it('applies a fixed minimum score when given a number', () => {
    expect(applyCutoff(ranked(0.5, 0.3, 0.1), 0.3).kept.map((h) => h.score)).toEqual([0.5, 0.3]);
    expect(applyCutoff(ranked(0.2), 0.3).kept).toEqual([]);
  });
});

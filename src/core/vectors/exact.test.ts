import { describe, expect, it } from 'vitest';
import { dot, exactTopK, exactTopKRows, TopK } from './exact';
import { ClusteredVectors, row } from './synthetic';

describe('exact search', () => {
  it('computes an inner product over any length, with an offset into the second vector', () => {
    const a = Float32Array.from([1, 2, 3, 4, 5]);
    const b = Float32Array.from([9, 9, 1, 1, 1, 1, 2]);
    expect(dot(a, b, 2)).toBe(1 + 2 + 3 + 4 + 10);
  });

  it('keeps the k best of a stream, best first, as a full sort would', () => {
    // Distinct pseudo-random scores (the fractional part of a scaled sine).
    const scores = Array.from({ length: 500 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const top = new TopK(7);
    scores.forEach((s, i) => top.offer(i, s));
    const expected = scores
      .map((score, label) => ({ label, score }))
      .sort((x, y) => y.score - x.score)
      .slice(0, 7);
    expect(top.sorted()).toEqual(expected);
  });

  it('returns fewer than k when fewer were offered', () => {
    const top = new TopK(5);
    top.offer(3, 0.5);
    top.offer(1, 0.9);
    expect(top.sorted()).toEqual([
      { label: 1, score: 0.9 },
      { label: 3, score: 0.5 },
    ]);
  });

  it('gives the same answer over a map of vectors and over a row-major matrix, honouring an allow set', () => {
    const dim = 32;
    const data = new ClusteredVectors({ dim, seed: 7 }).sample(200);
    const labels = Array.from({ length: 200 }, (_, i) => 1000 + i);
    const query = row(data, dim, 17);
    const entries = labels.map((label, i) => [label, row(data, dim, i)] as const);
    const fromRows = exactTopKRows(query, data, labels, 5);
    expect(exactTopK(query, entries, 5)).toEqual(fromRows);
    expect(fromRows[0]!.label).toBe(1017);
    const allow = new Set(labels.filter((l) => l % 2 === 0));
    const bySort = entries
      .filter(([label]) => allow.has(label))
      .map(([label, vector]) => ({ label, score: dot(query, vector) }))
      .sort((x, y) => y.score - x.score)
      .slice(0, 5);
    expect(exactTopK(query, entries, 5, allow)).toEqual(bySort);
  });
});

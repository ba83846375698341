// Search quality and latency summaries for the vector index benchmark: recall@k and score ratio
// against an exact scan, and percentiles of timings.
import type { ScoredLabel } from '../../src/core/vectors/exact';

/** Recall@k and the ratio of score sums over a set of queries. */
export class Quality {
  private found = 0;
  private wanted = 0;
  private ratioSum = 0;
  private queries = 0;

  add(hits: ScoredLabel[], truth: ScoredLabel[]): void {
    const want = new Set(truth.map((t) => t.label));
    this.found += hits.filter((h) => want.has(h.label)).length;
    this.wanted += truth.length;
    const sum = (list: ScoredLabel[]) => list.reduce((s, h) => s + h.score, 0);
    this.ratioSum += sum(hits) / sum(truth);
    this.queries++;
  }

  get recall(): number {
    return this.found / this.wanted;
  }

  /** Σ returned scores / Σ exact top-k scores, averaged over queries: near 1 when misses are near-ties. */
  get scoreRatio(): number {
    return this.ratioSum / this.queries;
  }
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

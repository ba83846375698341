// Adaptive relevance cutoff: keep results that stand out from the query's own score distribution,
// instead of one global threshold (CLIP scores shift with the query's wording and the model).
import type { CutoffMode } from '../../shared/types';

/** How far from the typical candidate towards the best one the line is drawn: 0.5 keeps hits in the
 *  upper half of the range between the median candidate and the best hit. */
const ADAPTIVE_FRACTION = 0.5;
/** Results always kept, so a query never comes back empty when the library has photos. */
const MIN_KEPT = 1;

/**
 * `ranked` must be sorted best first. Adaptive: with b the best score and m the median of the ranked
 * candidates (up to RELEVANT_POOL of them), keep scores ≥ m + ADAPTIVE_FRACTION·(b − m). A query with a
 * clear match set (20 red photos at 0.70 among hundreds at 0.05) keeps exactly that set; a query where
 * nothing stands out keeps only the hits nearer the best than the median (about the top quarter of an
 * even spread).
 */
export function applyCutoff<T extends { score: number }>(
  ranked: T[],
  mode: CutoffMode,
): { kept: T[]; cutoffScore: number | null } {
  if (mode === 'none' || ranked.length === 0) return { kept: ranked, cutoffScore: null };
  let line: number;
  if (typeof mode === 'number') {
    line = mode;
  } else {
    const best = ranked[0]!.score;
    const median = ranked[Math.floor(ranked.length / 2)]!.score;
    line = median + ADAPTIVE_FRACTION * (best - median);
  }
  let n = 0;
  while (n < ranked.length && ranked[n]!.score >= line) n++;
  return { kept: ranked.slice(0, Math.max(n, typeof mode === 'number' ? 0 : MIN_KEPT)), cutoffScore: line };
}

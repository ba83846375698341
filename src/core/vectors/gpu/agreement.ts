// What "the same answer as the exact scan" means for a search over FP16-stored vectors: scores equal up
// to the storage rounding, and labels equal except where that rounding may reorder a near-tie.
import type { ScoredLabel } from '../exact';
import { FP16_TOLERANCE } from './gpu-exact';

/**
 * Why `got` (k hits) is not the exact answer up to FP16 storage, or null when it is. `exact` is the
 * float32 exact top list, longer than k so every returned label's exact score is known. A label of the
 * exact top k may be missing, and another returned instead, only where their exact scores are within
 * twice the tolerance.
 */
export function fp16Disagreement(got: ScoredLabel[], exact: ScoredLabel[], k: number): string | null {
  const want = exact.slice(0, Math.min(k, exact.length));
  if (got.length !== want.length) return `${got.length} hits, the exact scan has ${want.length}`;
  const exactScore = new Map(exact.map((h) => [h.label, h.score]));
  for (const hit of got) {
    const score = exactScore.get(hit.label);
    if (score === undefined) return `label ${hit.label} is not among the exact scan's best ${exact.length}`;
    if (Math.abs(hit.score - score) > FP16_TOLERANCE)
      return `label ${hit.label} scored ${hit.score}, exactly ${score}`;
  }
  // A swap is allowed only between labels whose exact scores FP16 may reorder.
  const kth = want.at(-1)!.score;
  const lowestReturned = Math.min(...got.map((h) => exactScore.get(h.label)!));
  const wanted = new Set(want.map((h) => h.label));
  const have = new Set(got.map((h) => h.label));
  for (const label of [...wanted].filter((l) => !have.has(l)))
    if (exactScore.get(label)! - lowestReturned > 2 * FP16_TOLERANCE)
      return `label ${label} of the exact top ${k} is missing`;
  for (const label of [...have].filter((l) => !wanted.has(l)))
    if (kth - exactScore.get(label)! > 2 * FP16_TOLERANCE)
      return `label ${label} is not in the exact top ${k}`;
  return null;
}

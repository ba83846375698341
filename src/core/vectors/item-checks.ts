// Checks on what callers hand the vector index, with messages that name the index, the label and
// the bad value (a wrong vector would otherwise surface much later as a wrong search score).
import { NORM_TOLERANCE } from './params';

const MAX_LABEL = 0xffffffff; // hnswlib-node passes labels as uint32

/** Why `{ label, vector }` cannot be added to an index of `dim` at `where`; null when it can. */
export function itemProblem(where: string, dim: number, label: number, vector: Float32Array): string | null {
  if (!Number.isInteger(label) || label < 0 || label > MAX_LABEL)
    return `${where}: label ${label} is not a uint32`;
  if (!(vector instanceof Float32Array) || vector.length !== dim) {
    return `${where}: label ${label} has ${vector?.length} floats, the index holds ${dim}`;
  }
  let sum = 0;
  for (let i = 0; i < dim; i++) sum += vector[i]! * vector[i]!;
  const norm = Math.sqrt(sum);
  // Negated so NaN fails too.
  if (!(Math.abs(norm - 1) <= NORM_TOLERANCE)) {
    return `${where}: label ${label} has norm ${norm.toPrecision(6)}, expected 1 (L2-normalised)`;
  }
  return null;
}

/** Why a search for the k nearest to `query` cannot run on an index of `dim` at `where`; null when it can. */
export function queryProblem(where: string, dim: number, query: Float32Array, k: number): string | null {
  if (query.length !== dim) return `${where}: query has ${query.length} floats, the index holds ${dim}`;
  for (let i = 0; i < dim; i++) {
    if (!Number.isFinite(query[i])) return `${where}: query value ${i} is ${query[i]}`;
  }
  if (!Number.isInteger(k) || k < 1) return `${where}: k ${k} is not a positive integer`;
  return null;
}

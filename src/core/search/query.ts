// Query arithmetic: "beach + sunset - people", "2*dog + 0.5*snow": terms with signs and optional
// weights, combined in embedding space as a normalised weighted sum.
import type { QueryTerm } from '../../shared/types';
export type { QueryTerm };

export class QueryError extends Error {
  readonly code = 'BAD_QUERY';
}

/** A + or - that separates terms: surrounded by spaces, so "t-shirt" and "e-mail" stay one term. */
const OPERATOR = /\s+([+-])\s+/;
/** An optional leading weight: "2*dog", "0.5 * snow", "1.5x sunset" is not a weight (the x is text). */
const WEIGHTED = /^(\d+(?:\.\d+)?|\.\d+)\s*\*\s*(.+)$/s;

/** Splits a query into weighted terms. A plain query is one term of weight 1. */
export function parseQuery(query: string): QueryTerm[] {
  const text = query.trim();
  if (!text) throw new QueryError('the query is empty');
  // An implicit "+" before the first term, unless the query starts with an operator ("- people").
  const parts = (/^[+-]\s/.test(text) ? ` ${text}` : ` + ${text}`).split(OPERATOR).slice(1);
  const terms: QueryTerm[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const sign = parts[i] === '-' ? -1 : 1;
    let body = (parts[i + 1] ?? '').trim();
    let weight = 1;
    const m = body.match(WEIGHTED);
    if (m) {
      weight = Number(m[1]);
      body = m[2]!.trim();
    }
    if (!body) throw new QueryError(`"${query}": a ${parts[i]} is not followed by a term`);
    if (weight === 0) throw new QueryError(`"${query}": the weight of "${body}" is 0`);
    terms.push({ text: body, weight: sign * weight });
  }
  if (!terms.some((t) => t.weight > 0))
    throw new QueryError(`"${query}": at least one term must be added, not only subtracted`);
  return terms;
}

/** Σ weight·vector, L2-normalised; vectors are rows of `dim` floats in the order of `weights`. */
export function combine(vectors: Float32Array, weights: number[], dim: number): Float32Array {
  const out = new Float32Array(dim);
  weights.forEach((w, t) => {
    for (let i = 0; i < dim; i++) out[i]! += w * vectors[t * dim + i]!;
  });
  let norm = 0;
  for (let i = 0; i < dim; i++) norm += out[i]! * out[i]!;
  if (norm === 0) throw new QueryError('the terms cancel each other out');
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dim; i++) out[i]! *= scale;
  return out;
}

// Exact nearest neighbours by inner product: the search over vectors the HNSW graph has not taken in
// yet, and the ground truth the graph's recall is measured against.

export interface ScoredLabel {
  label: number;
  /** Inner product with the query (cosine similarity for unit vectors). */
  score: number;
}

/** Inner product of `a` with the `a.length` floats of `b` starting at `offset`. */
export function dot(a: Float32Array, b: Float32Array, offset = 0): number {
  // Four accumulators: independent additions keep the FPU pipeline full (about 2× one accumulator).
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i]! * b[offset + i]!;
    s1 += a[i + 1]! * b[offset + i + 1]!;
    s2 += a[i + 2]! * b[offset + i + 2]!;
    s3 += a[i + 3]! * b[offset + i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]! * b[offset + i]!;
  return s0 + s1 + s2 + s3;
}

/** Orders best first; equal scores by label so results do not depend on scan order. */
export function byScore(a: ScoredLabel, b: ScoredLabel): number {
  return b.score - a.score || a.label - b.label;
}

/** Keeps the k highest-scoring labels offered: a binary min-heap whose root is the worst one kept. */
export class TopK {
  private readonly labels: number[] = [];
  private readonly scores: number[] = [];

  constructor(readonly k: number) {}

  /** The score a newcomer must beat; −Infinity until k are kept. */
  get threshold(): number {
    return this.scores.length < this.k ? -Infinity : this.scores[0]!;
  }

  offer(label: number, score: number): void {
    if (this.k <= 0) return;
    const { labels, scores } = this;
    if (scores.length < this.k) {
      labels.push(label);
      scores.push(score);
      this.siftUp(scores.length - 1);
    } else if (score > scores[0]!) {
      labels[0] = label;
      scores[0] = score;
      this.siftDown(0);
    }
  }

  /** Best first. */
  sorted(): ScoredLabel[] {
    return this.labels.map((label, i) => ({ label, score: this.scores[i]! })).sort(byScore);
  }

  private siftUp(i: number): void {
    const { labels, scores } = this;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (scores[parent]! <= scores[i]!) break;
      swap(labels, i, parent);
      swap(scores, i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const { labels, scores } = this;
    const n = scores.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < n && scores[l]! < scores[least]!) least = l;
      if (r < n && scores[r]! < scores[least]!) least = r;
      if (least === i) return;
      swap(labels, i, least);
      swap(scores, i, least);
      i = least;
    }
  }
}

function swap(a: number[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/** The k best of `entries` (label → vector), optionally only labels in `allow`. */
export function exactTopK(
  query: Float32Array,
  entries: Iterable<readonly [number, Float32Array]>,
  k: number,
  allow?: ReadonlySet<number> | null,
): ScoredLabel[] {
  const top = new TopK(k);
  for (const [label, vector] of entries) {
    if (allow && !allow.has(label)) continue;
    top.offer(label, dot(query, vector));
  }
  return top.sorted();
}

/** The k best rows of a row-major `rows` (rows.length / query.length vectors), labelled by `labels`. */
export function exactTopKRows(
  query: Float32Array,
  rows: Float32Array,
  labels: ArrayLike<number>,
  k: number,
): ScoredLabel[] {
  const dim = query.length;
  const top = new TopK(k);
  for (let r = 0, offset = 0; offset < rows.length; r++, offset += dim) {
    top.offer(labels[r]!, dot(query, rows, offset));
  }
  return top.sorted();
}

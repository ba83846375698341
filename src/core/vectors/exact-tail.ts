// Vectors added to the index that the HNSW graph has not taken in yet, kept in sequence order and
// searched exactly, so a photo is findable the moment its vector is committed.
import { hasLabel } from './allow-list';
import { dot, TopK, type ScoredLabel } from './exact';

export class ExactTail {
  /** Map order is sequence order: set() re-inserts, so a label's newest vector moves to the end. */
  private readonly entries = new Map<number, { seq: number; vector: Float32Array }>();

  get size(): number {
    return this.entries.size;
  }

  /** Records `vector` as the label's newest; `seq` must exceed every sequence number given before. */
  set(label: number, seq: number, vector: Float32Array): void {
    this.entries.delete(label);
    this.entries.set(label, { seq, vector });
  }

  delete(label: number): void {
    this.entries.delete(label);
  }

  /** Forgets what the graph has taken in: every entry with a sequence number ≤ `seq`. */
  applied(seq: number): void {
    for (const [label, entry] of this.entries) {
      if (entry.seq > seq) return;
      this.entries.delete(label);
    }
  }

  /** The k best entries by inner product with `query`, optionally only labels in ascending `allow`. */
  search(query: Float32Array, k: number, allow: Uint32Array | null = null): ScoredLabel[] {
    const top = new TopK(k);
    for (const [label, { vector }] of this.entries) {
      if (!allow || hasLabel(allow, label)) top.offer(label, dot(query, vector));
    }
    return top.sorted();
  }
}

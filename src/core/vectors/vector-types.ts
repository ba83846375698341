// The vector index's items and sources, shared by the HNSW index and the GPU exact search.

export interface VectorItem {
  /** Caller-assigned integer in [0, 2³²) (the database maps label ↔ photo). */
  label: number;
  /** L2-normalised, `dim` floats. Copied, so the caller may reuse the buffer. */
  vector: Float32Array;
}

/** The database's vectors for a rebuild: how many, and a way to read them. */
export interface VectorSource {
  count: number;
  items: () => Iterable<VectorItem> | AsyncIterable<VectorItem>;
}

/** Told of every accepted change, in order (the GPU exact search keeps its overlay from them). */
export interface ChangeListener {
  added(items: readonly VectorItem[]): void;
  removed(labels: readonly number[]): void;
}

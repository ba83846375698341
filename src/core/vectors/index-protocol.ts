// Messages between the vector index's client (vector-index.ts) and the worker thread that owns the
// HNSW graph (index-worker.ts). Plain structured-clone data; vectors travel in SharedArrayBuffers.

export interface IndexWorkerConfig {
  dim: number;
  M: number;
  efConstruction: number;
  /** Fixed candidate list size for searches, or null for efFor(graph size, k) per search. */
  efSearch: number | null;
  /** Graph file shown in errors. */
  displayName: string;
}

/** Changes, applied in `seq` order; item i of a message has sequence number firstSeq + i. */
export type ChangeMessage =
  | { type: 'insert'; firstSeq: number; labels: Uint32Array; vectors: Float32Array }
  | { type: 'remove'; firstSeq: number; labels: Uint32Array };

export interface LoadRequest {
  op: 'load';
  file: string;
  bytes: number;
  checksum: string;
  count: number;
  elements: number;
}

export interface SearchRequest {
  op: 'search';
  query: Float32Array;
  k: number;
  /** Only these labels (ascending) may be returned. */
  allow: Uint32Array | null;
}

export type IndexRequest =
  | { op: 'create'; capacity: number }
  | LoadRequest
  | SearchRequest
  /** Settles once every change up to `seq` is in the graph. */
  | { op: 'flush'; seq: number }
  /** Writes the graph, with every change up to `seq`, to `file` (fsynced). */
  | { op: 'save'; seq: number; file: string }
  | { op: 'stats' }
  /** Stops between slices and ends the thread (terminating it mid-call can abort the process). */
  | { op: 'close' };

export interface IndexStats {
  /** Live labels in the graph. */
  count: number;
  /** Graph nodes, marked-deleted ones included. */
  elements: number;
  deleted: number;
  capacity: number;
  /** Changes received and not yet in the graph. */
  queued: number;
  compactions: number;
  compacting: boolean;
}

export interface SaveResult {
  bytes: number;
  checksum: string;
  count: number;
  elements: number;
}

export interface SearchResult {
  labels: number[];
  scores: number[];
}

export interface Replies {
  create: null;
  /** The live labels of the loaded graph. */
  load: Uint32Array;
  search: SearchResult;
  flush: null;
  save: SaveResult;
  stats: IndexStats;
  close: null;
}

type RequestMessage = { type: 'request'; id: number; request: IndexRequest };
export type ToIndexWorker = ChangeMessage | RequestMessage;

export type FromIndexWorker =
  /** Every change up to `seq` is in the graph (or was superseded). */
  | { type: 'applied'; seq: number }
  | { type: 'reply'; id: number; ok: true; value: Replies[keyof Replies] }
  | { type: 'reply'; id: number; ok: false; message: string }
  /** The graph is unusable (an insert threw); every later call fails with this message. */
  | { type: 'fatal'; message: string };

// HNSW and bookkeeping parameters for the photo vector index, with the measurements that chose them.
//
// Measured with tools/bench/hnsw.ts on clustered synthetic unit vectors (100 Gaussian clusters,
// 1024-d like ViT-H/14), single thread on the 2-core AMD EPYC dev box; see that file for the method.
// The numbers are recorded beside each constant so a change can be re-justified the same way.

/** Inner product on L2-normalised vectors is cosine similarity, and hnswlib's 'ip' skips the norm. */
export const SPACE = 'ip' as const;

/**
 * Graph degree (links per node per layer; 2·M on the ground layer). 16 reaches recall@10 ≥ 0.999 at
 * ef=64 on 100k clustered 1024-d vectors; the links cost 2·16·4 = 128 bytes per photo next to the
 * 4096-byte vector, so a larger M buys little recall for slower inserts.
 */
export const DEFAULT_M = 16;

/**
 * Candidate list size while inserting (nodes). 200 is hnswlib's default and gave the recall above;
 * it is paid once per photo, off the embedding path (the index worker).
 */
export const DEFAULT_EF_CONSTRUCTION = 200;

/**
 * Candidate list size while searching (nodes); hnswlib uses max(ef, k), so ef ≥ k always holds.
 * 64 is the knee of the recall/latency curve at 100k × 1024 (see tools/bench/hnsw.ts output).
 */
export const DEFAULT_EF_SEARCH = 64;

/** hnswlib's level generator seed; fixed so two builds of the same vectors make the same graph. */
export const RANDOM_SEED = 100;

/**
 * Capacity grows by this factor when full: geometric growth keeps resizes O(log n) while reserving at
 * most 50% more than needed (hnswlib reserves the ground layer, ~4.2 kB a slot at 1024-d, up front).
 */
export const GROWTH_FACTOR = 1.5;

/** Smallest capacity (slots): below this a resize costs more bookkeeping than the memory it saves. */
export const MIN_CAPACITY = 1024;

/**
 * Rebuild the graph once marked-deleted nodes exceed this fraction of all nodes. Deleted nodes are
 * still walked during search and still hold memory, so at 20% a search visits ~1.25× the nodes for
 * the same live results; rebuilding costs about one insert per live photo, so waiting until a fifth
 * is dead keeps that at ≤ 5 inserts per deletion, amortised.
 */
export const COMPACT_DELETED_FRACTION = 0.2;

/**
 * How long the worker inserts before it looks at its messages again (ms). One 1024-d insert takes
 * 2–3 ms at 100k photos, so a search that arrives mid-catch-up waits at most about this long.
 */
export const WORKER_SLICE_MS = 5;

/** How often the worker reports insertion progress (ms): often enough to shrink the exact-scan tail. */
export const ACK_INTERVAL_MS = 50;

/**
 * Up to this many indexed labels with a newer queued change are dropped by fetching k + that many
 * and discarding them; beyond it a label filter runs inside hnswlib, which calls back into
 * JavaScript (~2.5 µs a candidate, measured) and so is the slower path for a handful of labels.
 */
export const OVERFETCH_LIMIT = 64;

/** Allowed |‖v‖ − 1| for an added vector: float16 towers round, but a wrong norm means a wrong score. */
export const NORM_TOLERANCE = 1e-3;

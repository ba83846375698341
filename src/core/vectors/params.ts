// HNSW and bookkeeping parameters for the photo vector index, with the measurements that chose them.
// (The table below is one graph; the index now builds one graph per shard, see defaultShardCount, and
// picks M / efConstruction from the library's size and ef per search: buildParamsFor, efFor.)
//
// Measured with tools/bench/hnsw.ts on 100k clustered synthetic unit vectors, 1024-d like ViT-H/14
// (100 isotropic Gaussian clusters; 200 queries drawn like the photos, 200 "between two clusters"), on
// a 16-core Xeon, the two M values side by side (two threads each), two runs (2026-11-27, hnswlib-node's
// stock SSE build; timings vary ±15% between runs):
//
//   M   efC  inserts/s  ef   recall@10  between  search p50: graph only / through the worker
//   16  200  749–886    64   0.953      0.715    0.67–0.80 / 0.88–0.99 ms
//   16  200             96   0.985      0.784    0.89 / 1.00 ms
//   16  200            128   0.994      0.815    0.85–1.06 / 1.19 ms
//   24  200  626–759    64   0.977      0.787    0.74–1.18 / 1.00–1.35 ms
//   24  200            128   0.999      0.868    0.96–1.53 / 1.41 ms
//   exact scan in JavaScript: 152–187 ms a query.
//
// These clusters are a hard case: isotropic noise in 1024-d makes a cluster's members near-ties
// (the hits the graph misses score within 0.5% of the exact ones: score ratio 0.995), where real photo
// embeddings have near-duplicates and sub-scenes that separate more. At 20k the same settings give
// recall@10 0.999 at ef=64.

/** Inner product on L2-normalised vectors is cosine similarity, and hnswlib's 'ip' skips the norm. */
export const SPACE = 'ip' as const;

/**
 * Graph degree (links per node per layer; 2·M on the ground layer). 24 finds more at equal ef, but
 * at equal search time 16 with a larger ef does as well (0.985 vs 0.977 above) and inserts 17% faster,
 * and inserts are the index's bottleneck. 8 lost recall at 20k (0.9955 at ef=64, between 0.705 vs 0.879).
 */
export const DEFAULT_M = 16;

/**
 * Candidate list size while inserting (nodes). At 20k × 1024, M=16: 100 dropped the between-cluster
 * recall to 0.82 (from 0.88 at 200) and 400 raised it to 0.91 for ~1.7× the insert time (one run on
 * the shared 2-core dev box, so the time is rough); 200 is
 * hnswlib's default and is paid once per photo, off the embedding path (the index worker).
 */
export const DEFAULT_EF_CONSTRUCTION = 200;

/**
 * Candidate list size while searching (nodes); hnswlib uses max(ef, k), so ef ≥ k always holds.
 * 96 is the smallest ef above recall@10 0.98 at 100k (0.985), at ~1 ms a search through the worker;
 * a CLIP text query spends far longer in the text tower than that.
 */
export const DEFAULT_EF_SEARCH = 96;

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
 * the same live results; rebuilding costs one insert (plus a 0.3 ms read-back at 1024-d) per live
 * photo, and live < 4 × deleted at the threshold, so that is under 4 inserts per deletion, amortised.
 */
export const COMPACT_DELETED_FRACTION = 0.2;

/**
 * How long the worker inserts before it looks at its messages again (ms). One 1024-d insert takes
 * 1–3 ms at 100k photos, so a search that arrives mid-catch-up waits at most about this long (measured:
 * 7 ms p50 with 2000 vectors pending, the exact scan of those included).
 */
export const WORKER_SLICE_MS = 5;

/** How often the worker reports insertion progress (ms): often enough to shrink the exact-scan tail. */
export const ACK_INTERVAL_MS = 50;

/**
 * Up to this many shadowed labels (in the graph, with a newer change queued), a search fetches k + that
 * many and drops them; beyond it hnswlib filters them, calling back into JavaScript for every
 * candidate (~2.5 µs each, measured), which costs more than a few dozen extra results.
 */
export const OVERFETCH_LIMIT = 64;

/** Allowed |‖v‖ − 1| for an added vector: float16 towers round, but a wrong norm means a wrong score. */
export const NORM_TOLERANCE = 1e-3;

/** Graph build parameters (fixed once a graph exists: changing them means a rebuild). */
interface BuildParams {
  M: number;
  efConstruction: number;
}

/**
 * Above this many photos a graph built with DEFAULT_M / DEFAULT_EF_CONSTRUCTION loses recall (the
 * issue's 1M isotropic run: 0.72 at ef 96, 0.91 at ef 256), so libraries past it get a denser graph.
 */
export const LARGE_LIBRARY = 300_000;

/** Build parameters for a library of `count` photos (the database's count when the graph is built). */
export function buildParamsFor(count: number): BuildParams {
  if (count <= LARGE_LIBRARY) return { M: DEFAULT_M, efConstruction: DEFAULT_EF_CONSTRUCTION };
  return { M: 24, efConstruction: 256 };
}

/** Why a graph built with `built` no longer suits `count` photos (it has been outgrown), or null. */
export function outgrown(built: BuildParams, count: number): string | null {
  const want = buildParamsFor(count);
  if (built.M >= want.M && built.efConstruction >= want.efConstruction) return null;
  return `built with M=${built.M} efConstruction=${built.efConstruction}, ${count} photos need M=${want.M} efConstruction=${want.efConstruction}`;
}

/** Graph size of the reference measurement below. */
const EF_REFERENCE_SIZE = 100_000;
/**
 * ef for top 10 at EF_REFERENCE_SIZE nodes: on the CLIP-like 100k set (tools/bench/README.md) one graph
 * gave recall@10 0.985 at ef 96 and 0.995 at 128, two 50k shards 0.974 at ef 68 and 0.9925 at 128
 * (2026-12-04, docs/PERFORMANCE.md); 128 keeps ≥ 0.98 with a margin.
 */
const EF_AT_REFERENCE = 128;

/**
 * Candidate list size for one search of a graph of `nodes` for the best `k`: EF_AT_REFERENCE at 100k,
 * growing with √(nodes / 100k). The isotropic measurements grow faster than a search path's log n
 * (M 16: ef 64 gave 0.999 at 20k, ef 96 0.985 at 100k, ef 256 only 0.91 at 1M); the square root sits
 * between. Never below EF_AT_REFERENCE (a 50k shard at ef 96 would sit at the 0.98 edge; below 100k a
 * search at ef 128 costs ~1 ms) nor 2k (k scales it linearly above 10), at most 1024.
 */
export function efFor(nodes: number, k: number): number {
  const scaled = EF_AT_REFERENCE * Math.sqrt(Math.max(1, nodes) / EF_REFERENCE_SIZE) * Math.max(1, k / 10);
  return Math.min(1024, Math.max(EF_AT_REFERENCE, 2 * k, Math.ceil(scaled)));
}

/**
 * Graphs built side by side, one worker thread each: a core per shard, at most 8 (each search asks
 * every shard, so more shards cost more CPU per query than they save in insert time).
 */
export function defaultShardCount(cores: number): number {
  return Math.max(1, Math.min(8, cores));
}

// Near-duplicate photos: every vector asks the vector index for its nearest neighbours, pairs above a
// similarity threshold are linked, and groups are the connected sets of links (union-find). Photos
// with the same bytes share one vector, so exact copies always group.
import type { Catalog, PhotoRow } from '../catalog/catalog';
import { PROGRESS_THROTTLE_MS } from '../indexer/progress';
import type { VectorIndex } from '../vectors/vector-index';
import { UnionFind } from './union-find';

/**
 * Cosine similarity at or above which two photos count as near-duplicates. Chosen from commonly
 * reported CLIP image-to-image similarities, not measured on ViT-H/14 here: re-encoded, resized or
 * lightly edited copies of one photo score above about 0.97, frames of one burst about 0.95, and
 * distinct shots of one scene below about 0.92. 0.95 groups copies and near-identical frames and
 * leaves distinct shots apart; --threshold moves it.
 */
export const DEFAULT_THRESHOLD = 0.95;
/**
 * Neighbours asked for per photo. It bounds the work (one kNN query a photo), not the group size: a
 * burst of 30 frames still forms one group, linked through each frame's own nearest neighbours.
 */
export const DEFAULT_NEIGHBOURS = 10;
/** Searches in flight at once: keeps the index thread busy while this one reads and merges. */
const QUERY_CONCURRENCY = 8;
/** Vectors read from the catalog per query (4 MB at 1024-d): no statement stays open across awaits. */
const PAGE = 1024;

export interface DuplicateOptions {
  threshold?: number;
  neighbours?: number;
  signal?: AbortSignal;
  /** Vectors compared so far, of all; at most about ten calls a second. */
  onProgress?: (done: number, total: number) => void;
}

interface DuplicatePhoto {
  photoId: number;
  path: string;
  hash: string;
  size: number;
  width: number | null;
  height: number | null;
  takenAt: number | null;
  /** Cosine similarity to the group's first photo (1 for it and for its exact copies). */
  score: number;
}

interface DuplicateGroup {
  /** Best first: most pixels, then the largest file, then the path; the rest by score. */
  photos: DuplicatePhoto[];
  /** The lowest score in the group. */
  minScore: number;
  /** Every photo has the same bytes. */
  identical: boolean;
}

export interface DuplicateReport {
  groups: DuplicateGroup[];
  threshold: number;
  neighbours: number;
  /** Vectors compared (distinct contents with a vector for the active model). */
  vectors: number;
  seconds: number;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Index of `label` in the ascending `labels`, or -1. */
function indexOf(labels: Uint32Array, label: number): number {
  let lo = 0;
  let hi = labels.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = labels[mid]!;
    if (v === label) return mid;
    if (v < label) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

const betterKeep = (a: PhotoRow, b: PhotoRow) =>
  (b.width ?? 0) * (b.height ?? 0) - (a.width ?? 0) * (a.height ?? 0) ||
  b.size - a.size ||
  (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

export async function findDuplicates(
  catalog: Catalog,
  vectors: VectorIndex,
  modelId: string,
  opts: DuplicateOptions = {},
): Promise<DuplicateReport> {
  const started = performance.now();
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const neighbours = opts.neighbours ?? DEFAULT_NEIGHBOURS;
  if (!(threshold > 0 && threshold <= 1))
    throw new RangeError(`duplicates: threshold ${threshold} is not a similarity in (0, 1]`);
  if (!Number.isInteger(neighbours) || neighbours < 1)
    throw new RangeError(`duplicates: neighbours ${neighbours} is not a positive whole number`);

  const labels = Uint32Array.from(catalog.labels(modelId));
  const links = new UnionFind(labels.length);
  let done = 0;
  let lastReport = 0;
  const report = (force = false) => {
    if (!opts.onProgress || (!force && performance.now() - lastReport < PROGRESS_THROTTLE_MS)) return;
    lastReport = performance.now();
    opts.onProgress(done, labels.length);
  };
  report(true);

  const link = async (label: number, vector: Float32Array) => {
    const i = indexOf(labels, label);
    // k + 1: the vector finds itself first.
    for (const hit of await vectors.search(vector, neighbours + 1)) {
      if (hit.label === label || hit.score < threshold) continue;
      const j = indexOf(labels, hit.label);
      if (i >= 0 && j >= 0) links.union(i, j);
    }
  };
  for (let after = 0; ;) {
    opts.signal?.throwIfAborted();
    const rows = catalog.vectorsPage(modelId, after, PAGE);
    if (!rows.length) break;
    after = rows[rows.length - 1]!.label;
    for (let i = 0; i < rows.length; i += QUERY_CONCURRENCY) {
      await Promise.all(rows.slice(i, i + QUERY_CONCURRENCY).map((r) => link(r.label, r.vector)));
      done += Math.min(QUERY_CONCURRENCY, rows.length - i);
      report();
    }
  }
  report(true);

  // Contents shown by two or more photos are groups even with no near neighbour.
  const copied = new Set(catalog.maintenance.labelsShownTwice(modelId));
  const sets = links.sets(2);
  for (const label of copied) {
    const i = indexOf(labels, label);
    if (i >= 0 && links.sizeOf(i) === 1) sets.push([i]);
  }
  const groups: DuplicateGroup[] = [];
  for (const set of sets) {
    const members: Array<{ row: PhotoRow; vector: Float32Array }> = [];
    for (const i of set) {
      const stored = catalog.vector(labels[i]!);
      if (!stored) continue; // deleted while this ran
      for (const row of catalog.photosWithHash(stored.hash)) members.push({ row, vector: stored.vector });
    }
    if (members.length < 2) continue;
    members.sort((a, b) => betterKeep(a.row, b.row));
    const keep = members[0]!.vector;
    const photos = members.map(({ row, vector }) => ({
      photoId: row.id,
      path: row.path,
      hash: row.hash!,
      size: row.size,
      width: row.width,
      height: row.height,
      takenAt: row.takenAt,
      score: vector === keep ? 1 : Math.min(1, dot(vector, keep)),
    }));
    photos.splice(1, photos.length, ...photos.slice(1).sort((a, b) => b.score - a.score));
    groups.push({
      photos,
      minScore: photos.reduce((m, p) => Math.min(m, p.score), 1),
      identical: photos.every((p) => p.hash === photos[0]!.hash),
    });
  }
  groups.sort(
    (a, b) => b.photos.length - a.photos.length || (a.photos[0]!.path < b.photos[0]!.path ? -1 : 1),
  );
  return {
    groups,
    threshold,
    neighbours,
    vectors: labels.length,
    seconds: (performance.now() - started) / 1000,
  };
}

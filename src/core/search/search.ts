// Search: a text (with arithmetic), a photo in the library or an image file becomes a vector; the
// vector index finds the nearest labels; the catalog turns them into photos, filtered and sorted.
import type { Catalog, LabelledPhoto } from '../catalog/catalog';
import type { VectorIndex } from '../vectors/vector-index';
import { applyCutoff } from './cutoff';
import type {
  SearchFilters,
  SearchHit,
  SearchOptions as SharedSearchOptions,
  SearchPage as SharedSearchPage,
} from '../../shared/types';

/** The app's search options, plus photos to leave out (the query photo itself for "more like this"). */
export interface SearchOptions extends SharedSearchOptions {
  exclude?: number[];
}

/** A page of results; the text search adds the parsed terms (SharedSearchPage.terms). */
export type SearchPage = Omit<SharedSearchPage, 'terms'>;

const DEFAULT_LIMIT = 50;
/** Labels fetched per round before hydration; doubled while filters leave too few photos. */
const FIRST_ROUND = 200;
/** Most candidates ranked for one query: deeper pages than this are not meaningful relevance. */
const MAX_DEPTH = 10_000;
/** Candidates ranked when the whole relevant set matters (date order, adaptive cutoff): the top
 *  thousand by similarity; beyond that CLIP scores no longer separate relevant from not. */
const RELEVANT_POOL = 1000;
/** Below this share of the library a filter is handed to the index as an allow-list; above it the
 *  index searches freely and results are filtered afterwards (an allow-list of a million labels
 *  costs more to pass to the index thread than it saves). */
const ALLOW_LIST_SHARE = 0.5;

type Row = LabelledPhoto;

export class Searcher {
  constructor(
    private readonly catalog: Catalog,
    /** The vector index, or the GPU exact search beside it (vectors/gpu/gpu-search.ts). */
    private readonly vectors: Pick<VectorIndex, 'size' | 'search'>,
    private readonly modelId: string,
  ) {}

  /** Labels whose photos pass the filters, or null when the filter keeps most of the library. */
  private allowList(filters: SearchFilters | undefined): Set<number> | null {
    const n = this.catalog.search.matchingLabelCount(this.modelId, filters);
    if (n === null || n > this.vectors.size * ALLOW_LIST_SHARE) return null;
    return this.catalog.search.matchingLabels(this.modelId, filters);
  }

  async search(query: Float32Array, opts: SearchOptions = {}): Promise<SearchPage> {
    const started = performance.now();
    const limit = Math.max(1, Math.min(opts.limit ?? DEFAULT_LIMIT, MAX_DEPTH));
    const offset = Math.max(0, opts.offset ?? 0);
    const wanted = Math.min(offset + limit, MAX_DEPTH);
    const exclude = new Set(opts.exclude ?? []);
    const allow = this.allowList(opts.filters);
    // Date sorting re-orders the relevant set, so it needs the whole of it, not one page.
    const needAll = opts.sort === 'date' || (opts.cutoff !== undefined && opts.cutoff !== 'none');
    let k = Math.max(FIRST_ROUND, needAll ? Math.max(RELEVANT_POOL, wanted) : wanted * 2);
    let rows: Array<Row & { score: number }>;
    for (;;) {
      const hits = await this.vectors.search(
        query,
        Math.min(k, Math.max(1, this.vectors.size)),
        allow ?? undefined,
      );
      const score = new Map(hits.map((h) => [h.label, h.score]));
      rows = this.catalog.search
        .photosOf(
          hits.map((h) => h.label),
          opts.filters,
        )
        .filter((r) => !exclude.has(r.id))
        .map((r) => ({ ...r, score: score.get(r.label)! }));
      const exhausted = hits.length < k || k >= MAX_DEPTH;
      if (rows.length >= wanted || exhausted) break;
      k = Math.min(k * 4, MAX_DEPTH);
    }
    // Best first; equal scores (identical files) by path so pages never shuffle between calls.
    rows.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const { kept, cutoffScore } = applyCutoff(rows, opts.cutoff ?? 'none');
    if (opts.sort === 'date') {
      const date = (r: Row) => r.takenAt ?? r.mtimeMs;
      kept.sort((a, b) => date(b) - date(a) || b.score - a.score || (a.path < b.path ? -1 : 1));
    }
    const page = kept.slice(offset, offset + limit).map((r): SearchHit => ({
      photoId: r.id,
      path: r.path,
      score: r.score,
      size: r.size,
      width: r.width,
      height: r.height,
      format: r.format,
      takenAt: r.takenAt,
      mtimeMs: r.mtimeMs,
      camera: r.camera,
      hash: r.hash!,
    }));
    return {
      hits: page,
      total: kept.length,
      offset,
      limit,
      cutoffScore,
      elapsedMs: performance.now() - started,
    };
  }
}

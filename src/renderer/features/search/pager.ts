// The results of one query, fetched a page at a time as the grid scrolls to them. A pager belongs to
// one query: when the query changes the old one is closed and its late answers are dropped, so a
// slow response can never overwrite newer results.
import type { QueryTerm, SearchHit, SearchPage } from '../../../shared/types';

/** Results per api call: a few screens of tiles, small enough to arrive in one frame's worth of work. */
const PAGE_SIZE = 200;
/** The engine ranks at most this many candidates per query (and the contract caps offset there). */
const MAX_RESULTS = 10_000;

export type PageFetch = (offset: number, limit: number) => Promise<SearchPage>;

/** A refused search in words, and the engine's code for the kind of refusal when it gave one. */
export interface SearchFailure {
  message: string;
  code: string | null;
}

export interface PagerSnapshot {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  /** The engine's code for the error (NOT_EMBEDDED, BAD_FILE, …), so the view can say what went wrong. */
  errorCode: string | null;
  /** Results that can be scrolled to; grows as deeper pages report more. */
  total: number;
  terms: QueryTerm[];
  elapsedMs: number | null;
}

export class ResultPager {
  private readonly pages = new Map<number, SearchHit[]>();
  private readonly inFlight = new Set<number>();
  private closed = false;
  snapshot: PagerSnapshot = {
    status: 'loading',
    error: null,
    errorCode: null,
    total: 0,
    terms: [],
    elapsedMs: null,
  };

  constructor(
    private readonly fetchPage: PageFetch,
    private readonly onChange: () => void,
    private readonly describeError: (e: unknown) => SearchFailure,
    readonly pageSize = PAGE_SIZE,
  ) {}

  start(): void {
    this.load(0);
  }

  /** Stops asking and delivering answers: the query this pager serves is no longer the current one (its
   *  results may stay on screen until the new query's first page arrives, but scrolling them asks for
   *  nothing more). */
  close(): void {
    this.closed = true;
  }

  hit(index: number): SearchHit | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** Loads the pages covering results first..last (inclusive) that are neither here nor on their way. */
  ensure(first: number, last: number): void {
    if (this.snapshot.status === 'error') return;
    const end = Math.min(last, this.snapshot.total - 1);
    for (let page = Math.floor(Math.max(0, first) / this.pageSize); page * this.pageSize <= end; page++) {
      this.load(page);
    }
  }

  private load(page: number): void {
    if (this.closed || this.pages.has(page) || this.inFlight.has(page) || page * this.pageSize >= MAX_RESULTS)
      return;
    this.inFlight.add(page);
    const offset = page * this.pageSize;
    const limit = Math.min(this.pageSize, MAX_RESULTS - offset);
    this.fetchPage(offset, limit).then(
      (result) => {
        this.inFlight.delete(page);
        if (this.closed) return;
        this.pages.set(page, result.hits);
        // A short page is the end; otherwise the engine's total says how far scrolling may go (it grows
        // as deeper pages rank more candidates).
        const total =
          result.hits.length < limit
            ? offset + result.hits.length
            : Math.max(this.snapshot.total, result.total, offset + result.hits.length);
        this.snapshot = {
          status: 'ready',
          error: null,
          errorCode: null,
          total: Math.min(total, MAX_RESULTS),
          terms: page === 0 ? result.terms : this.snapshot.terms,
          elapsedMs: page === 0 ? result.elapsedMs : this.snapshot.elapsedMs,
        };
        this.onChange();
      },
      (error: unknown) => {
        this.inFlight.delete(page);
        if (this.closed) return;
        // A deeper page failing keeps what is shown; only the first page failing is an error state.
        if (page === 0) {
          const { message, code } = this.describeError(error);
          this.snapshot = { ...this.snapshot, status: 'error', error: message, errorCode: code };
        } else this.snapshot = { ...this.snapshot, total: Math.min(this.snapshot.total, offset) };
        this.onChange();
      },
    );
  }
}

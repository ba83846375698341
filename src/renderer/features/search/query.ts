// What the user is searching for (text, a library photo, a dropped file) and the controls around it,
// turned into one api call per page of results.
import { api } from '../../api';
import { fileName } from '../../format';
import type { SearchOptions, SearchPage } from '../../../shared/types';

export type SearchQuery =
  | { kind: 'text'; text: string }
  | { kind: 'similar'; photoId: number; path: string }
  | { kind: 'file'; path: string };

export type SortOrder = 'relevance' | 'date';

export interface SearchControls {
  sort: SortOrder;
  /** A library folder root, or null for all of them. */
  folder: string | null;
  /** Inclusive day range as <input type="date"> gives it (yyyy-mm-dd), '' when open. */
  from: string;
  to: string;
  /** sharp format names; empty = every format. */
  formats: string[];
  /** The engine's adaptive cutoff: only results that stand out from this query's typical score. */
  strongOnly: boolean;
}

export const DEFAULT_CONTROLS: SearchControls = {
  sort: 'relevance',
  folder: null,
  from: '',
  to: '',
  formats: [],
  strongOnly: false,
};

/** Formats the indexer reads (sharp's names), with the words users know them by. */
export const FORMATS: Array<{ id: string; label: string }> = [
  { id: 'jpeg', label: 'JPEG' },
  { id: 'png', label: 'PNG' },
  { id: 'webp', label: 'WebP' },
  { id: 'heif', label: 'HEIC/HEIF' },
  { id: 'tiff', label: 'TIFF' },
  { id: 'gif', label: 'GIF' },
  { id: 'avif', label: 'AVIF' },
];

/** Local midnight of a yyyy-mm-dd day, plus `days`. */
function dayStart(day: string, days = 0): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days).getTime() : undefined;
}

export function toSearchOptions(c: SearchControls, offset: number, limit: number): SearchOptions {
  const from = dayStart(c.from);
  const nextDay = dayStart(c.to, 1);
  const filters: NonNullable<SearchOptions['filters']> = {};
  if (c.folder) filters.folders = [c.folder];
  if (from !== undefined) filters.from = from;
  // The "to" day is inclusive: everything before the next midnight.
  if (nextDay !== undefined) filters.to = nextDay - 1;
  if (c.formats.length) filters.formats = c.formats;
  return {
    sort: c.sort,
    offset,
    limit,
    cutoff: c.strongOnly ? 'adaptive' : 'none',
    ...(Object.keys(filters).length ? { filters } : {}),
  };
}

export function runSearch(
  q: SearchQuery,
  c: SearchControls,
  offset: number,
  limit: number,
): Promise<SearchPage> {
  const options = toSearchOptions(c, offset, limit);
  if (q.kind === 'text') return api.searchText(q.text, options);
  if (q.kind === 'similar') return api.searchSimilar(q.photoId, options);
  return api.searchImageFile(q.path, options);
}

/** How the results header names the query. */
export function describeQuery(q: SearchQuery): string {
  if (q.kind === 'text') return `“${q.text}”`;
  return `photos like ${fileName(q.path)}`;
}

/** Filters that narrow the results (sort order is not one): the Filters button shows how many. */
export function activeFilterCount(c: SearchControls): number {
  return [c.folder !== null, c.from !== '', c.to !== '', c.formats.length > 0, c.strongOnly].filter(Boolean)
    .length;
}

/** Whether a query uses arithmetic, so the hint shows its parsed terms (spaces around + and - as the engine reads them). */
export function looksLikeArithmetic(text: string): boolean {
  return /\s[+-]\s|^\s*[+-]\s|\d\s*\*/.test(text);
}

// Search requests and answers: filters, options, hits and the photo facts they carry.
export interface SearchFilters {
  folders?: string[];
  from?: number;
  to?: number;
  formats?: string[];
  minWidth?: number;
  minHeight?: number;
}

export type CutoffMode = 'none' | 'adaptive' | number;

export interface SearchOptions {
  filters?: SearchFilters;
  sort?: 'relevance' | 'date';
  limit?: number;
  offset?: number;
  cutoff?: CutoffMode;
}

/** What the catalog knows of a photo, as results and the preview show it. */
export interface PhotoFacts {
  photoId: number;
  path: string;
  /** Bytes. */
  size: number;
  /** Pixels, after EXIF orientation; null when the file could not be decoded. */
  width: number | null;
  height: number | null;
  format: string | null;
  /** EXIF capture time, ms since epoch (wall clock read as UTC); null when the photo has none. */
  takenAt: number | null;
  mtimeMs: number;
  camera: string | null;
}

export interface SearchHit extends PhotoFacts {
  /** Cosine similarity between the query and the photo, -1..1. */
  score: number;
  /** Content hash: the thumbnail's id. */
  hash: string;
}

export interface QueryTerm {
  text: string;
  weight: number;
}

export interface SearchPage {
  hits: SearchHit[];
  total: number;
  offset: number;
  limit: number;
  cutoffScore: number | null;
  elapsedMs: number;
  /** The parsed terms of a text query (arithmetic), empty for image queries. */
  terms: QueryTerm[];
}

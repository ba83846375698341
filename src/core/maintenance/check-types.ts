// The shapes shared by the library consistency checks: what a check sees, what it finds, what the
// report says.
import type { Catalog } from '../catalog/catalog';
import type { VectorSink } from '../indexer/indexer';
import type { ThumbnailStore } from '../indexer/thumbnails';
import type { PreprocessSpec } from '../runtime/types';
import type { VectorIndex } from '../vectors/vector-index';

export type CheckId =
  | 'sqlite-integrity'
  | 'foreign-keys'
  | 'orphan-embeddings'
  | 'deletion-journal'
  | 'index-missing-labels'
  | 'index-stray-labels'
  | 'folders-missing'
  | 'photos-without-vector'
  | 'files-missing'
  | 'files-changed'
  | 'thumbnails-missing'
  | 'thumbnails-orphan';

export interface CheckContext {
  catalog: Catalog;
  /** The active model's vector index, read directly (has, size). */
  vectors: VectorIndex;
  /** Changes to the index go through the library's sink, so the next save writes them. */
  sink: VectorSink;
  thumbnails: ThumbnailStore;
  modelId: string;
  /** How the indexer decodes: thumbnails are remade exactly as it makes them. */
  preprocess: PreprocessSpec;
  signal?: AbortSignal;
  /** Items of the current check done so far, of all. */
  progress(done: number, total: number): void;
  /** One computation shared by the checks that need it (a stat of every photo), until a repair. */
  shared<T>(key: string, compute: () => Promise<T>): Promise<T>;
}

export interface Finding {
  /** Problems found; 0 when this part of the library is sound. */
  found: number;
  /** A few of them, as paths, labels or messages. */
  examples: string[];
  /** What to do about what --repair leaves. */
  advice?: string;
  /** Fixes what is safe to fix; the check then runs again and counts what remains. */
  repair?: () => Promise<void>;
  /** Paths whose next index run resolves this finding: --repair indexes them, once for all checks. */
  reindex?: string[];
}

export interface Check {
  id: CheckId;
  /** What is compared, in words. */
  title: string;
  find(ctx: CheckContext): Promise<Finding>;
}

/** Examples kept per check: enough to recognise the problem, few enough to print. */
export const EXAMPLES = 5;

export interface CheckResult {
  id: CheckId;
  title: string;
  found: number;
  examples: string[];
  /** Of found, fixed by --repair (0 without it). */
  repaired: number;
  /** What to do about what remains; null when nothing does. */
  advice: string | null;
}

export interface CheckReport {
  /** Nothing was found. */
  clean: boolean;
  /** --repair was asked for. */
  repair: boolean;
  results: CheckResult[];
  seconds: number;
}

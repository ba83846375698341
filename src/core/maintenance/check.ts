// The library consistency check (glimpse check; doctor --repair): the catalog, the vector index, the
// photo files and the thumbnail cache agree. --repair fixes what is safe to fix, checks again, and
// reports what it fixed and what is left.
import type { IndexOptions, IndexSummary } from '../indexer/indexer';
import type { Library } from '../library';
import type { PreprocessSpec } from '../runtime/types';
import { deletionJournal, foreignKeys, orphanEmbeddings, sqliteIntegrity } from './check-catalog';
import { filesChanged, filesMissing, foldersMissing } from './check-files';
import { thumbnailsMissing, thumbnailsOrphan } from './check-thumbnails';
import type { Check, CheckContext, CheckId, CheckReport, CheckResult, Finding } from './check-types';
import { indexMissingLabels, indexStrayLabels, photosWithoutVector } from './check-vectors';

export type { CheckId, CheckReport };

interface CheckDeps {
  library: Library;
  /** Asked only when a thumbnail must be remade (a check without the model installed never asks). */
  preprocess: () => PreprocessSpec;
  /** A run over these paths only (LibraryOps.indexPaths): how missing, changed and unembedded photos
   *  are repaired, exactly as the next index run would. */
  indexPaths(paths: string[], opts: IndexOptions): Promise<IndexSummary>;
}

interface CheckProgress {
  check: CheckId;
  title: string;
  done: number;
  total: number;
}

export interface CheckOptions {
  repair?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: CheckProgress) => void;
}

/**
 * In this order, so each repair leaves sound ground for the checks after it: the database itself,
 * then the catalog's own bookkeeping (the journal before the index replays anything), then the index
 * against the catalog, then the files (one index run for all of them), then thumbnails of what is
 * indexed after that run.
 */
const BEFORE_REINDEX: Check[] = [
  sqliteIntegrity,
  foreignKeys,
  orphanEmbeddings,
  deletionJournal,
  indexMissingLabels,
  indexStrayLabels,
  foldersMissing,
  photosWithoutVector,
  filesMissing,
  filesChanged,
];
const AFTER_REINDEX: Check[] = [thumbnailsMissing, thumbnailsOrphan];

export const CHECK_IDS: CheckId[] = [...BEFORE_REINDEX, ...AFTER_REINDEX].map((c) => c.id);

export async function checkLibrary(deps: CheckDeps, opts: CheckOptions = {}): Promise<CheckReport> {
  const started = performance.now();
  const { library } = deps;
  const memo = new Map<string, Promise<unknown>>();
  let current: Check = BEFORE_REINDEX[0]!;
  const ctx: CheckContext = {
    catalog: library.catalog,
    vectors: library.vectors,
    sink: library.sink,
    thumbnails: library.thumbnails,
    modelId: library.modelId,
    get preprocess() {
      return deps.preprocess();
    },
    signal: opts.signal,
    progress: (done, total) => opts.onProgress?.({ check: current.id, title: current.title, done, total }),
    shared: <T>(key: string, compute: () => Promise<T>) => {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as Promise<T>;
    },
  };

  const find = async (check: Check): Promise<Finding> => {
    current = check;
    opts.signal?.throwIfAborted();
    ctx.progress(0, 0);
    try {
      return await check.find(ctx);
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      // One broken check (an unreadable thumbnail folder, a damaged table) does not hide the others.
      return { found: 1, examples: [(e as Error).message], advice: 'the check itself failed' };
    }
  };
  const results: CheckResult[] = [];
  const byReindex: Array<{ check: Check; result: CheckResult }> = [];
  const reindex = new Set<string>();

  const runAll = async (checks: Check[]) => {
    for (const check of checks) {
      const finding = await find(check);
      const result: CheckResult = {
        id: check.id,
        title: check.title,
        found: finding.found,
        examples: finding.examples,
        repaired: 0,
        advice: finding.found ? (finding.advice ?? null) : null,
      };
      results.push(result);
      if (!finding.found || !opts.repair) continue;
      if (finding.reindex) {
        finding.reindex.forEach((p) => reindex.add(p));
        byReindex.push({ check, result });
      } else if (finding.repair) {
        await finding.repair();
        memo.clear();
        settle(result, await find(check));
      }
    }
  };

  await runAll(BEFORE_REINDEX);
  if (reindex.size) {
    current = byReindex[0]!.check;
    await deps.indexPaths([...reindex], { signal: opts.signal });
    memo.clear();
    for (const { check, result } of byReindex) settle(result, await find(check));
  }
  await runAll(AFTER_REINDEX);
  if (opts.repair) await library.saveIndex();
  return {
    clean: results.every((r) => r.found === 0),
    repair: !!opts.repair,
    results,
    seconds: (performance.now() - started) / 1000,
  };
}

/** What a repair fixed: the problems found before it that the check no longer finds. */
function settle(result: CheckResult, after: Finding): void {
  result.repaired = Math.max(0, result.found - after.found);
  if (!after.found) result.advice = null;
}

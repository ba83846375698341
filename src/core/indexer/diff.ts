// The first phase of an indexing run: walk the folders (or a scope of them), compare each file with
// its catalog row, and find the rows whose files are gone (moved, to be matched by content, or deleted).
import { dirname } from 'node:path';
import type { Catalog, PhotoRow } from '../catalog/catalog';
import type { FailedFile } from '../../shared/types';
import type { ProgressTracker } from './progress';
import { OUTSIDE_FOLDER, scanFolder, type ScannedFile, type ScanProblem } from './scan';
import { describeScanProblem, isWorthReporting } from './scan-problems';

export interface IndexFolder {
  id: number;
  path: string;
  exclude: string[];
}

/** Part of the folders to look at instead of all of them (watch mode's changed paths): a run over a
 *  scope costs what changed, not what the library holds. */
export interface IndexScope {
  /** The folder's image files the run looks at, instead of a full scan. */
  files(folder: IndexFolder, signal?: AbortSignal): AsyncIterable<ScannedFile>;
  /** The folder's catalog rows the scope covers: those whose files were not listed moved or are gone. */
  rows(folder: IndexFolder): Iterable<PhotoRow>;
}

/** Failures worth retrying on the next run even if the file did not change: the cause may be gone. */
const TRANSIENT_ERRORS = new Set(['not-found', 'unreadable']);

export interface WorkItem extends ScannedFile {
  folderId: number;
  /** The row this path had, when its size or mtime changed. */
  previous?: PhotoRow;
}

interface Diff {
  /** New files, and files whose size or mtime changed (or whose earlier failure may be gone). */
  work: WorkItem[];
  /** Indexed rows whose files were not found, by content: a new file with those bytes is a move. */
  missing: Map<string, PhotoRow[]>;
  /** Every row whose file was not found: swept at the end of a complete run unless matched as a move. */
  missingIds: Set<number>;
  /** Paths the scan could not read (an unplugged drive, no permission): what is under them is unknown. */
  unread: Set<string>;
}

export async function diffFolders(
  catalog: Catalog,
  modelId: string,
  folders: IndexFolder[],
  opts: { scope?: IndexScope; signal?: AbortSignal; progress: ProgressTracker; failed: FailedFile[] },
): Promise<Diff> {
  const { scope, signal, progress, failed } = opts;
  const p = progress.state;
  const work: WorkItem[] = [];
  const seen = new Set<number>();
  // Paths the scan could not read. What lies under them is unknown, not gone: an unplugged drive or a
  // folder without permission must not sweep away its photos and their vectors.
  const unread = new Set<string>();
  const onProblem = (problem: ScanProblem) => {
    // A link out of the folder is left out on purpose: what it once brought in is swept, not kept.
    if (problem.reason !== OUTSIDE_FOLDER) unread.add(problem.path);
    if (isWorthReporting(problem)) failed.push({ path: problem.path, ...describeScanProblem(problem) });
  };
  try {
    for (const folder of folders) {
      const files = scope
        ? scope.files(folder, signal)
        : scanFolder(folder.path, { exclude: folder.exclude, signal, onProblem });
      for await (const file of files) {
        p.found++;
        const existing = catalog.photoByPath(file.path);
        if (existing) seen.add(existing.id);
        const same = existing && existing.size === file.size && existing.mtimeMs === file.mtimeMs;
        const settled =
          same &&
          (existing.status === 'indexed'
            ? existing.hash !== null && catalog.labelFor(modelId, existing.hash) !== undefined
            : !TRANSIENT_ERRORS.has(existing.errorCode ?? ''));
        if (settled) p.unchanged++;
        else work.push({ ...file, folderId: folder.id, previous: existing });
        p.currentFile = file.path;
        progress.emit();
      }
    }
  } catch (e) {
    // Cancelled during the scan: a cancelled summary like any other, not an AbortError.
    if (!signal?.aborted) throw e;
  }
  /** The path or a folder above it could not be read: a walk up the path, not a scan of the set. */
  const isUnread = (path: string): boolean => {
    if (!unread.size) return false;
    for (let at = path; ; at = dirname(at)) {
      if (unread.has(at)) return true;
      if (dirname(at) === at) return false;
    }
  };
  // Rows whose files the scan did not find: moved (matched by content below) or deleted (swept at the end).
  const missing = new Map<string, PhotoRow[]>();
  const missingIds = new Set<number>();
  for (const folder of folders) {
    for (const row of scope ? scope.rows(folder) : catalog.photosInFolder(folder.id)) {
      if (seen.has(row.id) || isUnread(row.path)) continue;
      missingIds.add(row.id);
      if (row.hash && row.status === 'indexed')
        missing.set(row.hash, [...(missing.get(row.hash) ?? []), row]);
    }
  }
  return { work, missing, missingIds, unread };
}

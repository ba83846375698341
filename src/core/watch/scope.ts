// Changed paths as an index scope: a run stats and reads what changed, and looks up only the catalog
// rows at or under those paths, instead of walking every photo of the folders they belong to.
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { Catalog, PhotoRow } from '../catalog/catalog';
import type { IndexFolder, IndexScope } from '../indexer/indexer';
import { OUTSIDE_FOLDER, scanFolder, type ScannedFile, type ScanProblem } from '../indexer/scan';
import { fsPath } from '../fs/byte-path';
import { isInside, isInsideReal } from '../paths';
import { FolderRules } from './rules';

/** `path` is `dir` or inside it; both absolute and resolved (a string test: path.relative is slow). */
const under = (path: string, dir: string) =>
  path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/** Absolute, no trailing separator, and none inside another (the outer one covers it), in
 *  O(n log n): a check --repair may pass every photo of a library. */
export function normalisePaths(paths: Iterable<string>): string[] {
  // Sorted with the separator lowest, a folder's descendants follow it directly ('a', 'a/x', 'a-b'),
  // so each path need only be compared with the last one kept.
  const key = (p: string) => p.split(sep).join('\u0000');
  const all = [...new Set([...paths].map((p) => resolve(p)))]
    .map((p) => ({ p, k: key(p) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const kept: string[] = [];
  for (const { p } of all) if (!kept.length || !under(p, kept[kept.length - 1]!)) kept.push(p);
  return kept.sort();
}

/**
 * A scope over `paths` (files or folders, present or gone): a path that is a folder is walked like a
 * library folder; a file is looked at alone; every catalog row at or under a path is covered, so a
 * row whose file is no longer there is matched as a move or swept as deleted.
 */
export function pathScope(catalog: Catalog, paths: Iterable<string>): IndexScope {
  const scoped = normalisePaths(paths);
  const inFolder = (folder: IndexFolder) => scoped.filter((p) => isInside(p, folder.path));
  // Paths files() could not read: what lies under them is unknown, not gone, so rows() leaves their
  // rows out (runIndex lists every folder's files before it asks for rows).
  const unread: string[] = [];
  // A link out of the library folder is left out on purpose: its rows are swept, not kept as unread.
  const onProblem = (problem: ScanProblem) => {
    if (problem.reason !== OUTSIDE_FOLDER) unread.push(problem.path);
  };
  const isUnread = (path: string) => unread.some((u) => isInside(path, u));

  async function* files(folder: IndexFolder, signal?: AbortSignal): AsyncGenerator<ScannedFile> {
    const rules = new FolderRules(folder.path, folder.exclude);
    for (const path of inFolder(folder)) {
      signal?.throwIfAborted();
      if (path === folder.path) {
        yield* scanFolder(path, { exclude: folder.exclude, signal, onProblem });
        continue;
      }
      const st = await stat(fsPath(path)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT' && e.code !== 'ENOTDIR') unread.push(path);
        return null; // gone: its rows are covered below
      });
      if (st?.isDirectory()) {
        if (rules.skips(path, 'dir')) continue;
        // Exclusions are relative to the library folder, so they are applied here, not by the walk.
        for await (const file of scanFolder(path, { signal, onProblem, boundary: folder.path }))
          if (!rules.skips(file.path, 'file')) yield file;
      } else if (st?.isFile() && !rules.skips(path, 'file') && isInsideReal(path, folder.path)) {
        yield { path, size: st.size, mtimeMs: Math.floor(st.mtimeMs) };
      }
    }
  }

  function* rows(folder: IndexFolder): Generator<PhotoRow> {
    for (const path of inFolder(folder)) {
      if (path === folder.path) {
        for (const row of catalog.photosInFolder(folder.id)) if (!isUnread(row.path)) yield row;
        continue;
      }
      if (isUnread(path)) continue;
      for (const id of catalog.photoIdsAtOrUnder(folder.id, path)) {
        const row = catalog.photo(id);
        if (row && !isUnread(row.path)) yield row;
      }
    }
  }

  return { files, rows };
}

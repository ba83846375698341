// Changed paths as an index scope: a run stats and reads what changed, and looks up only the catalog
// rows at or under those paths, instead of walking every photo of the folders they belong to.
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { Catalog, PhotoRow } from '../catalog/catalog';
import type { IndexFolder, IndexScope } from '../indexer/indexer';
import { scanFolder, type ScannedFile } from '../indexer/scan';
import { isInside } from '../paths';
import { FolderRules } from './rules';

/** The code point after the separator: every path under `dir` sorts in [dir + sep, dir + AFTER_SEP). */
const AFTER_SEP = String.fromCharCode(sep.charCodeAt(0) + 1);

/** Absolute, no trailing separator, and none inside another (the outer one covers it). */
export function normalisePaths(paths: Iterable<string>): string[] {
  const all = [...new Set([...paths].map((p) => resolve(p)))].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const p of all) if (!kept.some((k) => isInside(p, k))) kept.push(p);
  return kept.sort();
}

/**
 * A scope over `paths` (files or folders, present or gone): a path that is a folder is walked like a
 * library folder; a file is looked at alone; every catalog row at or under a path is covered, so a
 * row whose file is no longer there is matched as a move or swept as deleted.
 */
export function pathScope(catalog: Catalog, paths: Iterable<string>): IndexScope {
  const scoped = normalisePaths(paths);
  // Range on the UNIQUE(path) index: rows under a folder cost their number, not the library's.
  const under = catalog.db.prepare(
    `SELECT id FROM photos WHERE folder_id = ? AND (path = ? OR (path >= ? AND path < ?)) ORDER BY path`,
  );
  const inFolder = (folder: IndexFolder) => scoped.filter((p) => isInside(p, folder.path));

  async function* files(folder: IndexFolder, signal?: AbortSignal): AsyncGenerator<ScannedFile> {
    const rules = new FolderRules(folder.path, folder.exclude);
    for (const path of inFolder(folder)) {
      signal?.throwIfAborted();
      if (path === folder.path) {
        yield* scanFolder(path, { exclude: folder.exclude, signal });
        continue;
      }
      const st = await stat(path).catch(() => null); // gone: its rows are covered below
      if (st?.isDirectory()) {
        if (rules.skips(path, 'dir')) continue;
        // Exclusions are relative to the library folder, so they are applied here, not by the walk.
        for await (const file of scanFolder(path, { signal })) if (!rules.skips(file.path, 'file')) yield file;
      } else if (st?.isFile() && !rules.skips(path, 'file')) {
        yield { path, size: st.size, mtimeMs: Math.floor(st.mtimeMs) };
      }
    }
  }

  function* rows(folder: IndexFolder): Generator<PhotoRow> {
    for (const path of inFolder(folder)) {
      if (path === folder.path) {
        yield* catalog.photosInFolder(folder.id);
        continue;
      }
      const ids = under.all(folder.id, path, path + sep, path + AFTER_SEP) as Array<{ id: number }>;
      for (const { id } of ids) {
        const row = catalog.photo(id);
        if (row) yield row;
      }
    }
  }

  return { files, rows };
}

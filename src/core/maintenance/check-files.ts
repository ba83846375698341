// Checks between the catalog and the disk: library folders exist, and each photo's file is still
// there with the size and modification time recorded when it was indexed.
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fsPath } from '../fs/byte-path';
import type { Check, CheckContext } from './check-types';
import { EXAMPLES } from './check-types';

/** stat() calls in flight: the scanner's figure, enough to hide disk latency. */
const STAT_CONCURRENCY = 32;
/** Photo rows read per query: no statement stays open across the awaits of the stats. */
const PAGE = 1000;

interface FileStates {
  /** Folders whose root is gone (an unplugged disk looks the same): their photos are not judged. */
  missingFolders: string[];
  missing: string[];
  changed: string[];
}

const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

async function statAll(ctx: CheckContext): Promise<FileStates> {
  const { catalog } = ctx;
  const states: FileStates = { missingFolders: [], missing: [], changed: [] };
  const folders = catalog.folders();
  const present = folders.filter((f) => {
    if (isFolder(f.path)) return true;
    states.missingFolders.push(f.path);
    return false;
  });
  const total = catalog.maintenance.openablePhotoCount(present.map((f) => f.id));
  let done = 0;
  for (const folder of present) {
    for (let after = 0; ;) {
      ctx.signal?.throwIfAborted();
      const rows = catalog.maintenance.photoFilesPage(folder.id, after, PAGE);
      if (!rows.length) break;
      after = rows[rows.length - 1]!.id;
      for (let i = 0; i < rows.length; i += STAT_CONCURRENCY) {
        await Promise.all(
          rows.slice(i, i + STAT_CONCURRENCY).map(async (row) => {
            try {
              const st = await stat(fsPath(row.path));
              // The scanner records whole milliseconds; so does this comparison.
              if (!st.isFile() || st.size !== row.size || Math.floor(st.mtimeMs) !== row.mtimeMs)
                states.changed.push(row.path);
            } catch (e) {
              const code = (e as NodeJS.ErrnoException).code;
              if (code === 'ENOENT' || code === 'ENOTDIR') states.missing.push(row.path);
              else states.changed.push(row.path); // unreadable now: the next run records why
            }
          }),
        );
      }
      done += rows.length;
      ctx.progress(done, total);
    }
  }
  states.missing.sort();
  states.changed.sort();
  return states;
}

const fileStates = (ctx: CheckContext) => ctx.shared('file-states', () => statAll(ctx));

export const foldersMissing: Check = {
  id: 'folders-missing',
  title: 'every library folder exists',
  async find(ctx) {
    const { missingFolders } = await fileStates(ctx);
    return {
      found: missingFolders.length,
      examples: missingFolders.slice(0, EXAMPLES),
      // Never repaired by forgetting the photos: the folder may be on a disk that is not plugged in.
      advice: 'plug its disk back in, or forget it with glimpse remove <folder>',
    };
  },
};

export const filesMissing: Check = {
  id: 'files-missing',
  title: "every photo's file exists",
  async find(ctx) {
    const { missing } = await fileStates(ctx);
    return {
      found: missing.length,
      examples: missing.slice(0, EXAMPLES),
      advice: 'the next glimpse index removes them (or finds where they moved)',
      reindex: missing,
    };
  },
};

export const filesChanged: Check = {
  id: 'files-changed',
  title: "every photo's file has the size and time it was indexed with",
  async find(ctx) {
    const { changed } = await fileStates(ctx);
    return {
      found: changed.length,
      examples: changed.slice(0, EXAMPLES),
      advice: 'the next glimpse index reads them again',
      reindex: changed,
    };
  },
};

// Walks a photo folder: every image file with its size and mtime, skipping hidden and system folders
// and the user's exclusions, following symbolic links that stay inside the folder without ever looping.
import type { Dirent } from 'node:fs';
import { opendir, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { PHOTO_EXTENSIONS } from '../../shared/photo-files';
import { hasEscapedBytes, storedFromBytes } from '../../shared/byte-path';
import { BYTE_PATHS, fsPath, storedPath, UNUSABLE_NAME_REASON } from '../fs/byte-path';
import { isInside } from '../paths';

/** Extensions Glimpse indexes (src/shared/photo-files.ts), as a set for the walk. */
export const IMAGE_EXTENSIONS = new Set(PHOTO_EXTENSIONS);

/** Folders that hold no user photos, or copies the OS or a NAS keeps of them. */
export const SYSTEM_FOLDERS = new Set([
  '$RECYCLE.BIN',
  'System Volume Information',
  'lost+found',
  '@eaDir', // Synology thumbnails
  '#recycle', // Synology recycle bin
  '#snapshot',
  'node_modules',
]);

/** ScanProblem.reason of a symbolic link whose target lies outside the folder scanned: not followed, so a
 *  link to `/` or to a file elsewhere never brings in photos the user did not add. */
export const OUTSIDE_FOLDER = 'EOUTSIDE';

export interface ScannedFile {
  /** The stored form (src/shared/byte-path.ts): the exact bytes of a name that is not valid UTF-8 are
   *  kept, and fsPath() gives what opens it. */
  path: string;
  size: number;
  mtimeMs: number;
  /** Set only where such a name cannot be opened at all (Windows: paths are UTF-16 text): why it is
   *  recorded as a failure instead of indexed. */
  badName?: string;
}

/** A path as realpath gives its bytes, in the stored form. */
async function realStored(path: string): Promise<string> {
  return storedPath(await realpath(fsPath(path), { encoding: 'buffer' }));
}

export interface ScanProblem {
  path: string;
  /** What could not be read: a folder (so what it holds is unknown), a symbolic link, or a listed file. */
  kind: 'folder' | 'link' | 'file';
  /** The errno code (ENOENT, EACCES, ELOOP…), else the error's message. */
  reason: string;
}

export interface ScanOptions {
  /** Glob patterns relative to the root (picomatch syntax), e.g. "**\/private/**", "*.gif". */
  exclude?: string[];
  signal?: AbortSignal;
  /** Called with every problem met (unreadable folder, broken link); the walk goes on. */
  onProblem?: (p: ScanProblem) => void;
  /** The folder links must stay inside; default the root. A scoped run walking a subfolder passes its
   *  library folder, so a link to a sibling folder means the same as in a full scan. */
  boundary?: string;
}

/** stat() calls in flight: enough to hide disk latency, few enough not to starve the decoder's threads. */
const STAT_CONCURRENCY = 32;

const isImage = (name: string) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase());

function isHidden(name: string): boolean {
  return name.startsWith('.');
}

/** Yields image files under `root` in no particular order. */
export async function* scanFolder(root: string, opts: ScanOptions = {}): AsyncGenerator<ScannedFile> {
  const excluded = opts.exclude?.length ? picomatch(opts.exclude, { dot: true }) : null;
  const isExcluded = (path: string, isDir: boolean) => {
    if (!excluded) return false;
    const rel = relative(root, path).split(sep).join('/');
    return excluded(rel) || (isDir && excluded(`${rel}/`));
  };
  // Real paths of folders entered, so a link back up the tree (or two links to one folder) is walked once.
  const seenDirs = new Set<string>();
  const stack: string[] = [root];
  const problem = (path: string, kind: ScanProblem['kind'], e: unknown) =>
    opts.onProblem?.({ path, kind, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
  const outside = (path: string) => opts.onProblem?.({ path, kind: 'link', reason: OUTSIDE_FOLDER });
  let realRoot: string;
  try {
    realRoot = await realStored(opts.boundary ?? root);
  } catch (e) {
    problem(opts.boundary ?? root, 'folder', e);
    return;
  }

  while (stack.length) {
    opts.signal?.throwIfAborted();
    const dir = stack.pop()!;
    let real: string;
    try {
      real = await realStored(dir);
    } catch (e) {
      problem(dir, 'folder', e);
      continue;
    }
    // Also catches a folder swapped for a link after it was listed.
    if (!isInside(real, realRoot)) {
      outside(dir);
      continue;
    }
    if (seenDirs.has(real)) continue;
    seenDirs.add(real);

    const files: string[] = [];
    const unusable: string[] = [];
    try {
      // Names as bytes: a name that is not valid UTF-8 would otherwise arrive with U+FFFD in it, name
      // no file, and look like one that vanished. storedFromBytes keeps its bytes.
      const handle = await opendir(fsPath(dir), { bufferSize: 256, encoding: 'buffer' as BufferEncoding });
      for await (const entry of handle as unknown as AsyncIterable<Dirent<Buffer>>) {
        const name = storedFromBytes(entry.name);
        if (isHidden(name)) continue;
        const path = join(dir, name);
        if (!BYTE_PATHS && hasEscapedBytes(name)) {
          // Where paths are text, no call can open this name: said once, with the reason.
          if (entry.isDirectory() || entry.isSymbolicLink()) {
            if (!isExcluded(path, true))
              problem(path, 'folder', Object.assign(new Error(name), { code: 'EILSEQ' }));
          } else if (isImage(name) && entry.isFile() && !isExcluded(path, false)) {
            unusable.push(path);
          }
          continue;
        }
        if (entry.isDirectory()) {
          if (!SYSTEM_FOLDERS.has(name) && !isExcluded(path, true)) stack.push(path);
        } else if (entry.isFile()) {
          if (isImage(name) && !isExcluded(path, false)) files.push(path);
        } else if (entry.isSymbolicLink()) {
          try {
            const real = await realStored(path);
            if (!isInside(real, realRoot)) {
              outside(path);
              continue;
            }
            const target = await stat(fsPath(real));
            if (target.isDirectory()) {
              if (!isExcluded(path, true)) stack.push(path);
            } else if (target.isFile() && isImage(name) && !isExcluded(path, false)) {
              files.push(path);
            }
          } catch (e) {
            problem(path, 'link', e); // a dangling link, or a loop of links
          }
        }
      }
    } catch (e) {
      problem(dir, 'folder', e);
      continue;
    }

    for (let i = 0; i < files.length; i += STAT_CONCURRENCY) {
      const stats = await Promise.all(
        files.slice(i, i + STAT_CONCURRENCY).map((path) =>
          stat(fsPath(path)).then(
            (s) => ({ path, size: s.size, mtimeMs: Math.floor(s.mtimeMs) }),
            (e: unknown) => {
              problem(path, 'file', e); // vanished between listing and stat
              return null;
            },
          ),
        ),
      );
      for (const s of stats) if (s) yield s;
    }
    // Never opened, so no size or time: the row says why until the name is fixed.
    for (const path of unusable) yield { path, size: 0, mtimeMs: 0, badName: UNUSABLE_NAME_REASON };
  }
}

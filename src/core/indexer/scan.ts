// Walks a photo folder: every image file with its size and mtime, skipping hidden and system folders
// and the user's exclusions, following symbolic links that stay inside the folder without ever looping.
import type { Dirent } from 'node:fs';
import { opendir, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { PHOTO_EXTENSIONS } from '../../shared/photo-files';
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
  path: string;
  size: number;
  mtimeMs: number;
  /** Set when the file's name is not valid UTF-8: `path` is then its display form (each invalid byte
   *  as %XX), which cannot open it, and this says why it is recorded as a failure instead. */
  badName?: string;
}

/** The reason recorded for a file whose name is not valid UTF-8. */
export const BAD_NAME_REASON =
  'its name is not valid UTF-8 (shown with %XX for each invalid byte): Glimpse cannot store or open ' +
  'such a name yet; rename the file to index it';

/** A name as raw bytes → its text and whether that text is exactly those bytes. */
function decodeName(raw: Buffer): { name: string; valid: boolean } {
  const text = raw.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(raw)) return { name: text, valid: true };
  // Keep every valid character, and each byte of an invalid sequence as %XX, so two bad names that
  // differ in their bytes stay different on screen and in the catalog.
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const lead = raw[i]!;
    const len =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead < 0xe0
          ? 2
          : lead >= 0xe0 && lead < 0xf0
            ? 3
            : lead >= 0xf0 && lead < 0xf5
              ? 4
              : 0;
    const piece = len ? raw.subarray(i, i + len) : null;
    const ok = piece && piece.length === len && Buffer.from(piece.toString('utf8'), 'utf8').equals(piece);
    if (ok) {
      out += piece.toString('utf8');
      i += len;
    } else {
      out += `%${lead.toString(16).toUpperCase().padStart(2, '0')}`;
      i += 1;
    }
  }
  return { name: out, valid: false };
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
    realRoot = await realpath(opts.boundary ?? root);
  } catch (e) {
    problem(opts.boundary ?? root, 'folder', e);
    return;
  }

  while (stack.length) {
    opts.signal?.throwIfAborted();
    const dir = stack.pop()!;
    let real: string;
    try {
      real = await realpath(dir);
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
    /** Image files whose names are not valid UTF-8: display path → the raw path that opens them. */
    const badFiles = new Map<string, Buffer>();
    try {
      // Names as bytes: a name that is not valid UTF-8 would otherwise arrive with U+FFFD in it, name
      // no file, and look like one that vanished.
      const handle = await opendir(dir, { bufferSize: 256, encoding: 'buffer' as BufferEncoding });
      for await (const entry of handle as unknown as AsyncIterable<Dirent<Buffer>>) {
        const { name, valid } = decodeName(entry.name);
        if (isHidden(name)) continue;
        const path = join(dir, name);
        if (!valid) {
          if (entry.isDirectory() || entry.isSymbolicLink()) {
            if (!isExcluded(path, true))
              problem(path, 'folder', Object.assign(new Error(name), { code: 'EILSEQ' }));
          } else if (
            entry.isFile() &&
            IMAGE_EXTENSIONS.has(extname(name).toLowerCase()) &&
            !isExcluded(path, false)
          ) {
            badFiles.set(path, Buffer.concat([Buffer.from(dir + sep), entry.name]));
          }
          continue;
        }
        if (entry.isDirectory()) {
          if (!SYSTEM_FOLDERS.has(name) && !isExcluded(path, true)) stack.push(path);
        } else if (entry.isFile()) {
          if (IMAGE_EXTENSIONS.has(extname(name).toLowerCase()) && !isExcluded(path, false)) files.push(path);
        } else if (entry.isSymbolicLink()) {
          try {
            const real = await realpath(path);
            if (!isInside(real, realRoot)) {
              outside(path);
              continue;
            }
            const target = await stat(real);
            if (target.isDirectory()) {
              if (!isExcluded(path, true)) stack.push(path);
            } else if (
              target.isFile() &&
              IMAGE_EXTENSIONS.has(extname(name).toLowerCase()) &&
              !isExcluded(path, false)
            ) {
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
          stat(path).then(
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
    for (const [path, raw] of badFiles) {
      const s = await stat(raw).catch((e: unknown) => {
        problem(path, 'file', e);
        return null;
      });
      if (s) yield { path, size: s.size, mtimeMs: Math.floor(s.mtimeMs), badName: BAD_NAME_REASON };
    }
  }
}

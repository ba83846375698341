// Watch mode: keeps the library current while its folders change. chokidar watches folders only, and
// each folder's watcher names the child that changed; the changed paths of each quiet moment become
// one scoped indexing run, so a run costs what changed, however large the library is.
//
// chokidar lists folders by text, so a folder with a name on its path that is not valid UTF-8 gets no
// watcher: its mtime is polled instead (byte-folders.ts), and a photo edited in place there waits for the
// next full run. A file or folder with such a name appearing in a watched folder is seen (fs.watch
// gives its name with U+FFFD, so that folder is rescanned).
//
// Why folders only: chokidar opens one OS watcher per file it tracks (an inotify watch on Linux, a file
// descriptor on macOS), and a million photos would exhaust both limits. Folder watchers report their
// children's creates, writes, renames and deletes ('raw' events), which is all a scoped run needs.
import { watch as watchPaths, type FSWatcher } from 'chokidar';
import { existsSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { hasEscapedBytes } from '../../shared/byte-path';
import { fsPath } from '../fs/byte-path';
import { ByteFolders } from './byte-folders';
import type { IndexOptions, IndexSummary } from '../indexer/indexer';
import type { IndexProgress } from '../indexer/progress';
import { isInside } from '../paths';
import { Batcher, MAX_WAIT_MS, QUIET_MS, type BatchTiming } from './batcher';
import { FolderRules, isPhotoName } from './rules';

export interface WatchedFolder {
  path: string;
  exclude: string[];
}

/** What watch mode needs from the library (LibraryOps gives it). */
export interface WatchTarget {
  /** A full run over these library folders. */
  index(folders: string[], opts: IndexOptions): Promise<IndexSummary>;
  /** A run over these paths only (files or folders, present or gone); does not save the index file. */
  indexPaths(paths: string[], opts: IndexOptions): Promise<IndexSummary>;
  saveIndex(): Promise<void>;
  /** Stored paths of the library's photos whose names are not all UTF-8: the folders on their way that
   *  chokidar cannot watch are polled instead. */
  pathsWithEscapedBytes?(): string[];
}

export type WatchEvent =
  | { type: 'watching'; folders: string[] }
  /** A run ended: 'catch-up' indexes what changed while nothing watched; 'changes' what was seen. */
  | { type: 'run'; reason: 'catch-up' | 'changes'; paths: number; summary: IndexSummary }
  /** A library folder vanished (deleted, or a disk unplugged): its photos stay until it is back. */
  | { type: 'folder-missing'; folder: string }
  | { type: 'folder-back'; folder: string }
  | { type: 'error'; message: string };

export interface WatchOptions {
  /** Watching ends when this aborts (after the run in flight stops, within one batch). */
  signal: AbortSignal;
  onEvent?: (e: WatchEvent) => void;
  /** Progress of the run in flight. */
  onProgress?: (p: IndexProgress) => void;
  /** Index the folders in full before watching them: what changed while nothing watched (default true). */
  catchUp?: boolean;
  timing?: Partial<BatchTiming>;
  /** How often a vanished folder is looked for (ms); default FOLDER_POLL_MS. */
  folderPollMs?: number;
}

export interface WatchSummary {
  runs: number;
  embedded: number;
  reused: number;
  removed: number;
  failed: number;
}

/** A vanished folder is looked for this often (ms): a disk plugged back in is picked up within
 *  seconds, for one stat per missing folder. */
const FOLDER_POLL_MS = 5000;
/**
 * Saving the index writes the whole graph (about 4.3 kB a photo at 1024-d: gigabytes at a million),
 * while a watch run touches a handful of photos; the catalog records every change, and the next open
 * replays whatever the saved file lacks. So watch mode saves at most every ten minutes, and on exit.
 */
const SAVE_EVERY_MS = 10 * 60 * 1000;

const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** Watches `folders` (library folders) until `opts.signal` aborts. */
export async function watchFolders(
  target: WatchTarget,
  folders: WatchedFolder[],
  opts: WatchOptions,
): Promise<WatchSummary> {
  const { signal } = opts;
  const emit = (e: WatchEvent) => opts.onEvent?.(e);
  const rules = new Map(folders.map((f) => [f.path, new FolderRules(f.path, f.exclude)]));
  // Longest first, so a path finds its own folder (library folders never nest, but be exact).
  const roots = [...rules.keys()].sort((a, b) => b.length - a.length);
  const rootOf = (path: string) => roots.find((r) => isInside(path, r));
  const totals: WatchSummary = { runs: 0, embedded: 0, reused: 0, removed: 0, failed: 0 };
  const missing = new Set<string>();
  let lastSave = Date.now();
  /** Set when fs.watch gave a name it could not decode: the folders to poll may have changed. */
  let lossyNames = false;
  const byteFolders = new ByteFolders(target, (dir) => note(dir));

  const record = (reason: 'catch-up' | 'changes', paths: number, summary: IndexSummary) => {
    totals.runs++;
    totals.embedded += summary.embedded;
    totals.reused += summary.reused;
    totals.removed += summary.removed;
    totals.failed += summary.failed.length;
    emit({ type: 'run', reason, paths, summary });
  };

  const batcher = new Batcher(
    async (paths) => {
      const live: string[] = [];
      /** A folder was among them: its rescan may have found folders to poll. */
      let folders = false;
      for (const path of paths) {
        const root = rootOf(path);
        if (!root || missing.has(root)) continue;
        // A folder that vanished is never swept: an unplugged disk looks exactly like a deletion.
        if (!isFolder(root)) {
          lose(root);
          continue;
        }
        const st = await stat(fsPath(path)).catch(() => null);
        if (st?.isFile() && !isPhotoName(path)) continue; // a sidecar, a partial download
        if (st?.isDirectory()) folders = true;
        live.push(path);
      }
      if (!live.length || signal.aborted) return;
      const summary = await target.indexPaths(live, { signal, onProgress: opts.onProgress });
      record('changes', live.length, summary);
      // The list comes from a scan of the photos table, so only after runs that may have changed it.
      if (folders || lossyNames || live.some(hasEscapedBytes)) {
        lossyNames = false;
        await byteFolders.refresh();
      }
      if (Date.now() - lastSave >= SAVE_EVERY_MS) {
        lastSave = Date.now();
        await target.saveIndex();
      }
    },
    { quietMs: QUIET_MS, maxWaitMs: MAX_WAIT_MS, ...opts.timing },
    (e) => {
      if (!signal.aborted) emit({ type: 'error', message: (e as Error).message ?? String(e) });
    },
  );

  const note = (path: string) => {
    const root = rootOf(path);
    if (!root || missing.has(root)) return;
    if (path !== root && rules.get(root)!.skips(path, 'dir')) return;
    batcher.add(path);
  };

  const present = roots.filter(isFolder);
  const watcher: FSWatcher = watchPaths(present, {
    ignoreInitial: true,
    ignorePermissionErrors: true,
    ignored: (path, stats) => {
      const root = rootOf(path);
      if (!root || path === root) return false;
      if (stats?.isFile()) return true; // folders only: see the header
      return rules.get(root)!.skips(path, 'dir');
    },
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', resolve));
  watcher.on('raw', (_event, filename, details) => {
    const dir = (details as { watchedPath?: string }).watchedPath;
    if (!dir) return;
    const name = filename ? String(filename) : null;
    // fs.watch gives names as text: one that is not valid UTF-8 arrives with U+FFFD in it and names no
    // file, so the folder it is in is looked at instead (the scan reads names as bytes).
    if (name?.includes('\uFFFD')) {
      lossyNames = true;
      return note(dir);
    }
    // A folder's own watcher names the folder itself when it is deleted.
    const path = name && !(name === basename(dir) && !existsSync(join(dir, name))) ? join(dir, name) : dir;
    note(path);
  });
  watcher.on('addDir', note);
  watcher.on('unlinkDir', note);
  watcher.on('error', (e) => emit({ type: 'error', message: `watching: ${(e as Error).message}` }));

  const bytePoll = setInterval(() => void byteFolders.poll(), opts.folderPollMs ?? FOLDER_POLL_MS);
  let poll: NodeJS.Timeout | null = null;
  function lose(root: string) {
    if (missing.has(root)) return;
    missing.add(root);
    watcher.unwatch(root);
    emit({ type: 'folder-missing', folder: root });
    poll ??= setInterval(() => {
      for (const r of missing) {
        if (!isFolder(r)) continue;
        missing.delete(r);
        watcher.add(r);
        emit({ type: 'folder-back', folder: r });
        note(r); // what changed while it was away: one run over the whole folder
      }
      if (!missing.size && poll) {
        clearInterval(poll);
        poll = null;
      }
    }, opts.folderPollMs ?? FOLDER_POLL_MS);
  }

  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    for (const root of roots) if (!present.includes(root)) lose(root);
    if (present.length) await Promise.race([ready, stopped]);
    if (signal.aborted) return totals;
    emit({ type: 'watching', folders: present });
    if (opts.catchUp !== false && present.length) {
      try {
        record(
          'catch-up',
          present.length,
          await target.index(present, { signal, onProgress: opts.onProgress }),
        );
      } catch (e) {
        if (!signal.aborted) throw e;
      }
    }
    await byteFolders.refresh();
    batcher.start();
    await stopped;
    return totals;
  } finally {
    clearInterval(bytePoll);
    if (poll) clearInterval(poll);
    await watcher.close();
    await batcher.stop();
    await target.saveIndex();
  }
}

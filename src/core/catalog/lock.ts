// One writer per library: a lock file holding the writer's PID, taken atomically, taken over when the
// process that left it is gone (a crash or kill -9), and refused with the PID when it is alive.
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

export class LibraryInUseError extends Error {
  readonly code = 'LIBRARY_IN_USE';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`library ${dir} is in use by PID ${pid}; close that Glimpse (app or CLI) first`);
    this.name = 'LibraryInUseError';
  }
}

interface LockInfo {
  pid: number;
  host: string;
  since: number;
}

/** A lock file younger than this with no PID in it is being written, not abandoned. */
const HALF_WRITTEN_GRACE_MS = 2000;

function mtimeMs(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** True while process `pid` exists (on this machine). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : null;
  } catch {
    return null; // missing, or half-written by a writer that died mid-write
  }
}

/** Takes the lock or throws LibraryInUseError. Returns the release function. */
export function acquireWriterLock(file: string, dir: string): () => void {
  for (let attempt = 0; attempt < 30; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      const info: LockInfo = { pid: process.pid, host: hostname(), since: Date.now() };
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (readLock(file)?.pid === process.pid) rmSync(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(file);
      // A lock from another host (a library on a network share) cannot be checked: respect it.
      if (holder && (holder.host !== hostname() || isAlive(holder.pid)) && holder.pid !== process.pid) {
        throw new LibraryInUseError(dir, holder.pid);
      }
      if (holder?.pid === process.pid) throw new LibraryInUseError(dir, process.pid);
      if (!holder && Date.now() - mtimeMs(file) < HALF_WRITTEN_GRACE_MS) {
        // Another process has just created the file and not yet written its PID.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        continue;
      }
      rmSync(file, { force: true }); // stale: its writer is gone
    }
  }
  throw new Error(`could not take the library lock ${file}`);
}

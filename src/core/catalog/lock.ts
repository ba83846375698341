// One writer per library: a lock file holding the writer's PID, taken atomically, taken over when the
// process that left it is gone (a crash or kill -9), and refused with the PID when it is alive.
//
// The file appears whole (written beside it, then hard-linked into place, which fails if one exists),
// so no reader ever sees it half-written. Taking over a stale lock is the racy part: two starters may
// both judge it stale, and the slower one must not delete the lock the faster one has just taken. So a
// stale lock is only removed while holding a second file, <lock>.takeover (taken the same way), after
// checking that the lock still holds exactly what was judged stale.
import { linkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
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
  /** Tells two locks of the same PID apart (a PID reused after a reboot). */
  nonce?: string;
}

/** A lock file younger than this with no PID in it may be an older Glimpse's, being written. */
const HALF_WRITTEN_GRACE_MS = 2000;
/** A takeover file is held for microseconds; one older than this was left by a process that died. */
const TAKEOVER_STALE_MS = 5000;

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

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function parseLock(text: string | null): LockInfo | null {
  if (text === null) return null;
  try {
    const info = JSON.parse(text) as LockInfo;
    return typeof info?.pid === 'number' ? info : null;
  } catch {
    return null; // half-written by an older Glimpse that died mid-write
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Creates `file` holding `text`, whole, or returns false when it exists. */
function createWhole(file: string, text: string): boolean {
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(tmp, text);
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw e;
    // No hard links here (FAT, exFAT, some network shares): exclusive create, then write. A reader may
    // see it empty for a moment, which the half-written grace in acquireWriterLock allows for.
    try {
      writeFileSync(file, text, { flag: 'wx' });
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Removes `file` only if it still holds `expected`. Callers hold the takeover file, so nobody else
 * removes the lock meanwhile, and a new lock cannot replace an existing one: what was read is what goes.
 */
function removeIfStill(file: string, expected: string | null): void {
  const now = readText(file);
  if (now === null) return;
  if (now === expected) rmSync(file, { force: true });
}

/** Runs `fn` holding <file>.takeover; false when another process holds it (try again shortly). */
function withTakeover(file: string, fn: () => void): boolean {
  const takeover = `${file}.takeover`;
  const mine = JSON.stringify({ pid: process.pid, nonce: randomUUID() });
  if (!createWhole(takeover, mine)) {
    if (Date.now() - mtimeMs(takeover) > TAKEOVER_STALE_MS) {
      // Its holder died inside those microseconds. Move it aside under a name of our own, then make
      // sure what we moved is what we judged abandoned; a fresh one moved by mistake goes back.
      const seen = readText(takeover);
      const aside = `${takeover}.${process.pid}.${randomUUID()}.stale`;
      try {
        renameSync(takeover, aside);
        if (readText(aside) !== seen) linkSync(aside, takeover);
      } catch {
        // someone else cleared it first
      }
      rmSync(aside, { force: true });
    }
    return false;
  }
  try {
    fn();
  } finally {
    if (readText(takeover) === mine) rmSync(takeover, { force: true });
  }
  return true;
}

/** Takes the lock or throws LibraryInUseError. Returns the release function. */
export function acquireWriterLock(file: string, dir: string): () => void {
  const info: LockInfo = { pid: process.pid, host: hostname(), since: Date.now(), nonce: randomUUID() };
  const text = JSON.stringify(info);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (createWhole(file, text)) {
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (readText(file) === text) rmSync(file, { force: true });
      };
    }
    const seen = readText(file);
    if (seen === null) continue; // released between our attempt and our look: try again
    const holder = parseLock(seen);
    if (holder?.pid === process.pid && holder.host === hostname())
      throw new LibraryInUseError(dir, process.pid);
    // A lock from another host (a library on a network share) cannot be checked: respect it.
    if (holder && (holder.host !== hostname() || isAlive(holder.pid))) {
      throw new LibraryInUseError(dir, holder.pid);
    }
    if (!holder && Date.now() - mtimeMs(file) < HALF_WRITTEN_GRACE_MS) {
      sleep(50); // an older Glimpse has just created the file and not yet written its PID
      continue;
    }
    // Stale: its writer is gone. Remove it only as judged, holding the takeover file; then race again.
    if (!withTakeover(file, () => removeIfStill(file, seen))) sleep(5);
  }
  throw new Error(`could not take the library lock ${file} within 10 s`);
}

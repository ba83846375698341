import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killHard, startChild, type Child } from '../../../test/chaos/child';
import { Catalog } from './catalog';
import { LibraryInUseError } from './lock';

let dir: string;
const children: Child[] = [];
const open: Catalog[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-lock-'));
});
afterEach(async () => {
  await Promise.all(children.splice(0).map(killHard));
  for (const c of open.splice(0)) c.close();
  await rm(dir, { recursive: true, force: true });
});

const lockFile = () => join(dir, 'library.lock');
const holder = () => (JSON.parse(readFileSync(lockFile(), 'utf8')) as { pid: number }).pid;
const openCatalog = (opts?: Parameters<typeof Catalog.open>[1]) => {
  const c = Catalog.open(dir, opts);
  open.push(c);
  return c;
};

/** The PID of a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

/** Another Node process holding the library as its writer. */
async function holdInChild(): Promise<Child> {
  const child = startChild('hold-library.ts', [dir]);
  children.push(child);
  await child.waitFor((l) => l.startsWith('held '));
  return child;
}

function inUseError(fn: () => unknown): LibraryInUseError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LibraryInUseError);
    return e as LibraryInUseError;
  }
  throw new Error('expected LibraryInUseError, nothing was thrown');
}

describe('the writer lock', () => {
  it('refuses a second writer in another process, naming the PID that holds the library, but not readers', async () => {
    const child = await holdInChild();
    const e = inUseError(() => openCatalog());
    expect(e.message).toBe(
      `library ${dir} is in use by PID ${child.pid}; close that Glimpse (app or CLI) first`,
    );
    expect(e.pid).toBe(child.pid);
    expect(e.code).toBe('LIBRARY_IN_USE');
    expect(holder()).toBe(child.pid);

    const reader = openCatalog({ readonly: true });
    expect(reader.folders()).toEqual([]);
  });

  it('takes over the lock of a writer that was killed (kill -9 leaves the file behind)', async () => {
    const child = await holdInChild();
    await killHard(child);
    expect(holder()).toBe(child.pid); // the dead writer's lock is still there
    openCatalog();
    expect(holder()).toBe(process.pid);
  });

  it('hands the library over when the writer closes it', async () => {
    const child = await holdInChild();
    child.proc.kill('SIGTERM');
    await child.exited;
    openCatalog();
    expect(holder()).toBe(process.pid);
  });

  it('refuses a second writer in the same process', () => {
    openCatalog();
    const e = inUseError(() => openCatalog());
    expect(e.pid).toBe(process.pid);
  });

  it('takes over a lock naming a process that no longer exists', () => {
    writeFileSync(
      lockFile(),
      JSON.stringify({ pid: deadPid(), host: hostname(), since: Date.now() - 60_000 }),
    );
    openCatalog();
    expect(holder()).toBe(process.pid);
  });

  it('respects a lock taken on another host, where the PID cannot be checked', () => {
    const pid = deadPid();
    writeFileSync(lockFile(), JSON.stringify({ pid, host: `not-${hostname()}`, since: Date.now() }));
    expect(inUseError(() => openCatalog()).pid).toBe(pid);
  });

  it('takes over a lock file left empty by a writer that died while writing it', () => {
    writeFileSync(lockFile(), '');
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(lockFile(), longAgo, longAgo);
    openCatalog();
    expect(holder()).toBe(process.pid);
  });

  it('lets exactly one of several processes starting together take over a stale lock, every time', async () => {
    const starters = 4;
    const trials = 80;
    const contenders = Array.from({ length: starters }, () =>
      startChild('lock-contender.ts', [dir, String(trials)]),
    );
    children.push(...contenders);
    await Promise.all(contenders.map((c) => c.waitFor((l) => l === 'ready')));
    const dead = deadPid();
    const outcomes: string[][] = [];
    for (let i = 0; i < trials; i++) {
      writeFileSync(lockFile(), JSON.stringify({ pid: dead, host: hostname(), since: Date.now() - 60_000 }));
      writeFileSync(join(dir, `go-${i}`), '');
      const results = contenders.map((c) => join(dir, `r-${i}-${c.pid}`));
      while (!results.every((f) => existsSync(f))) await new Promise((r) => setTimeout(r, 2));
      outcomes.push(results.map((f) => readFileSync(f, 'utf8')).sort());
      writeFileSync(join(dir, `end-${i}`), '');
      while (existsSync(lockFile())) await new Promise((r) => setTimeout(r, 2));
    }
    const wrong = outcomes.filter((o) => o.filter((r) => r === 'won').length !== 1);
    expect(wrong, `trials without exactly one winner: ${wrong.length} of ${trials}`).toEqual([]);
    expect(outcomes.flat().filter((r) => r !== 'won' && r !== 'busy')).toEqual([]);
  });

  it('removes the lock file on close, and only its own', () => {
    const c = openCatalog();
    c.close();
    expect(() => readFileSync(lockFile())).toThrow(/ENOENT/);
  });
});

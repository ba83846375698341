// Starts the chaos tests' child scripts as real Node processes — from source through tsx, or bundled
// the way the CLI ships (tools/build-cli.mjs) where start-up time matters — and reads their lines.
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Child {
  proc: ChildProcessByStdio<null, Readable, Readable>;
  pid: number;
  /** Lines printed so far. */
  lines: string[];
  /** Resolves with the first line (already printed or yet to come) that `match` accepts; rejects if
   *  the process ends first. */
  waitFor(match: (line: string) => boolean): Promise<string>;
  /** Resolves with the exit code, or the signal's name, once its output is read to the end. */
  exited: Promise<number | string>;
  stderr(): string;
}

/** Runs `script`: a file of test/chaos (such as 'hold-library.ts') under Node with tsx, or the
 *  absolute path of a bundled .mjs file from bundleChild(). */
export function startChild(script: string, args: string[], env: Record<string, string> = {}): Child {
  const file = script.endsWith('.mjs') ? script : fileURLToPath(new URL(`./${script}`, import.meta.url));
  const nodeArgs = script.endsWith('.mjs') ? [file] : ['--import', 'tsx', file];
  const proc = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const lines: string[] = [];
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const watchers: Array<{ match: (l: string) => boolean; resolve: (l: string) => void }> = [];
  createInterface({ input: proc.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of watchers.splice(0)) {
      if (w.match(line)) w.resolve(line);
      else watchers.push(w);
    }
  });
  const exited = new Promise<number | string>((resolve) =>
    proc.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return {
    proc,
    pid: proc.pid!,
    lines,
    stderr: () => err,
    exited,
    waitFor(match) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        watchers.push({ match, resolve });
        void exited.then((how) =>
          reject(new Error(`the child ended (${how}) before printing the line waited for:\n${err}`)),
        );
      });
    },
  };
}

/** kill -9, and wait until the process is gone. */
export async function killHard(child: Child): Promise<void> {
  child.proc.kill('SIGKILL');
  await child.exited;
}

/**
 * Bundles test/chaos/<name>.ts with the engine's worker scripts beside it, as the CLI is built. The
 * folder sits under node_modules/.cache so the bundle finds the native modules it leaves external.
 * A bundled child starts in about half the time of one compiled by tsx on the fly.
 */
export function bundleChild(name: string): { file: string; dispose: () => void } {
  const cache = join(REPO_ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const outdir = mkdtempSync(join(cache, 'glimpse-chaos-'));
  execFileSync(
    process.execPath,
    ['tools/build-cli.mjs', '--outdir', outdir, '--entry', `${name}=test/chaos/${name}.ts`],
    { cwd: REPO_ROOT, stdio: 'pipe' },
  );
  return {
    file: join(outdir, `${name}.mjs`),
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

// Starts the TypeScript child scripts of the chaos tests as real Node processes (through tsx, as the
// CLI runs from source) and reads the JSON or text lines they print.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
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
   *  the process exits first. */
  waitFor(match: (line: string) => boolean): Promise<string>;
  /** Resolves with the exit code, or the signal's name, once its output is read to the end. */
  exited: Promise<number | string>;
  stderr(): string;
}

/** Runs test/chaos/<script> with `args` under Node with tsx. */
export function startChild(script: string, args: string[]): Child {
  const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const proc = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
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
          reject(new Error(`the child exited (${how}) before printing the line waited for:\n${err}`)),
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

// CLI commands that look after a library: watch (keep it current), duplicates (near-identical photos),
// check (catalog, vector index, files and thumbnails agree; --repair fixes what is safe).
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { untilInterrupted } from './interrupt';
import {
  DEFAULT_NEIGHBOURS,
  DEFAULT_THRESHOLD,
  type CheckReport,
  type DuplicateReport,
  type Workspace,
  type IndexSummary,
  type WatchEvent,
} from '../core';
import type { GlobalOptions, Io } from './common';
import { UsageError } from './common';
import { readLibrary } from './library-commands';
import { shown } from './shown';

type WithWorkspace = <T>(g: GlobalOptions, fn: (workspace: Workspace) => Promise<T>) => Promise<T>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A counter on stderr: a bar on a terminal, a line every few seconds otherwise, nothing for --json. */
function counter(
  io: Io,
  label: string,
  quiet: boolean,
): { update: (done: number, total: number) => void; stop: () => void } {
  if (quiet) return { update: () => {}, stop: () => {} };
  if (!(process.stderr as NodeJS.WriteStream).isTTY) {
    let last = Date.now(); // a quick job prints nothing
    return {
      update: (done, total) => {
        if (Date.now() - last < 5000) return;
        last = Date.now();
        io.err(`${label}: ${done}/${total}\n`);
      },
      stop: () => {},
    };
  }
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total}`,
    barsize: 24,
    stream: process.stderr,
  });
  let started = false;
  return {
    update: (done, total) => {
      if (!started) bar.start(Math.max(total, 1), done);
      started = true;
      bar.setTotal(Math.max(total, 1));
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}

/** One line for what a run changed; null when it changed nothing. */
function describeRun(s: IndexSummary): string | null {
  const parts = [
    s.embedded && `${s.embedded} new`,
    s.reused && `${s.reused} moved or copied`,
    s.removed && `${s.removed} removed`,
    s.failed.length && `${s.failed.length} skipped`,
  ].filter(Boolean);
  return parts.length ? `${parts.join(', ')} (${s.seconds.toFixed(1)} s)` : null;
}

function printWatchEvent(io: Io, e: WatchEvent): void {
  const at = new Date().toTimeString().slice(0, 8);
  switch (e.type) {
    case 'watching':
      io.out(`${at}  watching ${e.folders.map(shown).join(', ')} (Ctrl-C to stop)\n`);
      return;
    case 'run': {
      const what = describeRun(e.summary);
      if (e.reason === 'catch-up') io.out(`${at}  caught up: ${what ?? 'nothing had changed'}\n`);
      else if (what) io.out(`${at}  ${what}\n`);
      for (const f of e.summary.failed.slice(0, 5))
        io.out(`          skipped ${shown(f.path)}: ${shown(f.reason)}\n`);
      return;
    }
    case 'folder-missing':
      io.out(`${at}  ${shown(e.folder)} is gone; its photos stay in the library until it is back\n`);
      return;
    case 'folder-back':
      io.out(`${at}  ${shown(e.folder)} is back\n`);
      return;
    case 'error':
      io.err(`${at}  ${shown(e.message)}\n`);
      return;
  }
}

function printDuplicates(io: Io, r: DuplicateReport): void {
  r.groups.forEach((g, i) => {
    io.out(
      `Group ${i + 1}: ${g.photos.length} photos${g.identical ? ', identical files' : `, lowest score ${g.minScore.toFixed(3)}`}\n`,
    );
    g.photos.forEach((p, j) => {
      const dims = p.width && p.height ? `  ${p.width}×${p.height}` : '';
      io.out(
        `  ${j === 0 ? ' best' : p.score.toFixed(3)}  ${shown(p.path)}${dims}  ${(p.size / 1024).toFixed(0)} KB\n`,
      );
    });
  });
  const photos = r.groups.reduce((n, g) => n + g.photos.length, 0);
  io.out(
    `${r.groups.length} groups, ${photos} photos, at similarity ≥ ${r.threshold} (${r.vectors} compared in ${r.seconds.toFixed(1)} s)\n`,
  );
}

function printCheck(io: Io, r: CheckReport): void {
  for (const c of r.results) {
    const state =
      c.found === 0 ? 'ok' : r.repair ? `${c.found} found, ${c.repaired} fixed` : `${c.found} found`;
    io.out(`${state.padEnd(22)}${c.title}\n`);
    for (const ex of c.examples) io.out(`${''.padEnd(24)}${shown(ex)}\n`);
    if (c.advice && c.found > c.repaired) io.out(`${''.padEnd(24)}→ ${c.advice}\n`);
  }
  const left = r.results.reduce((n, c) => n + c.found - c.repaired, 0);
  io.out(
    r.clean
      ? `the library is consistent (${r.seconds.toFixed(1)} s)\n`
      : left
        ? `${left} problems left${r.repair ? '' : '; glimpse check --repair fixes what is safe to fix'} (${r.seconds.toFixed(1)} s)\n`
        : `every problem found was fixed (${r.seconds.toFixed(1)} s)\n`,
  );
}

function similarity(value: string | undefined): number {
  if (value === undefined) return DEFAULT_THRESHOLD;
  const n = Number(value);
  if (!(n > 0 && n <= 1))
    throw new UsageError(`--threshold takes a similarity above 0 and at most 1, got "${value}"`);
  return n;
}

function whole(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${name} must be a whole number ≥ 1, got "${value}"`);
  return n;
}

/** Problems a check leaves: what `glimpse check` reports as its exit status. */
export function problemsLeft(r: CheckReport): number {
  return r.results.reduce((n, c) => n + c.found - c.repaired, 0);
}

export function registerMaintenanceCommands(program: Command, io: Io, withWorkspace: WithWorkspace): void {
  const globals = () => program.opts<GlobalOptions>();

  program
    .command('watch')
    .description('keep the library current as photos are added, changed, moved and deleted (Ctrl-C stops)')
    .argument('[dir...]', 'folders to watch (added to the library if new); default: every library folder')
    .option('--exclude <glob>', 'for new folders: skip paths matching this pattern (repeatable)', collect)
    .option('--no-catch-up', 'skip the first full index run (changes made while nothing watched stay unseen)')
    .option('--json', 'one JSON object per event')
    .action(async (dirs: string[], opts: { exclude?: string[]; catchUp: boolean; json?: boolean }) => {
      await withWorkspace(globals(), async (workspace) => {
        const lib = await workspace.library();
        const totals = await untilInterrupted(io, 'stopping after the batch in flight', (signal) =>
          lib.watch(dirs, {
            signal,
            exclude: opts.exclude,
            catchUp: opts.catchUp,
            onEvent: (e) => (opts.json ? io.out(`${JSON.stringify(e)}\n`) : printWatchEvent(io, e)),
          }),
        );
        if (!opts.json)
          io.out(
            `stopped after ${totals.runs} runs: ${totals.embedded} new, ${totals.reused} moved or copied, ${totals.removed} removed, ${totals.failed} skipped\n`,
          );
      });
    });

  program
    .command('duplicates')
    .description('groups of near-identical photos (and exact copies), best copy first')
    .option(
      '--threshold <similarity>',
      `cosine similarity that makes two photos duplicates (default ${DEFAULT_THRESHOLD})`,
    )
    .option('--neighbours <k>', `nearest photos compared per photo (default ${DEFAULT_NEIGHBOURS})`)
    .option('--json', 'print the groups as JSON')
    .action(async (opts: { threshold?: string; neighbours?: string; json?: boolean }) => {
      const threshold = similarity(opts.threshold);
      const neighbours = whole(opts.neighbours, '--neighbours', DEFAULT_NEIGHBOURS);
      await withWorkspace(globals(), async (workspace) => {
        const lib = await readLibrary(workspace, io);
        const progress = counter(io, 'comparing', !!opts.json);
        try {
          const report = await untilInterrupted(io, 'stopping', (signal) =>
            lib.duplicates({ threshold, neighbours, signal, onProgress: progress.update }),
          );
          progress.stop();
          if (opts.json) io.out(`${JSON.stringify(report)}\n`);
          else printDuplicates(io, report);
        } finally {
          progress.stop();
        }
      });
    });

  program
    .command('check')
    .description('check that the catalog, vector index, photo files and thumbnails agree')
    .option(
      '--repair',
      'fix what is safe to fix (re-index changed files, restore or drop index labels, thumbnails)',
    )
    .option('--json', 'print the report as JSON')
    .action(async (opts: { repair?: boolean; json?: boolean }) => {
      await withWorkspace(globals(), async (workspace) => {
        const report = await runCheck(io, workspace, opts);
        const left = problemsLeft(report);
        if (left) throw new Error(`${left} problems left in the library`);
      });
    });
}

/** The library check as `glimpse check` and `glimpse doctor --repair` run it: prints the report and
 *  returns it (the caller decides the exit status, e.g. with problemsLeft). */
export async function runCheck(
  io: Io,
  workspace: Workspace,
  opts: { repair?: boolean; json?: boolean },
): Promise<CheckReport> {
  const lib = await workspace.library();
  const progress = counter(io, 'checking', !!opts.json);
  try {
    const report = await untilInterrupted(io, 'stopping', (signal) =>
      lib.check({
        repair: opts.repair,
        signal,
        onProgress: (p) => p.total && progress.update(p.done, p.total),
      }),
    );
    progress.stop();
    if (opts.json) io.out(`${JSON.stringify(report)}\n`);
    else printCheck(io, report);
    return report;
  } finally {
    progress.stop();
  }
}

// CLI commands over the library: index, search, similar, status, remove, failures.
import { duration, terminalBar } from './progress-bar';
import type { Command } from 'commander';
import { untilInterrupted } from './interrupt';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  describePipeline,
  type Workspace,
  type IndexProgress,
  type LibraryOps,
  type SearchOptions,
  type SearchPage,
} from '../core';
import type { GlobalOptions, Io } from './common';
import { UsageError } from './common';
import { withPathBytes } from './json-paths';
import { shown } from './shown';

type WithWorkspace = <T>(g: GlobalOptions, fn: (workspace: Workspace) => Promise<T>) => Promise<T>;

interface SearchCliOptions {
  k: string;
  offset?: string;
  json?: boolean;
  sort?: string;
  cutoff?: string;
  folder?: string[];
  from?: string;
  to?: string;
  type?: string[];
  minWidth?: string;
  minHeight?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The library for a command that only reads it; says so on stderr when another Glimpse holds it. */
export async function readLibrary(workspace: Workspace, io: Io): Promise<LibraryOps> {
  const lib = await workspace.reader();
  if (lib.heldBy !== null)
    io.err(
      `glimpse: ${workspace.libraryDir} is in use by PID ${lib.heldBy}; reading what it has committed so far\n`,
    );
  return lib;
}

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number, got "${value}"`);
  return n;
}

function date(value: string | undefined, name: string, endOfDay = false): number | undefined {
  if (value === undefined) return undefined;
  const m = value.match(/^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/);
  if (!m) throw new UsageError(`${name} takes a date as YYYY, YYYY-MM or YYYY-MM-DD, got "${value}"`);
  const [y, mo, d] = [Number(m[1]), m[2] ? Number(m[2]) : null, m[3] ? Number(m[3]) : null];
  if (!endOfDay) return Date.UTC(y, (mo ?? 1) - 1, d ?? 1);
  // The last millisecond of the year, month or day named.
  if (d !== null) return Date.UTC(y, mo! - 1, d + 1) - 1;
  if (mo !== null) return Date.UTC(y, mo, 1) - 1;
  return Date.UTC(y + 1, 0, 1) - 1;
}

function searchOptions(o: SearchCliOptions): SearchOptions {
  const cutoff =
    o.cutoff === undefined || o.cutoff === 'none'
      ? 'none'
      : o.cutoff === 'adaptive'
        ? 'adaptive'
        : Number(o.cutoff);
  if (typeof cutoff === 'number' && !(cutoff >= -1 && cutoff <= 1)) {
    throw new UsageError(`--cutoff takes none, adaptive or a score between -1 and 1, got "${o.cutoff}"`);
  }
  if (o.sort && o.sort !== 'relevance' && o.sort !== 'date')
    throw new UsageError(`--sort takes relevance or date, got "${o.sort}"`);
  return {
    limit: positive(o.k, '-k') || 20,
    offset: positive(o.offset, '--offset'),
    sort: (o.sort as 'relevance' | 'date' | undefined) ?? 'relevance',
    cutoff,
    filters: {
      folders: o.folder?.map((f) => resolve(f)),
      from: date(o.from, '--from'),
      to: date(o.to, '--to', true),
      formats: o.type,
      minWidth: positive(o.minWidth, '--min-width'),
      minHeight: positive(o.minHeight, '--min-height'),
    },
  };
}

function addSearchOptions(cmd: Command): Command {
  return cmd
    .option('-k, --k <n>', 'results to show', '20')
    .option('--offset <n>', 'skip this many results (paging)')
    .option('--sort <order>', 'relevance or date (newest first among relevant results)')
    .option('--cutoff <mode>', 'none, adaptive (results that stand out for this query), or a minimum score')
    .option('--folder <dir>', 'only photos under this library folder (repeatable)', collect)
    .option('--from <date>', 'taken on or after YYYY[-MM[-DD]]')
    .option('--to <date>', 'taken on or before YYYY[-MM[-DD]]')
    .option('--type <format>', 'jpeg, png, webp, gif, tiff, heif, avif (repeatable)', collect)
    .option('--min-width <px>', 'at least this wide')
    .option('--min-height <px>', 'at least this tall')
    .option('--json', 'print the page as JSON');
}

function printPage(io: Io, page: SearchPage, json: boolean | undefined, extra: Record<string, unknown> = {}) {
  if (json) {
    io.out(`${JSON.stringify({ ...extra, ...page, hits: page.hits.map(withPathBytes) })}\n`);
    return;
  }
  if (!page.hits.length) {
    io.out('no matching photos\n');
    return;
  }
  page.hits.forEach((h, i) => {
    const when = h.takenAt ? new Date(h.takenAt).toISOString().slice(0, 10) : '';
    io.out(
      `${String(page.offset + i + 1).padStart(3)}. ${h.score.toFixed(3)}  ${shown(h.path)}${when ? `  (${when})` : ''}\n`,
    );
  });
  const more =
    page.total > page.offset + page.hits.length
      ? `; --offset ${page.offset + page.hits.length} for more`
      : '';
  io.out(`${page.hits.length} of ${page.total} in ${page.elapsedMs.toFixed(0)} ms${more}\n`);
}

function progressReporter(io: Io, quiet: boolean): { update: (p: IndexProgress) => void; stop: () => void } {
  if (quiet) return { update: () => {}, stop: () => {} };
  const tty = (process.stderr as NodeJS.WriteStream).isTTY;
  if (!tty) {
    let last = 0;
    return {
      update: (p) => {
        if (Date.now() - last < 5000 && p.phase === 'indexing') return;
        last = Date.now();
        io.err(
          `${p.phase}: ${p.processed}/${p.toProcess} processed, ${p.found} found, ${p.failed} failed, ${p.imagesPerSecond.toFixed(1)} img/s\n`,
        );
      },
      stop: () => {},
    };
  }
  const bar = terminalBar('{phase} [{bar}] {value}/{total} | {rate} img/s | ETA {left} | {file}');
  return {
    update: (p) =>
      bar.show(p.processed, p.toProcess, {
        phase: p.phase.padEnd(8),
        rate: p.imagesPerSecond.toFixed(1),
        left: duration(p.etaSeconds),
        file: shown(p.currentFile ?? '').slice(-40),
      }),
    stop: () => bar.stop(),
  };
}

export function registerLibraryCommands(program: Command, io: Io, withWorkspace: WithWorkspace): void {
  const globals = () => program.opts<GlobalOptions>();

  program
    .command('index')
    .description(
      'add folders to the library (if new) and index them; with none, re-index every library folder',
    )
    .argument('[dir...]', 'folders of photos')
    .option(
      '--exclude <glob>',
      'skip paths matching this pattern, relative to the folder (repeatable)',
      collect,
    )
    .option('--json', 'print one summary object at the end (no progress bar)')
    .option(
      '--reembed',
      "forget the active model's vectors and embed every photo again (after its bundle changed)",
    )
    .action(async (dirs: string[], opts: { exclude?: string[]; json?: boolean; reembed?: boolean }) => {
      await withWorkspace({ ...globals(), reembed: opts.reembed }, async (workspace) => {
        const lib = await workspace.library();
        const progress = progressReporter(io, !!opts.json);
        try {
          const summary = await untilInterrupted(io, 'stopping after the batch in flight', (signal) =>
            lib.index(dirs, { exclude: opts.exclude, signal, onProgress: progress.update }),
          );
          progress.stop();
          if (opts.json) {
            io.out(`${JSON.stringify({ ...summary, failed: summary.failed.map(withPathBytes) })}\n`);
            return;
          }
          io.out(
            `${summary.cancelled ? 'Stopped' : 'Done'} in ${summary.seconds.toFixed(1)} s: ${summary.found} found, ${summary.embedded} embedded, ` +
              `${summary.reused} reused, ${summary.unchanged} unchanged, ${summary.removed} removed, ${summary.failed.length} failed\n`,
          );
          if (summary.pipeline) io.out(`  ${describePipeline(summary.pipeline)}\n`);
          if (summary.decoders && summary.photoDecoder) io.out(`  ${summary.photoDecoder}\n`);
          for (const f of summary.failed.slice(0, 20))
            io.out(`  skipped ${shown(f.path)}: ${shown(f.reason)}\n`);
          if (summary.failed.length > 20)
            io.out(`  … and ${summary.failed.length - 20} more (glimpse failures)\n`);
        } finally {
          progress.stop();
        }
      });
    });

  addSearchOptions(
    program
      .command('search')
      .description(
        'find photos by a description; "beach + sunset - people" adds and subtracts ideas, "2*dog" weighs one',
      )
      .argument('<text>', 'what the photo shows'),
  ).action(async (text: string, opts: SearchCliOptions) => {
    await withWorkspace(globals(), async (workspace) => {
      const page = await (await readLibrary(workspace, io)).searchText(text, searchOptions(opts));
      const { terms, ...rest } = page;
      printPage(io, rest, opts.json, { query: text, terms });
    });
  });

  addSearchOptions(
    program
      .command('similar')
      .description('photos that look like a given one: a library photo id, or any image file')
      .argument('<image-or-id>', 'photo id (from --json results) or an image file'),
  ).action(async (target: string, opts: SearchCliOptions) => {
    await withWorkspace(globals(), async (workspace) => {
      const lib = await readLibrary(workspace, io);
      const page = /^\d+$/.test(target)
        ? await lib.searchPhoto(Number(target), searchOptions(opts))
        : await lib.searchImage(target, searchOptions(opts));
      printPage(io, page, opts.json, { similarTo: target });
    });
  });

  program
    .command('status')
    .description('the library: folders, photo counts, failures, index state, thumbnail cache')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      await withWorkspace(globals(), async (workspace) => {
        const s = await (await readLibrary(workspace, io)).status();
        const { coverage } = s;
        if (opts.json) {
          io.out(`${JSON.stringify(s)}\n`);
          return;
        }
        io.out(`Library   ${shown(s.dir)}\nModel     ${s.modelId}\n`);
        if (!existsSync(workspace.modelDir))
          io.out(`          not installed: search and index need it (glimpse model pull ${s.modelId})\n`);
        io.out(`Photos    ${s.photos} indexed, ${s.failed} skipped; ${s.vectors} distinct vectors\n`);
        if (coverage.withVector < coverage.photos) {
          io.out(
            `Vectors   ${coverage.withVector} of ${coverage.photos} photos embedded for ${coverage.modelId}: glimpse index embeds the rest\n`,
          );
        }
        io.out(
          `Index     ${s.index.size} vectors (${s.index.pending} being added), generation ${s.index.generation}, loaded from ${s.index.openedFrom}${s.index.reason ? ` (${s.index.reason})` : ''}\n`,
        );
        io.out(`Thumbs    ${s.thumbnails.files} files, ${(s.thumbnails.bytes / 1048576).toFixed(1)} MiB\n`);
        for (const f of s.folders) {
          const scanned = f.lastScanAt
            ? new Date(f.lastScanAt).toISOString().replace('T', ' ').slice(0, 16)
            : 'never';
          io.out(`  ${shown(f.path)}: ${f.photos} photos, ${f.failed} skipped, last indexed ${scanned}\n`);
        }
      });
    });

  program
    .command('failures')
    .description('files that were skipped, with the reason')
    .option('--json', 'one {path, code, reason} object per line')
    .action(async (opts: { json?: boolean }) => {
      await withWorkspace(globals(), async (workspace) => {
        for (const f of (await readLibrary(workspace, io)).failures(100_000)) {
          io.out(
            opts.json
              ? `${JSON.stringify(withPathBytes(f))}\n`
              : `${shown(f.path)}\t${f.code}\t${shown(f.reason)}\n`,
          );
        }
      });
    });

  program
    .command('remove')
    .description('forget a library folder and its photos (files on disk are not touched)')
    .argument('<dir>', 'a folder added with glimpse index')
    .action(async (dir: string) => {
      await withWorkspace(globals(), async (workspace) => {
        const { photos } = (await workspace.library()).removeFolder(dir);
        io.out(`removed ${shown(resolve(dir))} and its ${photos} photos from the library\n`);
      });
    });
}

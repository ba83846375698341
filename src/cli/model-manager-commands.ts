// `glimpse model list | pull | build | import | remove | use`: the model store (src/core/model-store) on the command
// line, with a progress bar for downloads on a terminal and plain lines elsewhere.
import { duration, terminalBar } from './progress-bar';
import type { Command } from 'commander';
import { untilInterrupted } from './interrupt';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkedOn,
  formatBytes,
  ModelStore,
  readGpuStatus,
  type Workspace,
  type ModelOverview,
  type PullProgress,
} from '../core';
import { workspaceOptions, type GlobalOptions, type Io } from './common';
import { registerModelBuildCommand } from './model-build-command';

type WithWorkspace = <T>(g: GlobalOptions, fn: (workspace: Workspace) => Promise<T>) => Promise<T>;

/** Plain-line progress (logs, pipes): often enough to show life, rarely enough to stay readable. */
const PLAIN_PROGRESS_INTERVAL_MS = 5 * 1000;

interface PullReporter {
  update: (p: PullProgress) => void;
  note: (text: string) => void;
  stop: () => void;
}

function pullReporter(io: Io, quiet: boolean): PullReporter {
  if (quiet) return { update: () => {}, note: () => {}, stop: () => {} };
  if (!(process.stderr as NodeJS.WriteStream).isTTY) {
    let last = 0;
    let lastKey = '';
    return {
      update: (p) => {
        const key = `${p.phase} ${p.file ?? ''}`;
        if (key === lastKey && Date.now() - last < PLAIN_PROGRESS_INTERVAL_MS) return;
        last = Date.now();
        lastKey = key;
        if (p.phase === 'resolving') return io.err(`${p.id}: finding its files\n`);
        if (p.phase === 'checking') return io.err(`checking the part of ${p.file} kept from before\n`);
        if (p.phase === 'installing') return io.err(`${p.id}: checking the bundle and installing it\n`);
        if (p.phase === 'verifying')
          return io.err(`${p.id}: checking the built model against its checkpoint\n`);
        if (p.phase === 'building') {
          const pct = p.bytesTotal ? ((100 * p.bytesDone) / p.bytesTotal).toFixed(0) : '0';
          return io.err(`${p.id}: building the model from ${p.file ?? 'the checkpoint'}, ${pct}%\n`);
        }
        if (p.phase !== 'downloading') return;
        const pct = p.bytesTotal ? ` ${((100 * p.bytesDone) / p.bytesTotal).toFixed(1)}%` : '';
        io.err(
          `${p.phase}${p.file ? ` ${p.file}` : ''}:${pct} ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}, ` +
            `${formatBytes(Math.round(p.bytesPerSecond))}/s, ETA ${duration(p.etaSeconds)} ` +
            `(file ${Math.min(p.filesDone + 1, p.filesTotal)}/${p.filesTotal})\n`,
        );
      },
      note: (text) => io.err(`${text}\n`),
      stop: () => {},
    };
  }
  const bar = terminalBar(
    '{phase} [{bar}] {percentage}% | {done} of {size} | {speed}/s | ETA {left} | {file}',
  );
  return {
    update: (p) =>
      bar.show(p.bytesDone, p.bytesTotal, {
        phase: p.phase.padEnd(11),
        done: formatBytes(p.bytesDone),
        size: formatBytes(p.bytesTotal),
        speed: formatBytes(Math.round(p.bytesPerSecond)),
        left: duration(p.etaSeconds),
        file: (p.file ?? '').slice(-32),
      }),
    // The bar redraws its own line; a note goes on a fresh line above the next redraw.
    note: (text) => io.err(`${bar.started ? '\n' : ''}${text}\n`),
    stop: () => bar.stop(),
  };
}

function formatOverview(o: ModelOverview): string {
  const lines: string[] = [];
  const w = Math.max(...o.models.map((m) => m.id.length), 2);
  lines.push(`Models in ${o.modelsDir}`);
  lines.push(`  ${'ID'.padEnd(w)}  ${'SIZE'.padStart(8)}  ${'DIM'.padStart(4)}  PREC  STATE`);
  for (const m of o.models) {
    const state = [
      m.installed ? (m.valid ? 'installed' : 'broken') : 'not installed',
      m.active ? 'active' : null,
      m.recommended ? 'recommended here' : null,
    ]
      .filter(Boolean)
      .join(', ');
    const size = m.sizeBytes === null ? '?' : `${m.installed ? '' : '~'}${formatBytes(m.sizeBytes)}`;
    lines.push(
      `${m.active ? '*' : ' '} ${m.id.padEnd(w)}  ${size.padStart(8)}  ${String(m.embedDim ?? '?').padStart(4)}  ` +
        `${(m.precision ?? '?').padEnd(4)}  ${state}`,
    );
    if (m.problem) lines.push(`  ${''.padEnd(w)}  problem: ${m.problem}`);
    else if (m.suitsWhy)
      lines.push(
        `  ${''.padEnd(w)}  ${m.suits ? 'suits this machine' : 'not for this machine'}: ${m.suitsWhy}`,
      );
  }
  lines.push('');
  lines.push(
    o.active.id
      ? `Active: ${o.active.id}`
      : `Active: ${o.active.dir}${o.active.present ? ' (a folder outside the models folder)' : ' (not installed)'}`,
  );
  lines.push(`Recommended here: ${o.recommended.id} — ${o.recommended.reason}`);
  return `${lines.join('\n')}\n`;
}

export function registerModelStoreCommands(program: Command, io: Io, withWorkspace: WithWorkspace): void {
  const globals = () => program.opts<GlobalOptions>();
  const manager = () => new ModelStore();
  const model = program
    .command('model')
    .description(
      'CLIP models: show the model list and installed models, download, build, import, remove, choose one',
    );
  registerModelBuildCommand(model, io, globals);

  model
    .command('list')
    .description('models in the model list and installed ones; * marks the active one')
    .option('--json', 'print the overview as JSON')
    .action(async (opts: { json?: boolean }) => {
      await withWorkspace(globals(), async (workspace) => {
        const overview = manager().overview(await readGpuStatus(), workspace.modelDir);
        io.out(opts.json ? `${JSON.stringify(overview, null, 2)}\n` : formatOverview(overview));
      });
    });

  model
    .command('pull')
    .description('download a model, verify every file, and install it (an interrupted download resumes)')
    .argument('<id>', 'an id from the model list (glimpse model list), or any id with --from')
    .option(
      '--from <url|dir>',
      "fetch from here instead: a mirror's URL, a Hugging Face repository, or a folder",
    )
    .option('--force', 'replace the model if it is already installed')
    .option('--keep-checkpoint', 'models built from a checkpoint: keep the downloaded checkpoint')
    .option('--json', 'no progress; print the result as JSON')
    .action(
      async (
        id: string,
        opts: { from?: string; force?: boolean; keepCheckpoint?: boolean; json?: boolean },
      ) => {
        const progress = pullReporter(io, !!opts.json);
        try {
          const stopping = 'stopping; what was downloaded is kept for next time';
          const result = await untilInterrupted(io, stopping, (signal) =>
            manager().pull(id, {
              from: opts.from,
              replace: opts.force,
              keepCheckpoint: opts.keepCheckpoint,
              signal,
              onProgress: progress.update,
              onNote: progress.note,
              // A model built here is checked where it will run: --providers / $GLIMPSE_PROVIDERS, --device.
              check: (({ providers, deviceId }) => ({ providers, deviceId }))(workspaceOptions(globals())),
            }),
          );
          progress.stop();
          if (opts.json) {
            io.out(`${JSON.stringify(result)}\n`);
            return;
          }
          io.out(
            `Installed ${result.id} in ${result.model.dir} from ${result.source}: ${result.files} files, ` +
              `${formatBytes(result.model.sizeBytes)} (${formatBytes(result.bytesDownloaded)} downloaded, ` +
              `${formatBytes(result.bytesResumed)} resumed) in ${result.seconds.toFixed(1)} s\n` +
              (result.selfCheck
                ? `Self-check passed on ${checkedOn(result.selfCheck)} in ${result.selfCheck.seconds.toFixed(1)} s\n`
                : '') +
              (result.checkpoint ? `The checkpoint is kept in ${result.checkpoint}\n` : '') +
              `Make it the active model with: glimpse model use ${result.id}\n`,
          );
        } finally {
          progress.stop();
        }
      },
    );

  model
    .command('import')
    .description("install a model folder from disk: a Glimpse bundle (tools/export) or Immich's layout")
    .argument('<dir>', 'the bundle folder')
    .option('--id <id>', "install under this id (Immich's layout; a Glimpse bundle keeps model.json's id)")
    .option('--force', 'replace an installed model of the same id')
    .option('--json', 'print the installed model as JSON')
    .action(async (dir: string, opts: { id?: string; force?: boolean; json?: boolean }) => {
      const installed = await manager().import(dir, { id: opts.id, replace: opts.force });
      if (opts.json) {
        io.out(`${JSON.stringify(installed)}\n`);
        return;
      }
      io.out(
        `Installed ${installed.id} (${installed.name}, ${installed.layout} layout, ${installed.embedDim}-d, ` +
          `${installed.precision}) in ${installed.dir}, ${formatBytes(installed.sizeBytes)}\n` +
          `Make it the active model with: glimpse model use ${installed.id}\n`,
      );
    });

  model
    .command('remove')
    .description('delete an installed model (and any partial download of it)')
    .argument('<id>', 'an installed model id')
    .option('--force', 'remove it even if it is the active model')
    .action(async (id: string, opts: { force?: boolean }) => {
      await withWorkspace(globals(), async (workspace) => {
        const { freedBytes, partial } = await manager().remove(id, {
          force: opts.force,
          activeDir: workspace.modelDir,
        });
        io.out(
          freedBytes || !partial
            ? `removed ${id}, ${formatBytes(freedBytes)} freed${partial ? ' (and its partial download)' : ''}\n`
            : `removed the partial download of ${id}\n`,
        );
      });
    });

  model
    .command('use')
    .description('make an installed model the active one; the next glimpse index embeds photos for it')
    .argument('<id>', 'an installed model id')
    .action(async (id: string) => {
      const chosen = manager().use(id);
      io.out(`${chosen.id} is now the active model (${chosen.dir})\n`);
      const g = globals();
      if (g.model || process.env.GLIMPSE_MODEL)
        io.err(
          `note: ${g.model ? '--model' : 'GLIMPSE_MODEL'} still overrides the active model for commands that get it\n`,
        );
      await withWorkspace({ ...g, model: chosen.dir }, async (workspace) => {
        if (!existsSync(join(workspace.libraryDir, 'library.db'))) return;
        try {
          const c = (await workspace.library()).coverage();
          const left = c.photos - c.withVector;
          io.out(
            `Library: ${c.withVector} of ${c.photos} photos have vectors for ${c.modelId}` +
              (left
                ? `; glimpse index embeds the other ${left} (search sees only embedded photos until then)\n`
                : '\n'),
          );
        } catch (e) {
          io.err(`could not read the library to say how much is embedded: ${(e as Error).message}\n`);
        }
      });
    });
}

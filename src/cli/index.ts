// The `glimpse` command line: parses arguments and hands each command to the workspace (src/core/workspace.ts),
// in process, with no Electron. Library code never exits the process; only main() here sets exit codes.
import { Command, CommanderError, Option } from 'commander';
import { pathToFileURL } from 'node:url';
import { createWorkspace, glimpseHome, readStoredSettings, type Workspace } from '../core';
import { registerBenchCommands } from './bench-commands';
import { endQuietlyOnBrokenPipe } from './broken-pipe';
import { registerLibraryCommands } from './library-commands';
import { registerMaintenanceCommands } from './maintenance-commands';
import { registerModelStoreCommands } from './model-manager-commands';
import { registerModelCommands } from './model-commands';
import { workspaceOptions, processIo, UsageError, type GlobalOptions, type Io } from './common';

function buildProgram(
  io: Io,
  withWorkspace: <T>(g: GlobalOptions, fn: (workspace: Workspace) => Promise<T>) => Promise<T>,
): Command {
  const program = new Command('glimpse')
    .description('Find your own photos by what is in them: local CLIP search, on your GPU when you have one.')
    .option(
      '--model <dir>',
      'model bundle folder (default: $GLIMPSE_MODEL, else the active model in the Glimpse folder)',
    )
    .option(
      '--library <dir>',
      'library folder (default: $GLIMPSE_LIBRARY, else library/ in the Glimpse folder)',
    )
    .option(
      '--providers <list>',
      'execution providers in order of preference, e.g. cuda,cpu (default: $GLIMPSE_PROVIDERS or cuda,cpu)',
    )
    .option('--device <id>', 'GPU index for CUDA (default 0)')
    .addOption(new Option('--batch-size <n>', 'images per model call (default: 64 on a GPU, 16 on the CPU)'))
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError();
  registerLibraryCommands(program, io, withWorkspace);
  registerMaintenanceCommands(program, io, withWorkspace);
  registerModelStoreCommands(program, io, withWorkspace);
  registerBenchCommands(program, io, withWorkspace);
  registerModelCommands(program, io, withWorkspace);
  return program;
}

/** Runs the CLI; resolves to the process exit code (0 ok, 1 failed, 2 usage). */
export async function main(argv: string[] = process.argv, io: Io = processIo): Promise<number> {
  if (io === processIo) endQuietlyOnBrokenPipe();
  // Said once, before anything else: a damaged settings.json changes what every command does.
  const { problem } = readStoredSettings(glimpseHome());
  if (problem) io.err(`glimpse: ${problem}\n`);
  const workspaces: Workspace[] = [];
  const withWorkspace = async <T>(g: GlobalOptions, fn: (workspace: Workspace) => Promise<T>): Promise<T> => {
    const workspace = createWorkspace(workspaceOptions(g));
    workspaces.push(workspace);
    return fn(workspace);
  };
  try {
    await buildProgram(io, withWorkspace).parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      io.err(`glimpse: ${e.message}\n`);
      return 2;
    }
    io.err(`glimpse: ${(e as Error).message}\n`);
    if (process.env.GLIMPSE_DEBUG) io.err(`${(e as Error).stack}\n`);
    return 1;
  } finally {
    await Promise.all(workspaces.map((e) => e.close()));
  }
}

// Run when executed directly (tsx src/cli/index.ts, or the built bundle through bin/glimpse.cjs).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  void main().then((code) => {
    process.exitCode = code;
  });
}

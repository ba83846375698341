// What every command module shares with the program that registers it — output streams, the global
// options, the workspace options they stand for, and the error for a mistake the user can fix — apart from
// src/cli/index.ts, which imports them.
import { parseProviders, type WorkspaceOptions } from '../core';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  stdin: NodeJS.ReadableStream;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  stdin: process.stdin,
};

/** A failure the user can fix; printed without a stack trace. */
export class UsageError extends Error {}

export interface GlobalOptions {
  model?: string;
  library?: string;
  providers?: string;
  device?: string;
  batchSize?: string;
  /** Set by `glimpse index --reembed`, not a global flag. */
  reembed?: boolean;
}

/** The workspace options the global flags (and $GLIMPSE_PROVIDERS / $GLIMPSE_LIBRARY) stand for. */
export function workspaceOptions(g: GlobalOptions): WorkspaceOptions {
  const num = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number, got "${v}"`);
    return n;
  };
  let providers;
  try {
    providers = g.providers
      ? parseProviders(g.providers)
      : process.env.GLIMPSE_PROVIDERS
        ? parseProviders(process.env.GLIMPSE_PROVIDERS)
        : undefined;
  } catch (e) {
    throw new UsageError(`--providers: ${(e as Error).message}`);
  }
  return {
    modelDir: g.model,
    libraryDir: g.library ?? (process.env.GLIMPSE_LIBRARY || undefined),
    providers,
    deviceId: num(g.device, '--device'),
    batchSize: num(g.batchSize, '--batch-size'),
    reembed: g.reembed,
  };
}

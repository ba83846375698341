// What every command module shares with the program that registers it — output streams, the global
// options and the error for a mistake the user can fix — apart from src/cli/index.ts, which imports them.
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

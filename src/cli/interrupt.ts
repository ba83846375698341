// Ctrl-C for a long command: the first asks the work to stop where it safely can, a second quits at once.
import type { Io } from './common';

/** Runs `fn` with a signal that the first Ctrl-C aborts (saying `what` happens now on stderr); a
 *  second Ctrl-C exits with 130. Both handlers are gone once `fn` settles. */
export async function untilInterrupted<T>(
  io: Io,
  what: string,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const quit = () => process.exit(130);
  const onSignal = () => {
    io.err(`\n${what} (Ctrl-C again to quit at once)…\n`);
    controller.abort();
    process.once('SIGINT', quit);
  };
  process.once('SIGINT', onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGINT', quit);
  }
}

// Runs the glimpse CLI in process, exactly as bin/glimpse runs it (main(argv, io)), capturing its output.
import { Readable } from 'node:stream';
import type { Io } from '../../src/cli/common';
import { main } from '../../src/cli/index';

interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** `args` as a user types them after `glimpse`; `stdin` feeds commands that read it. `live` sees stdout as it grows. */
export async function glimpse(
  args: string[],
  opts: { stdin?: string; live?: (out: string) => void } = {},
): Promise<CliRun> {
  const run: CliRun = { code: 0, out: '', err: '' };
  const io: Io = {
    out: (t) => {
      run.out += t;
      opts.live?.(run.out);
    },
    err: (t) => (run.err += t),
    stdin: Readable.from(opts.stdin === undefined ? [] : [opts.stdin]),
  };
  run.code = await main(['node', 'glimpse', ...args], io);
  return run;
}

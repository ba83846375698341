// A child process that contends for a library's writer lock over many trials, in step with others: for
// trial i it waits for <dir>/go-i, tries the lock at once, writes <dir>/r-i-<pid> (won or busy), and a
// winner holds the lock until <dir>/end-i appears.
//
//   node --import tsx test/chaos/lock-contender.ts <dir> <trials>
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireWriterLock, LibraryInUseError } from '../../src/core/catalog/lock';

const [dir, trialsArg] = process.argv.slice(2);
if (!dir || !trialsArg) {
  process.stderr.write('usage: lock-contender.ts <dir> <trials>\n');
  process.exit(2);
}
const pause = new Int32Array(new SharedArrayBuffer(4));
const waitFor = (file: string) => {
  while (!existsSync(file)) Atomics.wait(pause, 0, 0, 1);
};

process.stdout.write('ready\n');
for (let i = 0; i < Number(trialsArg); i++) {
  waitFor(join(dir, `go-${i}`));
  let result: string;
  let release: (() => void) | null = null;
  try {
    release = acquireWriterLock(join(dir, 'library.lock'), dir);
    result = 'won';
  } catch (e) {
    result = e instanceof LibraryInUseError ? 'busy' : `error: ${(e as Error).message}`;
  }
  // Whole or not at all: the test reads it as soon as the name appears.
  writeFileSync(join(dir, `r-${i}-${process.pid}.tmp`), result);
  renameSync(join(dir, `r-${i}-${process.pid}.tmp`), join(dir, `r-${i}-${process.pid}`));
  if (release) {
    waitFor(join(dir, `end-${i}`));
    release();
  }
}

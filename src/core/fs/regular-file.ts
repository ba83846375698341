// Reads a file only when it is a regular file under a size cap, checked on the open descriptor (fstat)
// so a device, a FIFO or a file swapped after a check is never read: /dev/zero would read without end
// (stat says 0 bytes) and a FIFO would block a libuv thread forever.
import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { displayPath } from '../../shared/byte-path';
import { fsPath } from './byte-path';

/** Why a path cannot be read as a file: `kind` for something that is not a regular file, `size` for
 *  one over the cap. The message names the path. */
export class NotRegularFileError extends Error {
  readonly code = 'BAD_FILE';
  constructor(
    readonly path: string,
    readonly problem: 'kind' | 'size',
    /** What is wrong, in words, without the path. */
    readonly detail: string,
  ) {
    super(`${displayPath(path)}: ${detail}`);
  }
}

/** In words, what a non-regular file is. */
export function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a file';
}

// O_NONBLOCK makes opening a FIFO with no writer return at once instead of waiting for one; it does
// not change how a regular file reads. Windows has neither FIFOs in the file system nor the flag.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** Opens `path` (a stored path: src/shared/byte-path.ts), checks the open file is regular and at most `maxBytes`, and reads it whole (never more
 *  than the size fstat gave, so a file growing as it is read cannot make the read unbounded). */
export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(fsPath(path), OPEN_FLAGS);
  try {
    const stats = await handle.stat();
    check(path, stats, maxBytes);
    const buffer = Buffer.allocUnsafe(stats.size);
    let filled = 0;
    while (filled < stats.size) {
      const { bytesRead } = await handle.read(buffer, filled, stats.size - filled, filled);
      if (bytesRead === 0) break; // shrank while being read
      filled += bytesRead;
    }
    return filled === stats.size ? buffer : buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** The same checks without reading: for refusing a path before work is queued for it. */
export async function checkRegularFile(path: string, maxBytes: number): Promise<Stats> {
  const handle = await open(fsPath(path), OPEN_FLAGS);
  try {
    const stats = await handle.stat();
    check(path, stats, maxBytes);
    return stats;
  } finally {
    await handle.close();
  }
}

function check(path: string, stats: Stats, maxBytes: number): void {
  if (!stats.isFile()) throw new NotRegularFileError(path, 'kind', `not a regular file (${kindOf(stats)})`);
  if (stats.size > maxBytes)
    throw new NotRegularFileError(
      path,
      'size',
      `the file is ${stats.size} bytes, over the ${maxBytes} limit`,
    );
}

// A stored path (src/shared/byte-path.ts) as what Node's fs opens: the string itself when its name is
// valid UTF-8, else a Buffer of its exact bytes. Windows paths are UTF-16 text, so there a name that
// needed escaping cannot be opened by Node at all and is refused with a reason.
import { bytesOfStored, displayPath, hasEscapedBytes, storedFromBytes } from '../../shared/byte-path';

/** Why a name that is not valid UTF-8 cannot be used on this platform. */
export const UNUSABLE_NAME_REASON =
  `its name is not valid UTF-8 (shown with \\xNN for each such byte), which Node cannot open on ` +
  `${process.platform}, where paths are text; rename it to index it`;

/** A stored path that cannot be opened on this platform. */
export class UnusablePathError extends Error {
  readonly code = 'EILSEQ';
  constructor(readonly path: string) {
    super(`${displayPath(path)}: ${UNUSABLE_NAME_REASON}`);
  }
}

/** True where names are bytes and a Buffer path opens any of them (every POSIX system). */
export const BYTE_PATHS = process.platform !== 'win32';

/** What fs opens for `stored`. */
export function fsPath(stored: string): string | Buffer {
  if (!hasEscapedBytes(stored)) return stored;
  if (!BYTE_PATHS) throw new UnusablePathError(stored);
  const bytes = bytesOfStored(stored);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** A path as fs gave it (text, or bytes from an `encoding: 'buffer'` call) → its stored form. */
export function storedPath(path: string | Buffer): string {
  return typeof path === 'string' ? path : storedFromBytes(path);
}

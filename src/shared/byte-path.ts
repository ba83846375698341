// The stored form of a path whose bytes are not all valid UTF-8: one string that the catalog, JSON,
// IPC and every consumer carry unchanged, and that gives back the exact bytes that open the file.
//
// Why this form. A POSIX name is bytes (anything but "/" and NUL). A name that is valid UTF-8 is
// stored as its text, byte for byte what Glimpse always stored, so existing libraries need no
// migration. In a name that is not, each byte that is not part of a valid UTF-8 sequence becomes two
// characters: U+0000 (NUL) and then U+0080–U+00FF, the byte's value. NUL cannot occur in any real
// path, so no valid name can look like an escaped one, and a stored path that reaches fs without
// being converted is refused by Node ("must be a string without null bytes") instead of naming another
// file. Python's surrogateescape (bytes as lone surrogates U+DC80–U+DCFF) was measured and rejected:
// better-sqlite3 writes a lone surrogate as the 3-byte WTF-8 sequence and reads it back as three
// U+FFFD, so the name is lost in the catalog, and Buffer.from() turns it into U+FFFD too. NUL survives
// SQLite TEXT (stored, compared and read back whole; the catalog never LIKEs or GLOBs a path), JSON
// ("\u0000") and structured clone. "/" and "." are never escaped, so path.join, dirname and extname
// work on stored paths as on any other.
//
// Humans see displayPath(): each escaped byte as \xNN.

/** Starts each escaped byte in a stored path. */
export const BYTE_ESCAPE = '\u0000';

const lenient = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

const inRange = (b: number | undefined, lo: number, hi: number) => b !== undefined && b >= lo && b <= hi;

/** The length of the valid UTF-8 sequence at `i`, or 0 when the byte there starts none (a stray
 *  continuation byte, an overlong form, an encoded surrogate, past U+10FFFF, or cut short). */
function sequenceAt(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return inRange(bytes[i + 1], 0x80, 0xbf) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const lo = lead === 0xe0 ? 0xa0 : 0x80;
    const hi = lead === 0xed ? 0x9f : 0xbf;
    return inRange(bytes[i + 1], lo, hi) && inRange(bytes[i + 2], 0x80, 0xbf) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const lo = lead === 0xf0 ? 0x90 : 0x80;
    const hi = lead === 0xf4 ? 0x8f : 0xbf;
    const ok =
      inRange(bytes[i + 1], lo, hi) && inRange(bytes[i + 2], 0x80, 0xbf) && inRange(bytes[i + 3], 0x80, 0xbf);
    return ok ? 4 : 0;
  }
  return 0;
}

/** A path (or name) as the bytes the file system gave → its stored form. */
export function storedFromBytes(bytes: Uint8Array): string {
  if (bytes.includes(0)) throw new Error('a path cannot contain a NUL byte');
  // A lenient decode has no U+FFFD unless the bytes had one or were not valid UTF-8 (then the walk
  // below tells which): no exception per bad name, which would cost more than the walk itself.
  const text = lenient.decode(bytes);
  if (!text.includes('\uFFFD')) return text;
  // Valid runs are decoded whole (exactly, being valid); each byte between them is escaped.
  let out = '';
  let run = 0;
  for (let i = 0; i < bytes.length;) {
    const len = sequenceAt(bytes, i);
    if (len) {
      i += len;
      continue;
    }
    out += lenient.decode(bytes.subarray(run, i)) + BYTE_ESCAPE + String.fromCharCode(bytes[i]!);
    run = ++i;
  }
  return out + lenient.decode(bytes.subarray(run));
}

/** True when `stored` holds escaped bytes (its name was not valid UTF-8). */
export function hasEscapedBytes(stored: string): boolean {
  return stored.includes(BYTE_ESCAPE);
}

/** The exact bytes a stored path names. Throws, naming the path, for a string that no stored path can
 *  be (an escape not followed by a byte value, or a lone surrogate, which has no bytes). */
export function bytesOfStored(stored: string): Uint8Array {
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(stored))
    throw new Error(`${displayPath(stored)}: not a stored path (it has a lone surrogate)`);
  const pieces = stored.split(BYTE_ESCAPE);
  const parts: Uint8Array[] = [encoder.encode(pieces[0])];
  for (const piece of pieces.slice(1)) {
    const byte = piece.charCodeAt(0);
    if (!(byte >= 0x80 && byte <= 0xff))
      throw new Error(`${displayPath(stored)}: not a stored path (an escape without a byte after it)`);
    parts.push(Uint8Array.of(byte), encoder.encode(piece.slice(1)));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A stored path for people: each escaped byte as \xNN (lowercase hex), the rest as it is. */
export function displayPath(stored: string): string {
  if (!hasEscapedBytes(stored)) return stored;
  // eslint-disable-next-line no-control-regex -- NUL is the escape, by design (see the header)
  return stored.replace(/\u0000([\u0080-\u00ff]?)/g, (_m, ch: string) =>
    ch ? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : '\\x00',
  );
}

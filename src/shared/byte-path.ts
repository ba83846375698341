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

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Bytes a sequence starting with `lead` has in UTF-8, or 0 when `lead` cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead < 0xe0) return 2;
  if (lead >= 0xe0 && lead < 0xf0) return 3;
  if (lead >= 0xf0 && lead < 0xf5) return 4;
  return 0;
}

/** A path (or name) as the bytes the file system gave → its stored form. */
export function storedFromBytes(bytes: Uint8Array): string {
  if (bytes.includes(0)) throw new Error('a path cannot contain a NUL byte');
  try {
    return strict.decode(bytes);
  } catch {
    // Not valid UTF-8: keep every valid sequence as text and escape each byte of the rest.
  }
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const len = sequenceLength(bytes[i]!);
    let text: string | null = null;
    if (len && i + len <= bytes.length) {
      try {
        text = strict.decode(bytes.subarray(i, i + len));
      } catch {
        text = null; // a bad continuation, an overlong form or an encoded surrogate
      }
    }
    if (text !== null) {
      out += text;
      i += len;
    } else {
      out += BYTE_ESCAPE + String.fromCharCode(bytes[i]!);
      i += 1;
    }
  }
  return out;
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

// How a file name (or any text from the disk) is printed in human output: control characters,
// terminal escape sequences and bidirectional overrides become visible escapes, so a name can neither
// break a line into two records nor recolour, retitle or rewrite the user's terminal. JSON output
// carries names as they are (JSON escapes them itself). A name that is not valid UTF-8 shows each such
// byte as \xNN, the same as displayPath (src/shared/byte-path.ts).
import { BYTE_ESCAPE } from '../shared/byte-path';

/** A byte of a name that is not valid UTF-8, as a stored path escapes it (src/shared/byte-path.ts);
 *  C0 and C1 controls, DEL, line/paragraph separators, bidi embeddings/overrides/isolates, and lone
 *  surrogates. */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /\u0000[\u0080-\u00ff]|[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function escapeOne(ch: string): string {
  if (ch.length === 2 && ch[0] === BYTE_ESCAPE) return `\\x${ch.charCodeAt(1).toString(16)}`;
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** `text` unchanged when it is safe to print; otherwise with each unsafe character escaped (and, so
 *  that the escapes are unambiguous, each backslash doubled). */
export function shown(text: string): string {
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(text)) return text;
  UNSAFE.lastIndex = 0;
  return text.replace(/\\/g, '\\\\').replace(UNSAFE, escapeOne);
}

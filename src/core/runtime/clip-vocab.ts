// Reads the CLIP BPE merge list (bpe_simple_vocab_16e6.txt.gz) into CLIP's vocabulary and merges,
// in the order that defines CLIP's token ids.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** CLIP keeps the first 49152 - 256 - 2 merges of the file: 256 byte tokens, 256 byte+</w> tokens,
 *  48894 merges and 2 specials make the 49408 ids the published models were trained with. */
export const CLIP_MERGE_COUNT = 49152 - 256 - 2;

/** GPT-2's reversible byte → printable character map: printable Latin-1 bytes stand for themselves,
 *  the others are shifted past 255 so no token contains whitespace or control characters.
 *  Entries are in CLIP's order (printable ranges first), which fixes ids 0..255. */
function bytesToUnicode(): Array<[byte: number, char: string]> {
  const printable: number[] = [];
  const ranges: Array<[number, number]> = [
    [0x21, 0x7e],
    [0xa1, 0xac],
    [0xae, 0xff],
  ];
  for (const [lo, hi] of ranges) for (let b = lo; b <= hi; b++) printable.push(b);
  const table: Array<[number, string]> = printable.map((b) => [b, String.fromCodePoint(b)]);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    if (!printable.includes(b)) table.push([b, String.fromCodePoint(256 + shifted++)]);
  }
  return table;
}

/** The printable stand-in of each byte, indexed by the byte's value. */
export function byteChars(): string[] {
  const chars: string[] = [];
  for (const [byte, char] of bytesToUnicode()) chars[byte] = char;
  return chars;
}

interface ClipVocab {
  /** Token strings by id: index = id. */
  vocab: string[];
  /** Merge rules in priority order. */
  merges: Array<[string, string]>;
}

export function readClipVocab(gzPath: string): ClipVocab {
  const lines = gunzipSync(readFileSync(gzPath)).toString('utf8').split('\n');
  const merges = lines.slice(1, 1 + CLIP_MERGE_COUNT).map((line, i) => {
    const parts = line.split(' ');
    if (parts.length !== 2)
      throw new Error(`${gzPath}: line ${i + 2} is not a merge pair: ${JSON.stringify(line)}`);
    return parts as [string, string];
  });
  if (merges.length !== CLIP_MERGE_COUNT) {
    throw new Error(`${gzPath}: expected ${CLIP_MERGE_COUNT} merges, found ${merges.length}`);
  }
  const bytes = bytesToUnicode().map(([, c]) => c);
  const vocab = [
    ...bytes,
    ...bytes.map((c) => `${c}</w>`),
    ...merges.map(([a, b]) => a + b),
    '<|startoftext|>',
    '<|endoftext|>',
  ];
  return { vocab, merges };
}

// Turns text into the token ids CLIP's text tower was trained on, reading the vocabulary and merges
// from a Hugging Face tokenizer.json (ours, or a published CLIP one).
import { readFile } from 'node:fs/promises';
import { BPE, ByteLevelPreTokenizer, SplitPreTokenizer } from '@huggingface/tokenizers';
import { decodeHTML, replaceCodePoint } from 'entities/decode';
import { byteChars, readClipVocab } from './clip-vocab';

export const CLIP_START_TOKEN = '<|startoftext|>';
export const CLIP_END_TOKEN = '<|endoftext|>';

/**
 * CLIP's piece pattern in Oniguruma syntax (what tokenizer.json stores; @huggingface/tokenizers
 * translates it). CLIP compiles its pattern case-insensitively, and on lower-cased text that still
 * matters for two characters, written out here because neither engine here folds case like Python's
 * `regex`: 'ſ' (U+017F) folds to 's', so "'ſ" is a contraction; U+0345 folds to 'ι' yet is no letter,
 * so it matches no alternative and is dropped like a space.
 */
const CLIP_PIECE_PATTERN =
  "<\\|[s\\x{17f}]tartoftext\\|>|<\\|endoftext\\|>|'[s\\x{17f}]|'t|'re|'ve|'m|'ll|'d|" +
  '[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}\\x{345}]+';

const CLIP_SPLIT = {
  type: 'Split',
  pattern: { Regex: CLIP_PIECE_PATTERN },
  // invert: the matches are the pieces; the text between them, only ever whitespace, is dropped.
  behavior: 'Removed',
  invert: true,
} as const;
const CLIP_BYTE_LEVEL = {
  type: 'ByteLevel',
  add_prefix_space: false,
  trim_offsets: true,
  use_regex: false,
} as const;

/** Pieces by CLIP's pattern, then each piece's UTF-8 bytes as GPT-2's printable byte characters. */
export const CLIP_PRE_TOKENIZER = { type: 'Sequence', pretokenizers: [CLIP_SPLIT, CLIP_BYTE_LEVEL] } as const;

/** Python's str.isspace(): Unicode White_Space plus the four information separators U+001C..U+001F. */
const PY_SPACE = '\\p{White_Space}\\u001c-\\u001f';
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'gu');
/** CLIP collapses runs with the `regex` module's \s, which is White_Space alone. */
const SPACE_RUN = /\p{White_Space}+/gu;
/** Python's html.unescape grammar: decimal, hex, or up to 32 name characters, each with optional ';'. */
const CHAR_REF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

/** Numeric references Python's html.unescape drops: C0/C1 controls and noncharacters. */
function droppedByPython(cp: number): boolean {
  return (
    (cp >= 0x01 && cp <= 0x08) ||
    cp === 0x0b ||
    (cp >= 0x0e && cp <= 0x1f) ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0xfdd0 && cp <= 0xfdef) ||
    (cp & 0xfffe) === 0xfffe
  );
}

function numericReference(ref: string): string {
  const hex = ref[1] === 'x' || ref[1] === 'X';
  const cp = parseInt(ref.slice(hex ? 2 : 1).replace(/;$/, ''), hex ? 16 : 10);
  // Python's order: NUL and C1 bytes take their Windows-1252 meaning, out-of-range and surrogates
  // become U+FFFD (entities' replaceCodePoint is that table); only then are invalid points dropped.
  const remapped = cp === 0 || (cp >= 0x80 && cp <= 0x9f) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff);
  if (remapped) return String.fromCodePoint(replaceCodePoint(cp));
  return droppedByPython(cp) ? '' : String.fromCodePoint(cp);
}

/** Python's html.unescape: numeric references by its rules, named ones (with the HTML5 longest-prefix
 *  rule for legacy names without ';') through the `entities` table. */
export function unescapeHtml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(CHAR_REF, (whole: string, ref: string) =>
    ref.startsWith('#') ? numericReference(ref) : decodeHTML(whole),
  );
}

/**
 * CLIP's text cleaning: NFC (the last step of ftfy.fix_text; its mojibake repair, quote uncurling and
 * width/ligature folding are not reproduced), HTML unescaped twice, stripped, whitespace runs to one
 * space, stripped again, lower-cased. Done here because no tokenizer.json normalizer can unescape HTML
 * or apply NFC before it.
 */
export function cleanClipText(text: string): string {
  // ftfy.fix_text uncurls quotes before its NFC step: a phone's "don’t" must tokenize like "don't".
  const uncurled = text.replace(/[\u02bc\u2018-\u201b]/g, "'").replace(/[\u201c-\u201f]/g, '"');
  const unescaped = unescapeHtml(unescapeHtml(uncurled.normalize('NFC'))).replace(PY_STRIP, '');
  return unescaped.replace(SPACE_RUN, ' ').replace(PY_STRIP, '').toLowerCase();
}

/** The library's translation of CLIP_PIECE_PATTERN (global, Unicode), matched lazily piece by piece. */
const PIECES: RegExp = new SplitPreTokenizer(CLIP_SPLIT).pattern!;
const BYTES = new ByteLevelPreTokenizer(CLIP_BYTE_LEVEL);

/** GPT-2's printable stand-in for each byte (clip-vocab.ts). */
const BYTE_LEVEL_CHARS: string[] = byteChars();

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A special token's id: from the vocabulary, else from added_tokens (files differ in where they keep it). */
function specialId(
  file: string,
  json: Record<string, unknown>,
  vocab: Record<string, unknown>,
  token: string,
) {
  const added = Array.isArray(json.added_tokens) ? json.added_tokens : [];
  const fromAdded = added.find((t): t is { id: unknown } => isRecord(t) && t.content === token)?.id;
  const id = vocab[token] ?? fromAdded;
  if (!Number.isInteger(id)) throw new Error(`${file}: model.vocab has no id for ${token}`);
  return id as number;
}

/** Every byte must have a token and every merge must make one, or BPE would quietly emit unk_token. */
function checkVocabulary(file: string, model: BPE): void {
  const has = (t: string) => model.tokens_to_ids.has(t);
  for (let b = 0; b < 256; b++) {
    const byte = BYTE_LEVEL_CHARS[b]!;
    if (!has(byte) || !has(`${byte}</w>`)) {
      throw new Error(
        `${file}: model.vocab lacks the byte token ${JSON.stringify(byte)}; not a CLIP vocabulary`,
      );
    }
  }
  const bad = model.merges.find(([a, b]) => !has(a + b));
  if (bad)
    throw new Error(
      `${file}: model.merges has ${JSON.stringify(bad.join(' '))}, whose result is not in model.vocab`,
    );
}

export class ClipTokenizer {
  private constructor(
    /** Where the vocabulary came from, for error messages. */
    readonly file: string,
    readonly contextLength: number,
    private readonly bpe: BPE,
    private readonly startId: number,
    private readonly endId: number,
    /** The longest vocabulary entry, in characters: no token covers more of a piece than this. */
    private readonly longestToken: number,
  ) {}

  static async fromFile(tokenizerJsonPath: string, contextLength: number): Promise<ClipTokenizer> {
    let text: string;
    try {
      text = await readFile(tokenizerJsonPath, 'utf8');
    } catch (err) {
      throw new Error(`${tokenizerJsonPath}: cannot read tokenizer.json: ${(err as Error).message}`, {
        cause: err,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`${tokenizerJsonPath}: tokenizer.json is not valid JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return ClipTokenizer.fromJson(json, tokenizerJsonPath, contextLength);
  }

  /** CLIP's own vocabulary file (bpe_simple_vocab_16e6.txt.gz, as resources/clip-bpe ships it). */
  static fromClipVocab(gzPath: string, contextLength: number): ClipTokenizer {
    const { vocab, merges } = readClipVocab(gzPath);
    const ids = Object.fromEntries(vocab.map((token, id) => [token, id]));
    return ClipTokenizer.fromJson(
      { model: { type: 'BPE', end_of_word_suffix: '</w>', vocab: ids, merges } },
      gzPath,
      contextLength,
    );
  }

  /**
   * Only the file's BPE vocabulary and merges are used. Cleaning, splitting and special tokens are
   * always CLIP's: published files approximate them (no HTML unescaping, no case folding, specials cut
   * out anywhere; files from before transformers 4.17 even split like GPT-2). SOT/EOT, truncation and
   * padding are added here, so the file's post-processor never adds them a second time.
   */
  static fromJson(json: unknown, file: string, contextLength: number): ClipTokenizer {
    if (!Number.isInteger(contextLength) || contextLength < 2) {
      throw new RangeError(`contextLength must be an integer >= 2 (SOT and EOT), got ${contextLength}`);
    }
    if (!isRecord(json) || !isRecord(json.model)) throw new Error(`${file}: no "model" object`);
    const model = json.model;
    if (model.type !== undefined && model.type !== 'BPE') {
      throw new Error(`${file}: model.type must be "BPE" for CLIP, found ${JSON.stringify(model.type)}`);
    }
    if (model.end_of_word_suffix !== '</w>') {
      const found = JSON.stringify(model.end_of_word_suffix);
      throw new Error(`${file}: model.end_of_word_suffix must be "</w>" for CLIP, found ${found}`);
    }
    if (!isRecord(model.vocab)) throw new Error(`${file}: model.vocab must be an object of token ids`);
    if (!Array.isArray(model.merges)) throw new Error(`${file}: model.merges must be an array`);
    const startId = specialId(file, json, model.vocab, CLIP_START_TOKEN);
    const endId = specialId(file, json, model.vocab, CLIP_END_TOKEN);
    let bpe: BPE;
    try {
      bpe = new BPE({
        type: 'BPE',
        vocab: model.vocab as Record<string, number>,
        merges: model.merges as string[] | Array<[string, string]>,
        end_of_word_suffix: '</w>',
        unk_token: null,
        ignore_merges: false,
      });
    } catch (err) {
      throw new Error(`${file}: cannot read model.vocab and model.merges: ${(err as Error).message}`, {
        cause: err,
      });
    }
    checkVocabulary(file, bpe);
    let longest = 1;
    for (const token of bpe.tokens_to_ids.keys()) longest = Math.max(longest, token.length);
    return new ClipTokenizer(file, contextLength, bpe, startId, endId, longest);
  }

  /** ids: SOT first, EOT last, truncated to contextLength keeping EOT, zero-padded. */
  encode(text: string): Int32Array {
    const out = new Int32Array(this.contextLength);
    this.rowIds(text).forEach((id, i) => (out[i] = id));
    return out;
  }

  /** Row-major [texts.length × contextLength] ids in the text tower's input dtype. */
  encodeBatch(texts: string[], dtype: 'int64'): BigInt64Array;
  encodeBatch(texts: string[], dtype: 'int32'): Int32Array;
  encodeBatch(texts: string[], dtype: 'int64' | 'int32'): BigInt64Array | Int32Array;
  encodeBatch(texts: string[], dtype: 'int64' | 'int32'): BigInt64Array | Int32Array {
    const n = this.contextLength;
    if (dtype === 'int32') {
      const out = new Int32Array(texts.length * n);
      texts.forEach((t, row) => this.rowIds(t).forEach((id, i) => (out[row * n + i] = id)));
      return out;
    }
    const out = new BigInt64Array(texts.length * n);
    texts.forEach((t, row) => this.rowIds(t).forEach((id, i) => (out[row * n + i] = BigInt(id))));
    return out;
  }

  /** SOT, content ids, EOT, at most contextLength of them: CLIP keeps the first contextLength - 1 ids
   *  and makes the last one EOT. Pieces are found and merged only until the row is full, so a pasted
   *  megabyte costs little more than its cleaning. */
  private rowIds(text: string): number[] {
    const room = this.contextLength - 2;
    const content: number[] = [];
    for (const [piece] of cleanClipText(text).matchAll(PIECES)) {
      if (content.length >= room) break;
      // What CLIP's BPE cache holds: a piece that is exactly a special token's text is that token.
      if (piece === CLIP_START_TOKEN) content.push(this.startId);
      else if (piece === CLIP_END_TOKEN) content.push(this.endId);
      else
        for (const token of this.bpe.encode(
          BYTES.pre_tokenize_text(this.usable(piece, room - content.length)),
        ))
          content.push(this.tokenId(token));
    }
    return [this.startId, ...content.slice(0, room), this.endId];
  }

  /** The start of `piece` that can still reach the row: each token covers at least one character and at
   *  most longestToken, so `left` tokens never need more than left × longestToken characters. Merging a
   *  200 000-character piece whole would take seconds for ids that are cut anyway. */
  private usable(piece: string, left: number): string {
    const limit = left * this.longestToken;
    if (piece.length <= limit) return piece;
    // Never cut between the halves of a surrogate pair.
    const end = /[\uD800-\uDBFF]/.test(piece[limit - 1]!) ? limit - 1 : limit;
    return piece.slice(0, end);
  }

  private tokenId(token: string): number {
    const id = this.bpe.tokens_to_ids.get(token);
    if (id === undefined)
      throw new Error(`${this.file}: BPE produced ${JSON.stringify(token)}, not in model.vocab`);
    return id;
  }
}

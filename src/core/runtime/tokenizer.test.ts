import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipTokenizerJsonPath } from '../../../test/helpers/clip-tokenizer';
import { ClipTokenizer, cleanClipText, unescapeHtml } from './tokenizer';
import { CLIP_CONTEXT_LENGTH, CLIP_EOT, CLIP_SOT } from './types';

/** Written by tools/reference/clip_tokenize_ref.py: ids without their zero padding. */
const GOLDEN: Array<{ text: string; ids: number[] }> = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/tokenizer/golden.json', import.meta.url), 'utf8'),
);

function padded(ids: number[], length = CLIP_CONTEXT_LENGTH): number[] {
  return [...ids, ...new Array<number>(length - ids.length).fill(0)];
}

let jsonPath: string;
let tokenizer: ClipTokenizer;
let scratch: string;

beforeAll(async () => {
  jsonPath = clipTokenizerJsonPath();
  tokenizer = await ClipTokenizer.fromFile(jsonPath, CLIP_CONTEXT_LENGTH);
  scratch = mkdtempSync(join(tmpdir(), 'glimpse-tokenizer-'));
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('ClipTokenizer', () => {
  it('encodes "a photo of a cat" to the ids CLIP gives it, then zeros up to 77', () => {
    expect(Array.from(tokenizer.encode('a photo of a cat'))).toEqual(
      padded([49406, 320, 1125, 539, 320, 2368, 49407]),
    );
  });

  it('agrees with the Python reference on every golden text', () => {
    expect(GOLDEN.length).toBeGreaterThanOrEqual(150);
    const mismatches = GOLDEN.filter(({ text, ids }) => {
      return Array.from(tokenizer.encode(text)).join() !== padded(ids).join();
    }).map(({ text }) => text);
    expect(mismatches).toEqual([]);
  });

  it('cuts a long text to 77 ids whose last is EOT', () => {
    const ids = tokenizer.encode('a photo of a cat '.repeat(40));
    expect(ids).toHaveLength(77);
    expect(ids[0]).toBe(CLIP_SOT);
    expect(ids[76]).toBe(CLIP_EOT);
    expect(Array.from(ids.slice(1, 76))).not.toContain(CLIP_EOT);
    expect(Array.from(ids.slice(1, 9))).toEqual([320, 1125, 539, 320, 2368, 320, 1125, 539]);
  });

  it('cuts a 200 000-character piece before merging it: quick, and the same ids as its start alone', () => {
    for (const ch of ['!', 'd', '😀']) {
      const huge = ch.repeat(200_000);
      const t0 = performance.now();
      const ids = Array.from(tokenizer.encode(huge));
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(ids).toEqual(Array.from(tokenizer.encode(ch.repeat(2000 / ch.length))));
      expect(ids.at(-1)).toBe(CLIP_EOT);
    }
  });

  it('pads with zeros after EOT', () => {
    const ids = Array.from(tokenizer.encode('dog'));
    expect(ids.slice(0, 3)).toEqual([CLIP_SOT, 1929, CLIP_EOT]);
    expect(ids.slice(3)).toEqual(new Array(74).fill(0));
  });

  it('gives the empty string just SOT and EOT', () => {
    expect(Array.from(tokenizer.encode('   ')).slice(0, 3)).toEqual([CLIP_SOT, CLIP_EOT, 0]);
  });

  it('honours a special token only where CLIP starts a piece', () => {
    const inside = Array.from(tokenizer.encode('a <|endoftext|> b'));
    expect(inside.slice(0, 5)).toEqual([CLIP_SOT, 320, CLIP_EOT, 321, CLIP_EOT]);
    const glued = Array.from(tokenizer.encode('!<|endoftext|>'));
    expect(glued.indexOf(CLIP_EOT)).toBe(glued.lastIndexOf(CLIP_EOT));
  });

  it('lays out an int64 batch row by row, each row as encode gives it', () => {
    const texts = ['a photo of a cat', 'a red car', ''];
    const batch = tokenizer.encodeBatch(texts, 'int64');
    expect(batch).toBeInstanceOf(BigInt64Array);
    expect(batch).toHaveLength(3 * 77);
    texts.forEach((t, row) => {
      const expected = Array.from(tokenizer.encode(t), BigInt);
      expect(Array.from(batch.slice(row * 77, (row + 1) * 77))).toEqual(expected);
    });
  });

  it('lays out an int32 batch row by row, each row as encode gives it', () => {
    const texts = ['sunset', 'a photo of a cat '.repeat(30)];
    const batch = tokenizer.encodeBatch(texts, 'int32');
    expect(batch).toBeInstanceOf(Int32Array);
    expect(Array.from(batch.slice(0, 77))).toEqual(Array.from(tokenizer.encode(texts[0]!)));
    expect(Array.from(batch.slice(77))).toEqual(Array.from(tokenizer.encode(texts[1]!)));
  });

  it('follows another context length, still ending on EOT', async () => {
    const short = await ClipTokenizer.fromFile(jsonPath, 5);
    expect(Array.from(short.encode('a photo of a cat'))).toEqual([CLIP_SOT, 320, 1125, 539, CLIP_EOT]);
    expect(Array.from(short.encode('cat'))).toEqual([CLIP_SOT, 2368, CLIP_EOT, 0, 0]);
  });

  it('reads a tokenizer.json in the shape published for CLIP models without adding SOT/EOT twice', () => {
    const ours = JSON.parse(readFileSync(jsonPath, 'utf8'));
    // transformers' CLIP converter: no special-token alternatives, no case folding, NFC after cleaning,
    // and a post-processor that adds SOT/EOT itself.
    const published = {
      ...ours,
      normalizer: {
        type: 'Sequence',
        normalizers: [
          { type: 'NFC' },
          { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
          { type: 'Lowercase' },
        ],
      },
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          {
            type: 'Split',
            pattern: { Regex: "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" },
            behavior: 'Removed',
            invert: true,
          },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
        ],
      },
      post_processor: {
        type: 'RobertaProcessing',
        sep: ['<|endoftext|>', CLIP_EOT],
        cls: ['<|startoftext|>', CLIP_SOT],
        trim_offsets: false,
        add_prefix_space: false,
      },
    };
    const theirs = ClipTokenizer.fromJson(published, 'published/tokenizer.json', CLIP_CONTEXT_LENGTH);
    expect(Array.from(theirs.encode('a photo of a cat')).slice(0, 8)).toEqual([
      CLIP_SOT,
      320,
      1125,
      539,
      320,
      2368,
      CLIP_EOT,
      0,
    ]);
    const differing = GOLDEN.filter(
      ({ text }) => theirs.encode(text).join() !== tokenizer.encode(text).join(),
    );
    expect(differing).toEqual([]);
  });

  it('names the file when it is missing', async () => {
    const missing = join(scratch, 'nowhere', 'tokenizer.json');
    await expect(ClipTokenizer.fromFile(missing, 77)).rejects.toThrow(missing);
  });

  it('names the file when it is not JSON', async () => {
    const broken = join(scratch, 'broken.json');
    writeFileSync(broken, '{"model": ');
    await expect(ClipTokenizer.fromFile(broken, 77)).rejects.toThrow(
      `${broken}: tokenizer.json is not valid JSON`,
    );
  });

  it('names the file and the field when the tokenizer is not CLIP BPE', async () => {
    const wordpiece = join(scratch, 'wordpiece.json');
    writeFileSync(wordpiece, JSON.stringify({ model: { type: 'WordPiece', vocab: {} } }));
    await expect(ClipTokenizer.fromFile(wordpiece, 77)).rejects.toThrow(`${wordpiece}: model.type`);
    const gpt2 = join(scratch, 'gpt2.json');
    writeFileSync(gpt2, JSON.stringify({ model: { type: 'BPE', vocab: { a: 0 }, merges: [] } }));
    await expect(ClipTokenizer.fromFile(gpt2, 77)).rejects.toThrow(`${gpt2}: model.end_of_word_suffix`);
  });

  it('names the file when the vocabulary lacks the special tokens', () => {
    const ours = JSON.parse(readFileSync(jsonPath, 'utf8'));
    delete ours.model.vocab['<|startoftext|>'];
    ours.added_tokens = [];
    expect(() => ClipTokenizer.fromJson(ours, 'no-specials.json', 77)).toThrow(
      'no-specials.json: model.vocab has no id for <|startoftext|>',
    );
  });

  it('refuses a context length with no room for SOT and EOT', async () => {
    await expect(ClipTokenizer.fromFile(jsonPath, 1)).rejects.toThrow(RangeError);
  });
});

describe('CLIP text cleaning', () => {
  it("unescapes HTML by Python's rules, twice", () => {
    expect(cleanClipText('Fish &amp;amp; Chips')).toBe('fish & chips');
    expect(cleanClipText('&amp;lt;b&amp;gt;')).toBe('<b>');
  });

  it("keeps Python's quirks for numeric and legacy references", () => {
    expect(unescapeHtml('&#128;&#150;')).toBe('€–'); // C1 bytes read as Windows-1252
    expect(unescapeHtml('a&#1;b&#xFFFF;c')).toBe('abc'); // controls and noncharacters dropped
    expect(unescapeHtml('&#0;&#xD800;&#1114112;')).toBe('\ufffd\ufffd\ufffd');
    expect(unescapeHtml('&notit; &ampx &unknown;')).toBe('¬it; &x &unknown;');
  });

  it("collapses Python's whitespace and strips it, lower-cases, and composes to NFC first", () => {
    expect(cleanClipText('\u001c  Big\t\u3000Cat\u2028  ')).toBe('big cat');
    expect(cleanClipText('CAFE\u0301')).toBe('café');
    // NFC runs before unescaping, as ftfy runs before html.unescape: a combining mark written as an
    // entity stays separate.
    expect(cleanClipText('e&#769;')).toBe('e\u0301');
  });
});

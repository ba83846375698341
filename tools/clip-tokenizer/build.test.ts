import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@huggingface/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanClipText } from '../../src/core/runtime/tokenizer';
import { CLIP_EOT, CLIP_SOT } from '../../src/core/runtime/types';
import { buildClipTokenizerJson, writeClipTokenizerJson } from './build';
import { CLIP_MERGE_COUNT } from '../../src/core/runtime/clip-vocab';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GOLDEN: Array<{ text: string; ids: number[] }> = JSON.parse(
  readFileSync(join(ROOT, 'test/fixtures/tokenizer/golden.json'), 'utf8'),
);

interface BuiltJson {
  added_tokens: Array<{ id: number; content: string }>;
  model: { vocab: Record<string, number>; merges: string[] };
}

let built: BuiltJson;
let scratch: string;

beforeAll(() => {
  built = buildClipTokenizerJson() as BuiltJson;
  scratch = mkdtempSync(join(tmpdir(), 'glimpse-clip-json-'));
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('buildClipTokenizerJson', () => {
  it("holds CLIP's 49408 ids and 48894 merges, specials last", () => {
    expect(Object.keys(built.model.vocab)).toHaveLength(49408);
    expect(built.model.merges).toHaveLength(CLIP_MERGE_COUNT);
    expect(built.model.vocab['photo</w>']).toBe(1125);
    expect(built.added_tokens.map((t) => [t.content, t.id])).toEqual([
      ['<|startoftext|>', CLIP_SOT],
      ['<|endoftext|>', CLIP_EOT],
    ]);
  });

  it('read alone by @huggingface/tokenizers, matches the reference once the text is cleaned', () => {
    const hf = new Tokenizer(built, {});
    // Added tokens are cut out wherever they occur, CLIP honours them only where a piece starts:
    // ClipTokenizer handles those texts, tokenizer.json alone cannot.
    const mismatches = GOLDEN.filter(({ text }) => !text.includes('<|'))
      .filter(({ text, ids }) => {
        const all = hf.encode(cleanClipText(text)).ids;
        const cut = all.length > 77 ? [...all.slice(0, 76), CLIP_EOT] : all;
        return cut.join() !== ids.join();
      })
      .map(({ text }) => text);
    expect(mismatches).toEqual([]);
  });
});

describe('writeClipTokenizerJson', () => {
  it('writes parseable JSON and leaves no temporary file behind', () => {
    const out = join(scratch, 'tokenizer.json');
    writeClipTokenizerJson(out);
    expect(JSON.parse(readFileSync(out, 'utf8')).model.vocab['<|endoftext|>']).toBe(CLIP_EOT);
    expect(readdirSync(scratch)).toEqual(['tokenizer.json']);
  });

  it('names the output path when it cannot write', () => {
    const out = join(scratch, 'missing-dir', 'tokenizer.json');
    expect(() => writeClipTokenizerJson(out)).toThrow(out);
  });

  it('names the vocabulary when it cannot read it', () => {
    const gz = join(scratch, 'nope.txt.gz');
    expect(() => buildClipTokenizerJson(gz)).toThrow(gz);
  });

  it('runs from the command line with --out', () => {
    const out = join(scratch, 'cli', 'tokenizer.json');
    mkdirSync(join(scratch, 'cli'));
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'tools/clip-tokenizer/build.ts', '--out', out],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe(JSON.stringify(built));
  });
});

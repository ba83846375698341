// Writes CLIP's tokenizer as a Hugging Face tokenizer.json, built from the BPE merge list CLIP ships
// (resources/clip-bpe), so the app needs no download to tokenize.
import { randomUUID } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readClipVocab } from './clip-vocab';
import { CLIP_END_TOKEN, CLIP_PRE_TOKENIZER, CLIP_START_TOKEN } from './tokenizer';
import { CLIP_EOT, CLIP_SOT } from './types';

const VOCAB_FILE = join('clip-bpe', 'bpe_simple_vocab_16e6.txt.gz');

/** Where CLIP's BPE merge list is: GLIMPSE_CLIP_VOCAB if set, resources/ in a checkout (from src/core/runtime
 *  or from the bundled CLI in out/cli), or the packaged app's resources folder. */
export function findClipVocab(): string {
  const override = process.env.GLIMPSE_CLIP_VOCAB;
  if (override) {
    if (!existsSync(override)) throw new Error(`GLIMPSE_CLIP_VOCAB=${override}: no such file`);
    return override;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const roots = [
    join(here, '..', '..', '..', 'resources'),
    join(here, '..', '..', 'resources'),
    join(here, '..', 'resources'),
    (process as { resourcesPath?: string }).resourcesPath ?? '',
  ];
  for (const root of roots) if (root && existsSync(join(root, VOCAB_FILE))) return join(root, VOCAB_FILE);
  throw new Error(`CLIP's vocabulary (${VOCAB_FILE}) is not in any of ${roots.filter(Boolean).join(', ')}`);
}

function addedToken(id: number, content: string) {
  // normalized: the lower-casing normalizer may touch them, as CLIP lower-cases before matching.
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true };
}

/**
 * CLIP's tokenizer in tokenizer.json form, the same shape as the files published for CLIP models.
 * Read alone by a Hugging Face tokenizer it matches CLIP except where tokenizer.json cannot say what
 * CLIP does, which ClipTokenizer (src/core/runtime/tokenizer.ts) adds in TypeScript: HTML unescaping,
 * NFC before the unescaping rather than after, Python's whitespace set, and special tokens counted
 * only where CLIP's pattern starts a piece (added tokens are matched anywhere).
 */
export function buildClipTokenizerJson(gzPath: string = findClipVocab()): object {
  const { vocab, merges } = readClipVocab(gzPath);
  const ids = Object.fromEntries(vocab.map((token, id) => [token, id]));
  if (ids[CLIP_START_TOKEN] !== CLIP_SOT || ids[CLIP_END_TOKEN] !== CLIP_EOT) {
    throw new Error(
      `${gzPath}: special tokens landed on ids ${ids[CLIP_START_TOKEN]}/${ids[CLIP_END_TOKEN]}`,
    );
  }
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [addedToken(CLIP_SOT, CLIP_START_TOKEN), addedToken(CLIP_EOT, CLIP_END_TOKEN)],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFC' },
        { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
        { type: 'Lowercase' },
      ],
    },
    pre_tokenizer: CLIP_PRE_TOKENIZER,
    post_processor: {
      type: 'RobertaProcessing',
      sep: [CLIP_END_TOKEN, CLIP_EOT],
      cls: [CLIP_START_TOKEN, CLIP_SOT],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: CLIP_END_TOKEN,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: ids,
      // "a b" strings rather than pairs: every reader of tokenizer.json accepts them, and byte-level
      // tokens never contain a space.
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}

/** Writes the tokenizer.json atomically: a reader never sees half a file. */
export function writeClipTokenizerJson(outPath: string, gzPath: string = findClipVocab()): void {
  const json = JSON.stringify(buildClipTokenizerJson(gzPath));
  const tmp = `${outPath}.${randomUUID()}.tmp`;
  try {
    writeFileSync(tmp, json);
    renameSync(tmp, outPath);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`${outPath}: cannot write tokenizer.json: ${(err as Error).message}`, { cause: err });
  }
}

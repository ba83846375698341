// Gives tests the path of CLIP's tokenizer.json, built once from the shipped vocabulary into
// node_modules/.cache and rebuilt when the vocabulary or the code that writes it is newer.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CLIP_VOCAB_GZ, writeClipTokenizerJson } from '../../tools/clip-tokenizer/build';

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/glimpse-test/', import.meta.url));
/** What the file's bytes depend on besides the vocabulary. */
const WRITERS = ['../../src/core/runtime/clip-tokenizer-json.ts', '../../src/core/runtime/tokenizer.ts'].map(
  (f) => fileURLToPath(new URL(f, import.meta.url)),
);

function mtimeMs(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/** Path of the built tokenizer.json; the write is atomic, so parallel test files never read half a file. */
export function clipTokenizerJsonPath(): string {
  const out = join(CACHE, 'tokenizer.json');
  const built = mtimeMs(out);
  const inputs = [DEFAULT_CLIP_VOCAB_GZ, ...WRITERS].map((f) => mtimeMs(f) ?? 0);
  if (built === null || built < Math.max(...inputs)) {
    mkdirSync(CACHE, { recursive: true });
    writeClipTokenizerJson(out);
  }
  return out;
}

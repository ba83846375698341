// CLI for CLIP's tokenizer.json (src/core/runtime/clip-tokenizer-json.ts builds it from resources/clip-bpe).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findClipVocab, writeClipTokenizerJson } from '../../src/core/runtime/clip-tokenizer-json';

export { buildClipTokenizerJson, writeClipTokenizerJson } from '../../src/core/runtime/clip-tokenizer-json';
export const DEFAULT_CLIP_VOCAB_GZ = findClipVocab();

function main(args: string[]): void {
  const usage =
    'usage: tsx tools/clip-tokenizer/build.ts --out <tokenizer.json> [--vocab <bpe_simple_vocab_16e6.txt.gz>]';
  let values: { out?: string; vocab?: string };
  try {
    ({ values } = parseArgs({ args, options: { out: { type: 'string' }, vocab: { type: 'string' } } }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    process.exitCode = 2;
    return;
  }
  if (!values.out) {
    console.error(usage);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  writeClipTokenizerJson(resolve(values.out), values.vocab === undefined ? undefined : resolve(values.vocab));
  console.log(`${resolve(values.out)} written in ${Math.round(performance.now() - started)} ms`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main(process.argv.slice(2));

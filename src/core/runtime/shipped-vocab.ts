// CLIP's BPE vocabulary as Glimpse ships it (resources/clip-bpe), found from source, from the CLI
// bundle (out/cli) or from a packaged app, so `glimpse tokenize` works before any model is installed.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RELATIVE = join('resources', 'clip-bpe', 'bpe_simple_vocab_16e6.txt.gz');

/** The vocabulary file, or null when this installation does not carry it. */
export function shippedClipVocab(): string | null {
  const roots: string[] = [];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++, dir = dirname(dir)) roots.push(dir);
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged) roots.push(dirname(packaged), packaged);
  for (const root of roots) {
    const file = join(root, RELATIVE);
    if (existsSync(file)) return file;
  }
  return null;
}

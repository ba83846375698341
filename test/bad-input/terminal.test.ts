// What a new user and hostile file names meet in the terminal: commands that need no model work with
// none installed (and say what is missing only where it matters), and names with newlines or escape
// sequences are printed escaped in human output, never raw.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli';
import { useFreshGlimpseHome } from '../helpers/glimpse-home';
import { writeColourPhotos } from '../helpers/corpus';
import { testModelDir } from '../helpers/test-model';

const tempRoot = useFreshGlimpseHome('terminal');

describe('a new user with no model installed', () => {
  it.each([['status'], ['failures'], ['check'], ['model', 'list'], ['tokenize', 'a photo of a cat']])(
    'can run glimpse %s',
    async (...args) => {
      const r = await glimpse(args);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    },
  );

  it('tokenizes with the vocabulary Glimpse ships', async () => {
    expect((await glimpse(['tokenize', 'a photo of a cat'])).out).toBe('49406 320 1125 539 320 2368 49407\n');
  });

  it('is told in status that the model is not installed, and how to get it', async () => {
    expect((await glimpse(['status'])).out).toMatch(/not installed: .*glimpse model pull /);
  });

  it('is told what to pull when a command does need the model', async () => {
    const r = await glimpse(['search', 'dog']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no model installed here; `glimpse model pull [^`]+` fetches it/);
  });
});

describe('file names that would rewrite the terminal', () => {
  const HOSTILE = [
    'two\nlines.jpg',
    '\u001b[2J\u001b]0;pwned\u0007.jpg',
    'tab\there\r.png',
    'gpj.\u202eevil.jpg',
  ];

  it('are printed escaped by index, failures, status and search', async () => {
    const photos = join(tempRoot(), 'hostile\nfolder');
    mkdirSync(photos, { recursive: true });
    for (const name of HOSTILE) writeFileSync(join(photos, name), 'not an image at all');
    await writeColourPhotos(photos, 1);
    const model = await testModelDir('float32');
    const cli = (...args: string[]) =>
      glimpse(['--model', model, '--library', join(tempRoot(), 'library'), '--providers', 'cpu', ...args]);
    const outputs = [
      await cli('index', photos),
      await cli('failures'),
      await cli('status'),
      await cli('search', 'red', '-k', '50'),
    ];
    for (const r of outputs) {
      expect(r.code).toBe(0);
      // eslint-disable-next-line no-control-regex -- no raw control character may reach the terminal
      expect(r.out + r.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    }
    const failures = outputs[1]!.out.trim().split('\n');
    expect(failures).toHaveLength(HOSTILE.length);
    expect(failures.join('\n')).toContain('hostile\\nfolder/two\\nlines.jpg');
    expect(failures.join('\n')).toContain('tab\\there\\r.png');
    expect(failures.join('\n')).toContain('\\e[2J\\e]0;pwned\\x07.jpg');
    expect(outputs[2]!.out).toContain('hostile\\nfolder');
  });
});

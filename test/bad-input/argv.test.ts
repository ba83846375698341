// Fuzzed argument lists through the CLI's main() in process, with a small library and the tiny model:
// every run ends (no hang) with 0, 1 or 2 and a message, never an internal error or a stack trace.
// Seeded, so a failure reproduces; bounded to a few seconds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random';
import { glimpse } from '../helpers/cli';
import { writeColourPhotos } from '../helpers/corpus';
import { testModelDir } from '../helpers/test-model';

let root: string;
let base: string[];
const saved = process.env.GLIMPSE_HOME;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glimpse-argv-'));
  process.env.GLIMPSE_HOME = join(root, 'home');
  const photos = join(root, 'photos');
  await writeColourPhotos(photos, 3);
  base = ['--model', await testModelDir('float32'), '--library', join(root, 'library'), '--providers', 'cpu'];
  expect((await glimpse([...base, 'index', photos, '--json'])).code).toBe(0);
});
afterAll(() => {
  if (saved === undefined) delete process.env.GLIMPSE_HOME;
  else process.env.GLIMPSE_HOME = saved;
  rmSync(root, { recursive: true, force: true });
});

/** Commands that finish on their own without the network (watch runs until stopped, pull downloads,
 *  bench measures for minutes). */
const COMMANDS = [
  ['index'],
  ['search'],
  ['similar'],
  ['status'],
  ['failures'],
  ['remove'],
  ['duplicates'],
  ['check'],
  ['tokenize'],
  ['embed-text'],
  ['embed-image'],
  ['preprocess'],
  ['model', 'list'],
  ['model', 'use'],
  ['model', 'remove'],
  ['help'],
  ['no-such-command'],
];
const OPTIONS = [
  '-k',
  '--offset',
  '--json',
  '--from',
  '--to',
  '--type',
  '--folder',
  '--cutoff',
  '--threshold',
  '--exclude',
  '--out',
  '--full',
  '--repair',
  '--force',
  '--batch-size',
  '--device',
  '--providers',
  '--',
  '-',
];
const NASTY = [
  '',
  ' ',
  '-1',
  '0',
  '1e309',
  'NaN',
  '9'.repeat(40),
  '-k',
  '../../../../etc/passwd',
  '/dev/null',
  '/',
  'a\u0000b',
  '\u001b[31m',
  'line\nbreak',
  '😀'.repeat(50),
  '\ud800',
  '+',
  '- - -',
  '2*',
  '*'.repeat(300),
  'x'.repeat(20_000),
  '{"json": true}',
  'beach + sunset - people',
  '%s%s%n',
];

function argvFor(random: () => number): string[] {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const out = [...pick(COMMANDS)];
  const extra = Math.floor(random() * 5);
  for (let i = 0; i < extra; i++) out.push(random() < 0.4 ? pick(OPTIONS) : pick(NASTY));
  return out;
}

const HANG_MS = 20_000;

describe('glimpse with fuzzed arguments', () => {
  it('always ends with 0, 1 or 2 and a readable message', async () => {
    const random = mulberry32(20261204);
    for (let run = 0; run < 120; run++) {
      const args = argvFor(random);
      const what = JSON.stringify(args).slice(0, 300);
      const r = await Promise.race([
        glimpse([...base, ...args]),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`hung: ${what}`)), HANG_MS)),
      ]);
      expect([0, 1, 2], what).toContain(r.code);
      expect(r.err, what).not.toMatch(
        /TypeError|ReferenceError|RangeError: Maximum|Cannot read properties|\n\s+at /,
      );
      if (r.code !== 0) expect(r.err.trim().length, what).toBeGreaterThan(0);
    }
  }, 240_000);
});

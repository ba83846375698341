// File and folder names that are not valid UTF-8 (Linux allows any bytes but "/" and NUL), made for
// real with Buffer paths, through the CLI as a user with an old Latin-1 / Shift-JIS camera folder meets
// them: indexed and found, shown with \xNN in human output, given exactly in --json, and settled on a
// second run.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedFromBytes } from '../../src/shared/byte-path';
import { glimpse } from '../helpers/cli';
import { solidPhoto } from '../helpers/images';
import { testModelDir } from '../helpers/test-model';
import { COLOUR_PROTOTYPES, type ColourName } from '../../tools/test-model/design';

let root: string;
let photos: string;
const raw = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
const files: Partial<Record<ColourName, Buffer>> = {};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glimpse-names-'));
  photos = join(root, 'photos');
  mkdirSync(raw(photos, '/album-', [0xff]), { recursive: true });
  // Latin-1 "café.jpg", a lone continuation byte, a truncated 3-byte sequence, a Latin-1 folder, and
  // Shift-JIS beside UTF-8: different names that a lossy decoding would all turn into U+FFFD.
  files.red = raw(photos, '/caf', [0xe9], '.jpg');
  files.green = raw(photos, '/x', [0x80], '.jpg');
  files.blue = raw(photos, '/y', [0xe2, 0x82], '.jpg');
  files.yellow = raw(photos, '/album-', [0xff], '/inside.jpg');
  files.purple = raw(photos, '/写真-', [0x83, 0x4c], '-猫.jpg');
  files.white = raw(photos, '/plain.jpg');
  let width = 20;
  for (const [colour, file] of Object.entries(files))
    writeFileSync(
      file,
      await solidPhoto(COLOUR_PROTOTYPES[colour as ColourName], {
        width: width++,
        height: 16,
        format: 'jpeg',
      }),
    );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('names that are not valid UTF-8', () => {
  it('are indexed, found, shown escaped and given exactly, and settled on a second run', async () => {
    const model = await testModelDir('float32');
    const cli = (...args: string[]) =>
      glimpse(['--model', model, '--library', join(root, 'library'), '--providers', 'cpu', ...args]);
    const index = await cli('index', photos, '--json');
    expect(index.code).toBe(0);
    expect(JSON.parse(index.out)).toMatchObject({ embedded: 6, failed: [] });

    // --json: the stored path, and its exact bytes beside it; every photo is there under its own.
    const found = JSON.parse((await cli('search', 'purple', '-k', '6', '--json')).out);
    const top = found.hits[0];
    expect(top.path).toBe(`${photos}/写真-\u0000\u0083L-猫.jpg`);
    expect(Buffer.from(top.pathBytes, 'base64')).toEqual(files.purple);
    expect(readFileSync(Buffer.from(top.pathBytes, 'base64')).length).toBeGreaterThan(0);
    expect(found.hits.map((h: { path: string }) => h.path).sort()).toEqual(
      Object.values(files)
        .map((f) => storedFromBytes(f))
        .sort(),
    );
    const plain = found.hits.find((h: { path: string }) => h.path === join(photos, 'plain.jpg'));
    expect(plain).not.toHaveProperty('pathBytes');

    // Human output: each byte that is not UTF-8 as \xNN, nothing raw reaching the terminal.
    const human = (await cli('search', 'red', '-k', '6')).out;
    expect(human.split('\n')[0]).toContain(`${photos}/caf\\xe9.jpg`);
    expect(human).toContain(`${photos}/album-\\xff/inside.jpg`);
    expect(human).toContain(`${photos}/y\\xe2\\x82.jpg`);
    expect(human).not.toContain('\u0000');

    expect((await cli('failures', '--json')).out).toBe('');
    expect(JSON.parse((await cli('status', '--json')).out)).toMatchObject({ photos: 6, failed: 0 });

    // A second run finds them settled: nothing vanished, nothing re-read.
    const again = JSON.parse((await cli('index', '--json')).out);
    expect(again).toMatchObject({ removed: 0, embedded: 0, unchanged: 6 });
    const check = await cli('check');
    expect(check.out).toMatch(/the library is consistent/);
  });
});

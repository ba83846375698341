// File and folder names that are not valid UTF-8 (Linux allows any bytes but "/" and NUL), made for
// real with Buffer paths: they are never silently lost — each shows up in failures (and in the index
// summary) with the reason, in a display form that keeps the bytes apart, and valid neighbours index.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli';
import { writeColourPhotos } from '../helpers/corpus';
import { testModelDir } from '../helpers/test-model';

let root: string;
let photos: string;
const raw = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glimpse-names-'));
  photos = join(root, 'photos');
  const [good] = await writeColourPhotos(photos, 1);
  const jpeg = readFileSync(good!.path);
  // Latin-1 "café.jpg", a lone continuation byte, and a truncated 3-byte sequence: three different
  // invalid names that a lossy decoding would all turn into the same U+FFFD.
  writeFileSync(raw(photos, '/caf', [0xe9], '.jpg'), jpeg);
  writeFileSync(raw(photos, '/x', [0x80], '.jpg'), jpeg);
  writeFileSync(raw(photos, '/y', [0xe2, 0x82], '.jpg'), jpeg);
  mkdirSync(raw(photos, '/album-', [0xff]));
  writeFileSync(raw(photos, '/album-', [0xff], '/inside.jpg'), jpeg);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('names that are not valid UTF-8', () => {
  it('are listed in failures with the reason, each distinct, and the rest indexes', async () => {
    const model = await testModelDir('float32');
    const cli = (...args: string[]) =>
      glimpse(['--model', model, '--library', join(root, 'library'), '--providers', 'cpu', ...args]);
    const index = await cli('index', photos, '--json');
    expect(index.code).toBe(0);
    const summary = JSON.parse(index.out);
    expect(summary.embedded).toBe(1);
    const paths = (summary.failed as Array<{ path: string; code: string }>).map((f) => f.path).sort();
    expect(paths).toEqual(
      [
        join(photos, 'album-%FF'),
        join(photos, 'caf%E9.jpg'),
        join(photos, 'x%80.jpg'),
        join(photos, 'y%E2%82.jpg'),
      ].sort(),
    );
    expect(summary.failed.every((f: { code: string }) => f.code === 'bad-name')).toBe(true);

    const failures = await cli('failures', '--json');
    const listed = failures.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { path: string; reason: string });
    expect(listed.map((f) => f.path).sort()).toEqual(
      [join(photos, 'caf%E9.jpg'), join(photos, 'x%80.jpg'), join(photos, 'y%E2%82.jpg')].sort(),
    );
    expect(listed[0]!.reason).toMatch(/not valid UTF-8/);
    expect(JSON.parse((await cli('status', '--json')).out)).toMatchObject({ photos: 1, failed: 3 });

    // A second run finds them settled: nothing vanished, nothing re-tried.
    const again = JSON.parse((await cli('index', '--json')).out);
    expect(again).toMatchObject({ removed: 0, embedded: 0 });
    const check = await cli('check');
    expect(check.out).toMatch(/the library is consistent/);
  });
});

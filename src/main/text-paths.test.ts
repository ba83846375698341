import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storedFromBytes } from '../shared/byte-path';
import { linkName, openablePath, textFolder } from './text-paths';

const root = mkdtempSync(join(tmpdir(), 'glimpse-text-paths-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => Buffer.from(p as string)));

describe('a photo path handed to Electronʼs text-only APIs', () => {
  it('is the path itself when its name is text', async () => {
    expect(await openablePath(1, '/photos/café.jpg', join(root, 'links'))).toBe('/photos/café.jpg');
  });

  it('is a link with a text name that opens the exact bytes when its name is not UTF-8', async () => {
    const file = bytes(root, '/caf', [0xe9], '.jpg');
    writeFileSync(file, 'the photo');
    const stored = storedFromBytes(file);
    const link = await openablePath(7, stored, join(root, 'links'));
    expect(link).toBe(join(root, 'links', '7-caf_.jpg'));
    expect(readFileSync(link, 'utf8')).toBe('the photo');
    // Asked again (the photo may have moved since), the link is made anew rather than failing.
    expect(readFileSync(await openablePath(7, stored, join(root, 'links')), 'utf8')).toBe('the photo');
  });

  it('keeps a long name short enough for a file system, extension and all', () => {
    expect(linkName(3, `/p/${'a'.repeat(300)}\u0000\u00e9.jpeg`)).toMatch(/^3-a{195}\.jpeg$/);
  });

  it('is shown in the nearest folder above whose path is text', () => {
    expect(textFolder('/p/ok/a\u0000\u00e9.jpg')).toBe('/p/ok');
    expect(textFolder('/p/al\u0000\u00ff/x/a.jpg')).toBe('/p');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDropPath, dropKind, grantDrop } from './drops';
import { PathGrants, requireGrant } from './grants';

describe('a path dropped on the window', () => {
  it('is accepted when absolute', () => {
    expect(checkDropPath('/home/a/Pictures/sofa.jpg')).toBe('/home/a/Pictures/sofa.jpg');
  });

  it('is refused, with a clear error, when it is anything else', () => {
    for (const raw of [
      '',
      'relative/x.jpg',
      '/a\0b',
      'x'.repeat(5000),
      42,
      null,
      undefined,
      ['/x'],
      { path: '/x' },
    ])
      expect(() => checkDropPath(raw), JSON.stringify(raw)).toThrow(/^droppedFile: /);
  });

  it('is a folder, a file, or something that is granted as neither', () => {
    const s = (dir: boolean, file: boolean) => ({ isDirectory: () => dir, isFile: () => file });
    expect(dropKind(s(true, false))).toBe('folder');
    expect(dropKind(s(false, true))).toBe('file');
    expect(dropKind(s(false, false))).toBe('other');
  });
});

describe('granting a drop', () => {
  it('grants a dropped folder for addFolder and a dropped file for searchImageFile, nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-drop-'));
    writeFileSync(join(dir, 'sofa.jpg'), 'x');
    const grants = new PathGrants();
    expect(await grantDrop(grants, dir)).toEqual({ path: dir, kind: 'folder' });
    expect(await grantDrop(grants, join(dir, 'sofa.jpg'))).toEqual({
      path: join(dir, 'sofa.jpg'),
      kind: 'file',
    });
    expect(() => requireGrant(grants, 'addFolder', dir, 'folder')).not.toThrow();
    expect(() => requireGrant(grants, 'searchImageFile', join(dir, 'sofa.jpg'), 'file')).not.toThrow();
    expect(() => requireGrant(grants, 'addFolder', '/', 'folder')).toThrow(
      'addFolder: / is not a folder the user chose or dropped',
    );
    expect(() => requireGrant(grants, 'searchImageFile', '/dev/zero', 'file')).toThrow(
      /FORBIDDEN|not a file/,
    );
    if (process.platform !== 'win32') {
      expect(await grantDrop(grants, '/dev/zero')).toEqual({ path: '/dev/zero', kind: 'other' });
      expect(grants.allows('/dev/zero', 'file')).toBe(false);
    }
    await expect(grantDrop(grants, join(dir, 'missing'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

import { describe, expect, it } from 'vitest';
import { checkDropPath, dropKind } from './drops';

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

import { describe, expect, it } from 'vitest';
import { storedFromBytes } from '../shared/byte-path';
import { shown } from './shown';

describe('shown', () => {
  it('leaves ordinary names alone, accents, emoji, spaces and Windows backslashes included', () => {
    for (const name of ['/photos/été 2024/😀.jpg', 'C:\\Users\\me\\IMG_0001.JPG', 'a  b\u00a0c.png'])
      expect(shown(name)).toBe(name);
  });

  it('makes a newline, a tab and a carriage return visible, so a name stays on one line', () => {
    expect(shown('/p/two\nlines.jpg')).toBe('/p/two\\nlines.jpg');
    expect(shown('a\tb\rc')).toBe('a\\tb\\rc');
  });

  it('defuses terminal escape sequences and bidi overrides', () => {
    expect(shown('/p/\u001b]0;owned\u0007x.jpg')).toBe('/p/\\e]0;owned\\x07x.jpg');
    expect(shown('/p/\u001b[31mred.jpg')).toBe('/p/\\e[31mred.jpg');
    expect(shown('/p/gpj.\u202eexe')).toBe('/p/gpj.\\u{202e}exe');
    expect(shown('/p/\u009bc')).toBe('/p/\\x9bc');
  });

  it('escapes lone surrogates and doubles backslashes once anything is escaped', () => {
    expect(shown('/p/\udc80.jpg')).toBe('/p/\\u{dc80}.jpg');
    expect(shown('a\\b\nc')).toBe('a\\\\b\\nc');
  });

  it('shows each byte of a name that is not UTF-8 as \\xNN, beside its valid characters', () => {
    const stored = storedFromBytes(Buffer.from([0x2f, 0xe7, 0x8c, 0xab, 0x83, 0x4c, 0x5c, 0x2e, 0x6a]));
    expect(shown(stored)).toBe('/猫\\x83L\\\\.j');
  });
});

import { describe, expect, it } from 'vitest';
import { BYTE_ESCAPE, bytesOfStored, displayPath, hasEscapedBytes, storedFromBytes } from './byte-path';

const text = new TextEncoder();
const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(parts.flatMap((p) => [...(typeof p === 'string' ? text.encode(p) : p)]));
const roundTrip = (b: Uint8Array) => bytesOfStored(storedFromBytes(b)).join() === b.join();

describe('a byte path', () => {
  it('that is valid UTF-8 is stored as its text, byte for byte what was stored before', () => {
    for (const name of ['/photos/café.jpg', '/写真/猫.jpg', '/a/\u{1F408}.png', '\uFEFFbom.jpg']) {
      const stored = storedFromBytes(bytes(name));
      expect(stored).toBe(name);
      expect(hasEscapedBytes(stored)).toBe(false);
    }
  });

  it('keeps each byte that is not UTF-8 apart, so distinct names stay distinct and come back exact', () => {
    const latin1 = bytes('/photos/caf', [0xe9], '.jpg');
    const lone = bytes('/photos/x', [0x80], '.jpg');
    const truncated = bytes('/photos/y', [0xe2, 0x82], '.jpg');
    const mixed = bytes('/写真/', [0x83, 0x4c], '-猫-', [0xff], '.jpg'); // Shift-JIS beside UTF-8
    const stored = [latin1, lone, truncated, mixed].map(storedFromBytes);
    expect(new Set(stored).size).toBe(4);
    expect(stored[0]).toBe(`/photos/caf${BYTE_ESCAPE}\u00e9.jpg`);
    expect(stored[3]).toBe(`/写真/${BYTE_ESCAPE}\u0083L-猫-${BYTE_ESCAPE}\u00ff.jpg`);
    for (const b of [latin1, lone, truncated, mixed]) expect(roundTrip(b)).toBe(true);
  });

  it('escapes what strict UTF-8 refuses: overlong forms, encoded surrogates, code points past U+10FFFF', () => {
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8]]) {
      const b = bytes('/p/', bad, '.jpg');
      expect(hasEscapedBytes(storedFromBytes(b))).toBe(true);
      expect(roundTrip(b)).toBe(true);
    }
  });

  it('never escapes "/" or ".", so joining, dirname and extname work on the stored form', () => {
    const stored = storedFromBytes(bytes('/a', [0xff], '/b', [0xe9], '.JPG'));
    expect(stored.split('/')).toHaveLength(3);
    expect(stored.endsWith('.JPG')).toBe(true);
  });

  it('refuses a NUL byte, which no file system name holds', () => {
    expect(() => storedFromBytes(bytes('/a', [0], 'b'))).toThrow(/NUL byte/);
  });

  it('refuses strings no stored path can be, naming them', () => {
    expect(() => bytesOfStored(`/p/a${BYTE_ESCAPE}b.jpg`)).toThrow(/\/p\/a\\x00b\.jpg.*escape/);
    expect(() => bytesOfStored('/p/\udce9.jpg')).toThrow(/lone surrogate/);
  });

  it('is shown to people with each escaped byte as \\xNN', () => {
    expect(displayPath(storedFromBytes(bytes('/p/caf', [0xe9], '.jpg')))).toBe('/p/caf\\xe9.jpg');
    expect(displayPath('/p/plain.jpg')).toBe('/p/plain.jpg');
  });

  it('comes back byte for byte from any bytes, and is plain text exactly when they are valid UTF-8', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 8;
    // Bytes weighted towards UTF-8's interesting ones: leads, continuations, and the edges of both.
    const pool = [
      0x41, 0x2e, 0x80, 0x8f, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5,
      0xff,
    ];
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    for (let n = 0; n < 5000; n++) {
      const b = Uint8Array.from({ length: 1 + (next() % 12) }, () => pool[next() % pool.length]!);
      const stored = storedFromBytes(b);
      expect(bytesOfStored(stored).join()).toBe(b.join());
      expect(storedFromBytes(bytesOfStored(stored))).toBe(stored);
      // Between escapes, well-formed text only (no lone surrogate from an encoded one).
      for (const run of stored.split(BYTE_ESCAPE).map((r, i) => (i ? r.slice(1) : r)))
        expect(strict.decode(text.encode(run))).toBe(run);
      let valid: string | null;
      try {
        valid = strict.decode(b);
      } catch {
        valid = null;
      }
      if (valid !== null) expect(stored).toBe(valid);
      else expect(hasEscapedBytes(stored)).toBe(true);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { photoIdOf } from './photo-urls';

describe('photo URLs', () => {
  it('resolve to catalog ids', () => {
    expect(photoIdOf('glimpse-thumb://photo/42')).toBe(42);
    expect(photoIdOf('glimpse-image://photo/7/')).toBe(7);
  });

  it('never carry a path, a query or anything but a positive id', () => {
    for (const url of [
      'glimpse-thumb://photo/../../etc/passwd',
      'glimpse-thumb://photo/%2e%2e%2fetc%2fpasswd',
      'glimpse-image://photo//etc/passwd',
      'glimpse-image://photo/1?path=/etc/passwd',
      'glimpse-image://photo/1#x',
      'glimpse-thumb://photo/0',
      'glimpse-thumb://photo/-1',
      'glimpse-thumb://photo/1e3',
      'glimpse-thumb://other/1',
      'file:///etc/passwd',
      'glimpse-thumb://photo/99999999999999999999',
    ]) {
      expect(photoIdOf(url), url).toBeNull();
    }
  });
});

describe('photo URLs under fuzzing', () => {
  it('give an id only for the exact form, whatever is appended, encoded or repeated', () => {
    let seed = 99;
    const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const parts = [
      '1',
      '0',
      '9',
      '/',
      '.',
      '..',
      '%2f',
      '%2F',
      '%00',
      '\0',
      '%5c',
      '\\',
      '?',
      '#',
      ':',
      'photo',
      'é',
    ];
    for (let i = 0; i < 20_000; i++) {
      let tail = '';
      for (let n = Math.floor(rand() * 8); n > 0; n--) tail += parts[Math.floor(rand() * parts.length)];
      for (const scheme of ['glimpse-thumb', 'glimpse-image']) {
        const id = photoIdOf(`${scheme}://photo/${tail}`);
        if (id === null) continue;
        // Only digits (and one trailing slash) ever make an id, and it is the number they spell.
        expect(tail, tail).toMatch(/^\d{1,15}\/?$/);
        expect(id).toBe(Number(tail.replace(/\/$/, '')));
        expect(Number.isSafeInteger(id) && id > 0, tail).toBe(true);
      }
    }
  });

  it('refuse NUL, encoded separators, huge ids and huge URLs quickly', () => {
    for (const url of [
      'glimpse-thumb://photo/1%00',
      'glimpse-thumb://photo/1\0',
      'glimpse-thumb://photo/1%2f',
      'glimpse-thumb://photo/1%2F..%2F..%2Fetc',
      'glimpse-image://photo/%31',
      'glimpse-image://photo/9007199254740993',
      'glimpse-image://photo/1234567890123456',
      'GLIMPSE-THUMB://photo/1',
      'glimpse-thumb://PHOTO/1',
      ' glimpse-thumb://photo/1',
      'glimpse-thumb://photo/1 ',
    ])
      expect(photoIdOf(url), url).toBeNull();
    const start = performance.now();
    expect(photoIdOf(`glimpse-thumb://photo/${'1'.repeat(1_000_000)}`)).toBeNull();
    expect(photoIdOf(`glimpse-thumb://photo/${'1/'.repeat(500_000)}`)).toBeNull();
    expect(performance.now() - start).toBeLessThan(500);
  });
});

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

import { describe, expect, it } from 'vitest';
import { PathGrants } from './grants';

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('paths the user granted by dropping them on the window', () => {
  it('allows exactly the granted path, for the kind it was granted as', () => {
    const grants = new PathGrants();
    grants.grant('/home/a/Holidays', 'folder');
    expect(grants.allows('/home/a/Holidays', 'folder')).toBe(true);
    expect(grants.allows('/home/a/Holidays', 'file')).toBe(false);
    expect(grants.allows('/home/a/Holidays/', 'folder')).toBe(false);
    expect(grants.allows('/home/a/Holidays/../../..', 'folder')).toBe(false);
    expect(grants.allows('/home/a', 'folder')).toBe(false);
    expect(grants.allows('/', 'folder')).toBe(false);
  });

  it('allows nothing that is not a string', () => {
    const grants = new PathGrants();
    grants.grant('/x', 'file');
    for (const bad of [undefined, null, 1, ['/x'], { toString: () => '/x' }])
      expect(grants.allows(bad, 'file')).toBe(false);
  });

  it('lets a grant lapse when unused, and extends it with each use', () => {
    const c = clock();
    const grants = new PathGrants({ ttlMs: 100, now: c.now });
    grants.grant('/a.jpg', 'file');
    c.advance(90);
    expect(grants.allows('/a.jpg', 'file')).toBe(true);
    c.advance(90);
    expect(grants.allows('/a.jpg', 'file')).toBe(true);
    c.advance(100);
    expect(grants.allows('/a.jpg', 'file')).toBe(false);
  });

  it('keeps only the most recently used grants', () => {
    const grants = new PathGrants({ max: 2 });
    grants.grant('/1.jpg', 'file');
    grants.grant('/2.jpg', 'file');
    expect(grants.allows('/1.jpg', 'file')).toBe(true);
    grants.grant('/3.jpg', 'file');
    expect(grants.allows('/2.jpg', 'file')).toBe(false);
    expect(grants.allows('/1.jpg', 'file')).toBe(true);
    expect(grants.allows('/3.jpg', 'file')).toBe(true);
  });
});

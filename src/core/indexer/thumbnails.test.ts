import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ThumbnailStore } from './thumbnails';

const hash = (c: string) => c.repeat(64);

describe('the thumbnail cache', () => {
  it('files thumbnails under their content hash, two hex digits deep', async () => {
    const store = new ThumbnailStore(mkdtempSync(join(tmpdir(), 'glimpse-thumbs-')));
    await store.put(hash('a'), Buffer.from('webp'));
    expect(store.pathFor(hash('a'))).toBe(join(store.dir, 'aa', `${hash('a')}.webp`));
    expect(store.has(hash('a'))).toBe(true);
    expect(store.has(hash('b'))).toBe(false);
  });

  it('counts what is on disk once, then keeps the count as thumbnails come and go', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-thumbs-'));
    mkdirSync(join(dir, 'cc'));
    writeFileSync(join(dir, 'cc', `${hash('c')}.webp`), Buffer.alloc(100)); // left by an earlier run
    const store = new ThumbnailStore(dir);
    expect(await store.usage()).toEqual({ files: 1, bytes: 100 });
    await store.put(hash('d'), Buffer.alloc(40));
    await store.put(hash('d'), Buffer.alloc(50)); // replaced, not added
    await store.remove(hash('c'));
    await store.remove(hash('e')); // never there
    expect(await store.usage()).toEqual({ files: 1, bytes: 50 });
    await store.clear();
    expect(await store.usage()).toEqual({ files: 0, bytes: 0 });
    expect(await new ThumbnailStore(dir).usage()).toEqual({ files: 0, bytes: 0 });
  });
});

import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSmallTree, smallPhotoPixels, SMALL_HEIGHT, SMALL_WIDTH, type SmallTree } from './small-tree';

describe('the small-photo tree', () => {
  let cache: string;
  let tree: SmallTree;
  const COUNT = 1005;
  beforeAll(async () => {
    cache = await mkdtemp(join(tmpdir(), 'glimpse-small-tree-'));
    tree = await ensureSmallTree(cache, COUNT);
  });
  afterAll(async () => {
    await rm(cache, { recursive: true, force: true });
  });

  it('puts its photos in folders of a thousand', async () => {
    const folders = (await readdir(tree.dir)).filter((n) => !n.startsWith('.')).sort();
    expect(folders).toEqual(['d0000', 'd0001']);
    expect((await readdir(join(tree.dir, 'd0000'))).length).toBe(1000);
    expect((await readdir(join(tree.dir, 'd0001'))).length).toBe(5);
    expect(tree.folders).toBe(2);
    expect(tree.files).toBe(COUNT);
  });

  it('writes real JPEGs of the stated size', async () => {
    for (const file of ['d0000/img-0000000.jpg', 'd0001/img-0001004.jpg']) {
      const meta = await sharp(join(tree.dir, file)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', SMALL_WIDTH, SMALL_HEIGHT]);
    }
  });

  it('never writes two photos with the same bytes', async () => {
    const hashes = new Set<string>();
    for (const folder of ['d0000', 'd0001'])
      for (const name of await readdir(join(tree.dir, folder)))
        hashes.add(
          createHash('sha256')
            .update(await readFile(join(tree.dir, folder, name)))
            .digest('hex'),
        );
    expect(hashes.size).toBe(COUNT);
  });

  it('is reused, untouched, by the next run', async () => {
    const file = join(tree.dir, 'd0000', 'img-0000007.jpg');
    const before = (await stat(file)).mtimeMs;
    const again = await ensureSmallTree(cache, COUNT);
    expect(again.generatedSeconds).toBe(0);
    expect((await stat(file)).mtimeMs).toBe(before);
  });

  it('draws different pixels for different photos and refuses indexes it cannot encode', () => {
    expect(smallPhotoPixels(1).equals(smallPhotoPixels(2))).toBe(false);
    expect(() => smallPhotoPixels(2 ** 24)).toThrow(/index must be 0\.\.16777215/);
  });
});

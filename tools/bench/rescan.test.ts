import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/core/catalog/catalog';
import { loadBundle } from '../../src/core/runtime/bundle';
import type { ModelBundle } from '../../src/core/runtime/types';
import { testModelDir } from '../../test/helpers/test-model';
import { benchRescan } from './rescan';
import { ensureSmallTree, smallFileName, smallFolderName, type SmallTree } from './small-tree';

describe('the unchanged re-scan benchmark', () => {
  let cache: string;
  let tree: SmallTree;
  let bundle: ModelBundle;
  const FILES = 120;
  const log = () => {};
  beforeAll(async () => {
    cache = await mkdtemp(join(tmpdir(), 'glimpse-rescan-'));
    tree = await ensureSmallTree(cache, FILES);
    bundle = loadBundle(await testModelDir('float32'));
  });
  afterAll(async () => {
    await rm(cache, { recursive: true, force: true });
  });

  it('seeds a library whose rows match the files, then re-scans it through the indexer unchanged', async () => {
    const r = await benchRescan(cache, tree, bundle, { rounds: 2, log });
    expect(r.seededSeconds).toBeGreaterThan(0);
    expect(r.files).toBe(FILES);
    expect(r.rescan.items).toBe(2 * FILES);
    expect(r.readdirStat.items).toBe(2 * FILES);
    expect(r.rescan.rounds).toHaveLength(2);

    const libDir = join(cache, `library-${FILES}-${bundle.id}`);
    const catalog = Catalog.open(libDir, { readonly: true });
    try {
      expect(catalog.vectorStats(bundle.id).count).toBe(FILES);
      const rows = catalog.photosInFolder(catalog.folders()[0]!.id);
      expect(rows).toHaveLength(FILES);
      expect(rows.every((p) => p.status === 'indexed' && /^[0-9a-f]{64}$/.test(p.hash ?? ''))).toBe(true);
    } finally {
      catalog.close();
    }
  });

  it('reuses the seeded library on the next run', async () => {
    const r = await benchRescan(cache, tree, bundle, { rounds: 1, log });
    expect(r.seededSeconds).toBe(0);
  });

  it('refuses to call a re-scan that found a changed file unchanged, and seeds again next time', async () => {
    const file = join(tree.dir, smallFolderName(5), smallFileName(5));
    const later = new Date(Date.now() + 60_000);
    await utimes(file, later, later);
    await expect(benchRescan(cache, tree, bundle, { rounds: 1, log })).rejects.toThrow(
      /re-scan was not of an unchanged library \(found 120 of 120, 1 changed, 0 embedded/,
    );
    const again = await benchRescan(cache, tree, bundle, { rounds: 1, log });
    expect(again.seededSeconds).toBeGreaterThan(0);
  });
});

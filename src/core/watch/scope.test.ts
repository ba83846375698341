import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog';
import type { IndexFolder, IndexScope } from '../indexer/indexer';
import { scanFolder } from '../indexer/scan';
import { normalisePaths, pathScope } from './scope';

// A scope over changed paths sees exactly what a full scan of the folder sees there, and covers
// exactly the catalog rows at or under those paths.

let dir: string;
let root: string;
let catalog: Catalog;
let folder: IndexFolder;

const FILES = [
  'a.jpg',
  'notes.txt',
  'sub/b.jpg',
  'sub/deeper/c.png',
  'sub/.hidden/d.jpg',
  'sub/@eaDir/e.jpg',
  'sub/private/f.jpg',
  'sub2/g.jpg',
  'private/h.jpg',
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-scope-'));
  root = join(dir, 'photos');
  for (const f of FILES) {
    await mkdir(join(root, f, '..'), { recursive: true });
    await writeFile(join(root, f), f);
  }
  catalog = Catalog.open(join(dir, 'library'));
  const exclude = ['private/**'];
  folder = { id: catalog.addFolder(root, exclude), path: root, exclude };
  // Rows as an earlier run left them: some files since deleted, one in a sibling whose name extends 'sub'.
  for (const f of ['a.jpg', 'sub/b.jpg', 'sub/gone.jpg', 'sub/deeper/gone.jpg', 'sub2/g.jpg', 'gone/x.jpg'])
    catalog.writePhoto({
      folderId: folder.id,
      path: join(root, f),
      size: 1,
      mtimeMs: 1,
      hash: f,
      status: 'indexed',
    });
});
afterAll(async () => {
  catalog.close();
  await rm(dir, { recursive: true, force: true });
});

const rel = (p: string) => p.slice(root.length + 1);
async function listed(scope: IndexScope): Promise<string[]> {
  const out: string[] = [];
  for await (const f of scope.files(folder)) out.push(rel(f.path));
  return out.sort();
}
const covered = (scope: IndexScope) => [...scope.rows(folder)].map((r) => rel(r.path)).sort();

describe('a scope over changed paths', () => {
  it('lists under a subfolder exactly what a full scan lists there', async () => {
    const full: string[] = [];
    for await (const f of scanFolder(root, { exclude: folder.exclude })) full.push(rel(f.path));
    const underSub = full.filter((p) => p.startsWith('sub/')).sort();
    // 'private/**' is relative to the library folder: sub/private is not excluded.
    expect(underSub).toEqual(['sub/b.jpg', 'sub/deeper/c.png', 'sub/private/f.jpg']);
    expect(await listed(pathScope(catalog, [join(root, 'sub')]))).toEqual(underSub);
  });

  it('lists a single changed photo with its size and time, and nothing for a non-photo or hidden file', async () => {
    const files: Array<{ path: string; size: number }> = [];
    for await (const f of pathScope(catalog, [join(root, 'a.jpg')]).files(folder)) files.push(f);
    expect(files).toEqual([expect.objectContaining({ path: join(root, 'a.jpg'), size: 'a.jpg'.length })]);
    const junk = [
      join(root, 'notes.txt'),
      join(root, 'sub', '.hidden', 'd.jpg'),
      join(root, 'private', 'h.jpg'),
    ];
    expect(await listed(pathScope(catalog, junk))).toEqual([]);
  });

  it('covers the rows at and under its paths, not those of a sibling whose name starts the same', () => {
    expect(covered(pathScope(catalog, [join(root, 'sub')]))).toEqual([
      'sub/b.jpg',
      'sub/deeper/gone.jpg',
      'sub/gone.jpg',
    ]);
    expect(covered(pathScope(catalog, [join(root, 'a.jpg')]))).toEqual(['a.jpg']);
  });

  it('covers the rows of a folder that is gone, and lists nothing there', async () => {
    const scope = pathScope(catalog, [join(root, 'gone')]);
    expect(await listed(scope)).toEqual([]);
    expect(covered(scope)).toEqual(['gone/x.jpg']);
  });

  it('keeps the rows under a path it cannot read: unknown is not gone', async () => {
    const loop = join(root, 'loop');
    await symlink(loop, loop); // stat fails with ELOOP, as an unreadable disk would fail
    catalog.writePhoto({
      folderId: folder.id,
      path: join(loop, 'x.jpg'),
      size: 1,
      mtimeMs: 1,
      hash: 'x',
      status: 'indexed',
    });
    try {
      const scope = pathScope(catalog, [loop, join(root, 'gone')]);
      expect(await listed(scope)).toEqual([]);
      expect(covered(scope)).toEqual(['gone/x.jpg']);
    } finally {
      catalog.deletePhotos([catalog.photoByPath(join(loop, 'x.jpg'))!.id]);
      await rm(loop);
    }
  });

  it('treats the library folder itself as a full scan', async () => {
    const scope = pathScope(catalog, [join(root, 'sub', 'b.jpg'), root]);
    expect(await listed(scope)).toEqual([
      'a.jpg',
      'sub/b.jpg',
      'sub/deeper/c.png',
      'sub/private/f.jpg',
      'sub2/g.jpg',
    ]);
    expect(covered(scope)).toHaveLength(6);
  });

  it('looks at a path once when another path contains it', () => {
    expect(normalisePaths(['/p/a/b.jpg', '/p/a/', '/p/ab', '/p/a'])).toEqual(['/p/a', '/p/ab']);
  });
});

describe('normalising scope paths', () => {
  it('keeps the outermost of nested paths, in time that grows gently with their number', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => `/lib/d${i % 500}/p${i}.jpg`);
    const started = performance.now();
    const kept = normalisePaths([...many, '/lib/d7', '/lib/d7-b/x.jpg']);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(kept).toHaveLength(100_000 - 200 + 2);
    expect(kept).toContain('/lib/d7');
    expect(kept).toContain('/lib/d7-b/x.jpg');
    expect(kept.some((p) => p.startsWith('/lib/d7/'))).toBe(false);
  });
});

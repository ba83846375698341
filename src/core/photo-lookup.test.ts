import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solidPhoto } from '../../test/helpers/images';
import { testModelDir } from '../../test/helpers/test-model';
import { createWorkspace, type Workspace } from './workspace';
import type { LibraryOps } from './library-ops';

let root: string;
let photos: string;
let engine: Workspace;
let lib: LibraryOps;
const ids: Record<string, number> = {};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glimpse-photo-lookup-'));
  photos = join(root, 'photos');
  mkdirSync(photos);
  writeFileSync(join(photos, 'red.jpg'), await solidPhoto([220, 30, 30], { width: 160, height: 120 }));
  writeFileSync(join(photos, 'broken.jpg'), 'not a photo');
  engine = createWorkspace({
    modelDir: await testModelDir('float32'),
    libraryDir: join(root, 'library'),
    providers: ['cpu'],
  });
  lib = await engine.library();
  await lib.index([photos]);
  for (const name of ['red', 'broken'])
    ids[name] = lib.library.catalog.photoByPath(join(photos, `${name}.jpg`))!.id;
});

afterAll(async () => {
  await engine?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("a library's photos by catalog id", () => {
  it('gives an indexed photo’s details with its library folder', () => {
    expect(lib.photos.details(ids.red!)).toMatchObject({
      photoId: ids.red,
      path: join(photos, 'red.jpg'),
      folder: photos,
      width: 160,
      height: 120,
      status: 'indexed',
      error: null,
    });
  });

  it('gives a failed photo’s details with the reason', () => {
    expect(lib.photos.details(ids.broken!)).toMatchObject({ status: 'failed', error: expect.any(String) });
  });

  it('knows nothing of an id the catalog does not have', async () => {
    expect(lib.photos.details(999_999)).toBeUndefined();
    expect(lib.photos.cachedThumbnail(999_999)).toBeNull();
    expect(await lib.photos.thumbnail(999_999)).toBeNull();
  });

  it('finds an indexed photo’s thumbnail in the cache, and none for a photo that failed', async () => {
    const file = lib.photos.cachedThumbnail(ids.red!);
    expect(file).toMatch(/[0-9a-f]{64}\.webp$/);
    expect(await lib.photos.thumbnail(ids.red!)).toBe(file);
    expect(await lib.photos.thumbnail(ids.broken!)).toBeNull();
  });

  it('makes a thumbnail again from the photo once the cache was cleared, but only when asked to show it', async () => {
    const file = lib.photos.cachedThumbnail(ids.red!)!;
    await lib.clearThumbnails();
    expect(existsSync(file)).toBe(false);
    expect(lib.photos.cachedThumbnail(ids.red!)).toBeNull();
    expect(await lib.photos.thumbnail(ids.red!)).toBe(file);
    expect(existsSync(file)).toBe(true);
  });

  it('cannot make a thumbnail again when no file has the photo’s bytes any more', async () => {
    const file = lib.photos.cachedThumbnail(ids.red!)!;
    await lib.clearThumbnails();
    writeFileSync(join(photos, 'red.jpg'), await solidPhoto([30, 30, 220], { width: 160, height: 120 }));
    expect(await lib.photos.thumbnail(ids.red!)).toBeNull();
    expect(existsSync(file)).toBe(false);
  });
});

import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solidPhoto } from '../../test/helpers/images';
import { testModelDir } from '../../test/helpers/test-model';
import { createWorkspace, type Workspace, type LibraryOps } from '../core';
import { PhotoFiles } from './photo-files';

// main's protocols serve what these answer for a catalog id: files inside a library folder (links
// resolved) and thumbnails inside the cache, nothing else.

let root: string;
let photos: string;
let outside: string;
let engine: Workspace;
let lib: LibraryOps;
let files: PhotoFiles;
const ids: Record<string, number> = {};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glimpse-photo-files-'));
  photos = join(root, 'photos');
  outside = join(root, 'outside');
  mkdirSync(photos);
  mkdirSync(outside);
  const size = { width: 120, height: 90 };
  writeFileSync(join(photos, 'red.jpg'), await solidPhoto([220, 30, 30], size));
  writeFileSync(join(photos, 'green.jpg'), await solidPhoto([30, 200, 30], size));
  writeFileSync(join(photos, 'scan.tif'), await solidPhoto([30, 30, 220], { ...size, format: 'png' }));
  writeFileSync(join(outside, 'yellow.jpg'), await solidPhoto([230, 220, 30], size));
  engine = createWorkspace({
    modelDir: await testModelDir('float32'),
    libraryDir: join(root, 'library'),
    providers: ['cpu'],
  });
  lib = await engine.library();
  await lib.index([photos]);
  for (const name of ['red.jpg', 'green.jpg', 'scan.tif'])
    ids[name] = lib.library.catalog.photoByPath(join(photos, name))!.id;
  files = new PhotoFiles(() => engine.reader());
});

afterAll(async () => {
  await engine?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the files served for a catalog id', () => {
  it('are the photo itself, with its type, and its thumbnail from the cache', async () => {
    const id = ids['red.jpg']!;
    expect(await files.imageFile(id)).toEqual({ path: join(photos, 'red.jpg'), mime: 'image/jpeg' });
    expect(await files.photoFile(id)).toBe(join(photos, 'red.jpg'));
    expect(await files.thumbnailFile(id)).toMatch(/thumbs\/[0-9a-f]{2}\/[0-9a-f]{64}\.webp$/);
  });

  it('are the thumbnail, as WebP, for a photo the window cannot show itself', async () => {
    const id = ids['scan.tif']!;
    const thumbnail = await files.thumbnailFile(id);
    expect(thumbnail).toMatch(/\.webp$/);
    expect(await files.imageFile(id)).toEqual({ path: thumbnail, mime: 'image/webp' });
    expect(await files.photoFile(id)).toBe(join(photos, 'scan.tif'));
  });

  it('are nothing for an id the catalog does not know', async () => {
    expect(await files.thumbnailFile(999_999)).toBeNull();
    expect(await files.imageFile(999_999)).toBeNull();
    expect(await files.photoFile(999_999)).toBeNull();
  });

  it('are nothing once the photo’s file became a link out of the library', async () => {
    const id = ids['green.jpg']!;
    const path = join(photos, 'green.jpg');
    expect(await files.imageFile(id)).toMatchObject({ path });
    renameSync(path, join(root, 'moved.jpg'));
    symlinkSync(join(outside, 'yellow.jpg'), path);
    expect(await files.imageFile(id)).toBeNull();
    expect(await files.photoFile(id)).toBeNull();
  });
});

describe('a photo’s details', () => {
  it('name the photo and its folder', async () => {
    expect(await files.details(ids['red.jpg']!)).toMatchObject({
      path: join(photos, 'red.jpg'),
      folder: photos,
    });
  });

  it('are refused with NOT_FOUND for an id the catalog does not know', async () => {
    await expect(files.details(424242)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'no photo with id 424242',
    });
  });
});

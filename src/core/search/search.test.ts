import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelDir } from '../../../test/helpers/test-model';
import type { ColourName } from '../../../tools/test-model/design';
import { syntheticPixels } from '../../../tools/test-model/synthetic';
import { createWorkspace, type Workspace } from '../workspace';
import { PhotoNotFoundError } from '../library-errors';
import type { LibraryOps } from '../library-ops';

let workspace: Workspace;
let lib: LibraryOps;
let root: string;

async function photo(
  path: string,
  colour: ColourName,
  opts: { width?: number; png?: boolean; date?: string } = {},
) {
  const width = opts.width ?? 160;
  const height = Math.round(width * 0.75);
  const img = sharp(Buffer.from(syntheticPixels({ colour }, width, height)), {
    raw: { width, height, channels: 3 },
  });
  writeFileSync(path, await (opts.png ? img.png() : img.jpeg({ quality: 90 })).toBuffer());
  const t = new Date(opts.date ?? '2024-06-01T12:00:00Z');
  utimesSync(path, t, t);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glimpse-search-'));
  mkdirSync(join(root, 'trips'));
  mkdirSync(join(root, 'home'));
  await photo(join(root, 'trips', 'red-2019.jpg'), 'red', { date: '2019-07-01T10:00:00Z' });
  await photo(join(root, 'trips', 'red-2021.jpg'), 'red', { date: '2021-07-01T10:00:00Z', width: 640 });
  await photo(join(root, 'home', 'red-2023.png'), 'red', { png: true, date: '2023-07-01T10:00:00Z' });
  await photo(join(root, 'home', 'red-copy.png'), 'red', { png: true, date: '2023-07-01T10:00:00Z' });
  for (const c of [
    'blue',
    'green',
    'yellow',
    'orange',
    'purple',
    'pink',
    'white',
    'black',
    'gray',
    'brown',
  ] as const) {
    await photo(join(root, 'home', `${c}.jpg`), c);
  }
  workspace = createWorkspace({
    modelDir: await testModelDir('float32'),
    libraryDir: join(root, '.library'),
    providers: ['cpu'],
  });
  lib = await workspace.library();
  await lib.index([join(root, 'trips'), join(root, 'home')]);
});

afterAll(async () => {
  await workspace?.close();
});

const names = (hits: Array<{ path: string }>) => hits.map((h) => h.path.slice(root.length + 1));

describe('searching the library', () => {
  it('ranks photos of the named colour first, best score first', async () => {
    const page = await lib.searchText('red', { limit: 4 });
    expect(names(page.hits).sort()).toEqual([
      'home/red-2023.png',
      'home/red-copy.png',
      'trips/red-2019.jpg',
      'trips/red-2021.jpg',
    ]);
    expect(page.hits[0]!.score).toBeGreaterThan(0.5);
    const all = await lib.searchText('red', { limit: 50 });
    expect(all.hits[4]!.score).toBeLessThan(0.1);
  });

  it('pages through results in a stable order', async () => {
    const whole = await lib.searchText('red', { limit: 14 });
    const pages = [];
    for (let offset = 0; offset < 14; offset += 3)
      pages.push(...(await lib.searchText('red', { limit: 3, offset })).hits);
    expect(pages.map((h) => h.photoId)).toEqual(whole.hits.map((h) => h.photoId));
    expect(whole.total).toBe(14);
  });

  it('filters by folder, date, type and resolution, still returning k results where they exist', async () => {
    const inHome = await lib.searchText('red', { limit: 3, filters: { folders: [join(root, 'home')] } });
    expect(names(inHome.hits).slice(0, 2).sort()).toEqual(['home/red-2023.png', 'home/red-copy.png']);
    expect(inHome.hits).toHaveLength(3);
    const recent = await lib.searchText('red', {
      limit: 2,
      filters: { from: Date.UTC(2020, 0, 1), to: Date.UTC(2022, 0, 1) },
    });
    expect(names(recent.hits)).toEqual(['trips/red-2021.jpg']);
    const png = await lib.searchText('red', { limit: 10, filters: { formats: ['png'] } });
    expect(names(png.hits).sort()).toEqual(['home/red-2023.png', 'home/red-copy.png']);
    const big = await lib.searchText('red', { limit: 10, filters: { minWidth: 600 } });
    expect(names(big.hits)).toEqual(['trips/red-2021.jpg']);
  });

  it('sorts the relevant results by date, newest first', async () => {
    const page = await lib.searchText('red', { sort: 'date', cutoff: 'adaptive', limit: 10 });
    expect(names(page.hits)).toEqual([
      'home/red-2023.png',
      'home/red-copy.png',
      'trips/red-2021.jpg',
      'trips/red-2019.jpg',
    ]);
  });

  it('combines ideas with query arithmetic', async () => {
    const page = await lib.searchText('red + yellow', { limit: 5 });
    const found = names(page.hits);
    expect(found).toContain('home/yellow.jpg');
    expect(found.filter((n) => n.includes('red'))).toHaveLength(4);
    const minus = await lib.searchText('red + yellow - red', { limit: 1 });
    expect(names(minus.hits)).toEqual(['home/yellow.jpg']);
  });

  it('finds more like a library photo, leaving the photo itself out', async () => {
    const red = (await lib.searchText('red', { limit: 1 })).hits[0]!;
    const page = await lib.searchPhoto(red.photoId, { limit: 3 });
    expect(page.hits.map((h) => h.photoId)).not.toContain(red.photoId);
    expect(page.hits.every((h) => h.path.includes('red'))).toBe(true);
  });

  it('says which photo id it does not know when asked for more like it', async () => {
    const asked = lib.searchPhoto(424242);
    await expect(asked).rejects.toBeInstanceOf(PhotoNotFoundError);
    await expect(asked).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no photo with id 424242' });
  });

  it('finds photos like an image file from outside the library', async () => {
    const outside = join(root, 'query-blue.png');
    await photo(outside, 'blue', { png: true });
    const page = await lib.searchImage(outside, { limit: 1 });
    expect(names(page.hits)).toEqual(['home/blue.jpg']);
  });
});

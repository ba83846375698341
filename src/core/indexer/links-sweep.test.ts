import { mkdirSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestLibrary, type TestLibrary } from '../../../test/chaos/harness';
import { writeColourPhotos, type ColourPhoto } from '../../../test/helpers/corpus';

// A photo that becomes a link out of its library folder (or a library that indexed such links before
// they were refused) loses its row, vector and failure-free status on the next run, full or scoped:
// links out are left out on purpose, not kept as "unreadable" the way an unplugged drive is.

let lib: TestLibrary;
let photos: ColourPhoto[];
let outside: ColourPhoto[];

beforeAll(async () => {
  lib = await openTestLibrary();
  photos = await writeColourPhotos(lib.photos, 4);
  outside = await writeColourPhotos(join(lib.root, 'outside'), 2, 10);
  expect(await lib.ops.index([lib.photos])).toMatchObject({ embedded: 4 });
});
afterAll(async () => {
  await lib?.dispose();
});

const catalog = () => lib.ops.library.catalog;

describe('a photo swapped for a link out of the library folder', () => {
  it('is swept from the library on the next full run and listed as leading outside', async () => {
    const swapped = photos[0]!.path;
    renameSync(swapped, join(lib.root, 'moved-away.jpg'));
    symlinkSync(outside[0]!.path, swapped);
    const summary = await lib.ops.index([]);
    expect(summary.removed).toBe(1);
    expect(catalog().photoByPath(swapped)).toBeUndefined();
    expect(summary.failed).toContainEqual({
      path: swapped,
      code: 'outside-folder',
      reason: expect.stringMatching(/leads outside the library folder/),
    });
    expect((await lib.ops.status()).photos).toBe(3);
  });

  it('is swept by a scoped run too (a watcher event on the file or its folder)', async () => {
    const swapped = photos[1]!.path;
    renameSync(swapped, join(lib.root, 'moved-away-2.jpg'));
    symlinkSync(outside[1]!.path, swapped);
    expect(await lib.ops.indexPaths([swapped])).toMatchObject({ removed: 1, embedded: 0 });
    expect(catalog().photoByPath(swapped)).toBeUndefined();
  });

  it('in a scoped run of a subfolder, follows a link to a sibling folder inside the library', async () => {
    const sub = join(lib.photos, 'sub');
    const sibling = join(lib.photos, 'sibling');
    mkdirSync(sub);
    const [kept] = await writeColourPhotos(sibling, 1, 20);
    symlinkSync(sibling, join(sub, 'to-sibling'));
    symlinkSync(join(lib.root, 'outside'), join(sub, 'to-outside'));
    await lib.ops.indexPaths([sub]);
    const linked = join(sub, 'to-sibling', kept!.path.split('/').pop()!);
    expect(catalog().photoByPath(linked)).toMatchObject({ status: 'indexed' });
    expect(
      catalog().photoByPath(join(sub, 'to-outside', outside[0]!.path.split('/').pop()!)),
    ).toBeUndefined();
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSolidPhoto } from '../../test/helpers/images';
import { testModelDir } from '../../test/helpers/test-model';
import { COLOUR_PROTOTYPES } from '../../tools/test-model/design';
import { createWorkspace, type Workspace } from './workspace';
import { FolderError, PhotoNotEmbeddedError } from './library-errors';
import type { LibraryOps } from './library-ops';
import { ImageToSearchError } from './search/image-to-search';

let root: string;
let photos: string;
let libraryDir: string;
let workspace: Workspace;
let lib: LibraryOps;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glimpse-library-ops-'));
  photos = join(root, 'photos');
  await writeSolidPhoto(join(photos, 'red.jpg'), COLOUR_PROTOTYPES.red, { width: 120, height: 90 });
  await writeSolidPhoto(join(photos, 'blue.png'), COLOUR_PROTOTYPES.blue, { width: 100, height: 80 });
  writeFileSync(join(photos, 'broken.jpg'), 'not a jpeg at all');
  libraryDir = join(root, 'library');
  workspace = createWorkspace({ modelDir: await testModelDir('float32'), libraryDir, providers: ['cpu'] });
  lib = await workspace.library();
  await lib.index([photos]);
});

afterAll(async () => {
  await workspace.close();
  rmSync(root, { recursive: true, force: true });
});

const idOf = (name: string) => lib.library.catalog.photoByPath(join(photos, name))!.id;

/** The rejection of `promise`, which must reject. */
async function refusal(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a refusal');
}

describe('searching by a library photo that has no vector', () => {
  it('says the photo could not be indexed, and why, when it failed', async () => {
    const e = await refusal(lib.searchPhoto(idOf('broken.jpg')));
    expect(e).toBeInstanceOf(PhotoNotEmbeddedError);
    expect(e).not.toBeInstanceOf(FolderError);
    expect(e).toMatchObject({ code: 'NOT_EMBEDDED', photoId: idOf('broken.jpg') });
    expect(e.message).toMatch(
      /broken\.jpg could not be indexed, so there is nothing to search by: the file is not an image/,
    );
  });

  it('says it is not embedded with the model in use yet after a switch to another model', async () => {
    const red = idOf('red.jpg');
    const other = createWorkspace({
      modelDir: await testModelDir('float16'),
      libraryDir,
      providers: ['cpu'],
    });
    await workspace.close();
    try {
      const e = await refusal((await other.library()).searchPhoto(red));
      expect(e).toBeInstanceOf(PhotoNotEmbeddedError);
      expect(e.message).toBe(
        `${join(photos, 'red.jpg')} is not embedded with glimpse-test-tiny-fp16 yet; indexing the library embeds it`,
      );
    } finally {
      await other.close();
      workspace = createWorkspace({
        modelDir: await testModelDir('float32'),
        libraryDir,
        providers: ['cpu'],
      });
      lib = await workspace.library();
    }
  });
});

describe('searching by an image file that will not decode', () => {
  it('refuses it as an image Glimpse cannot search by, naming the file and the reason', async () => {
    const outside = join(root, 'looks-like.png');
    writeFileSync(outside, 'plain text, not a PNG');
    const e = await refusal(lib.searchImage(outside));
    expect(e).toBeInstanceOf(ImageToSearchError);
    expect(e).not.toBeInstanceOf(FolderError);
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toMatch(/^.*looks-like\.png: the file is not an image/);
  });

  it('refuses a library photo that failed to index the same way, rather than searching by nothing', async () => {
    const e = await refusal(lib.searchImage(join(photos, 'broken.jpg')));
    expect(e).toBeInstanceOf(ImageToSearchError);
    expect(e.message).toContain('broken.jpg: the file is not an image');
  });
});

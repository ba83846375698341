import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelDir } from '../../test/helpers/test-model';
import { syntheticPixels } from '../../tools/test-model/synthetic';
import type { ColourName } from '../../tools/test-model/design';
import type { IndexJob } from '../shared/types';
import { createService } from './service';

// What reaches the engine from the window is never trusted to be what it claims: an image to search by
// must be a regular image file under the size cap (a device, a FIFO or a folder is refused at once,
// without reading), only library folders are indexed, and the model folder is not the renderer's to set.
// (What is served for a photo id: photo-files.test.ts.)

let root: string;
let photos: string;
let outside: string;
let service: ReturnType<typeof createService>;
const jobs: IndexJob[] = [];

async function writePhoto(path: string, colour: ColourName) {
  const px = Buffer.from(syntheticPixels({ colour }, 120, 90));
  await sharp(px, { raw: { width: 120, height: 90, channels: 3 } })
    .jpeg()
    .toFile(path);
}

const idle = () =>
  new Promise<void>((resolve) => {
    const wait = () => (jobs.at(-1)?.state === 'idle' ? resolve() : setTimeout(wait, 20));
    wait();
  });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glimpse-service-hostile-'));
  photos = join(root, 'photos');
  outside = join(root, 'outside');
  mkdirSync(photos);
  mkdirSync(outside);
  for (const c of ['red', 'green', 'blue'] as const) await writePhoto(join(photos, `${c}.jpg`), c);
  await writePhoto(join(outside, 'yellow.jpg'), 'yellow');
  const home = join(root, 'home');
  mkdirSync(home);
  writeFileSync(
    join(home, 'settings.json'),
    JSON.stringify({ modelDir: await testModelDir('float32'), providers: ['cpu'] }),
  );
  service = createService({
    home,
    libraryDir: join(root, 'library'),
    emit: (name, payload) => {
      if (name === 'indexJob') jobs.push(payload as IndexJob);
    },
  });
  await service.addFolder(photos);
  await idle();
});

afterAll(async () => {
  await service?.close();
});

const search = (path: string) => Promise.resolve().then(() => service.searchImageFile(path, { limit: 3 }));

describe('an image to search by, from outside the library', () => {
  it('is searched when it is a regular image file', async () => {
    const page = await search(join(outside, 'yellow.jpg'));
    expect(page.hits.length).toBeGreaterThan(0);
  });

  it('is refused when it is a folder', async () => {
    const dir = join(root, 'folder.jpg');
    mkdirSync(dir);
    await expect(search(dir)).rejects.toThrow(/folder\.jpg: not a regular file \(a folder\)/);
  });

  it.skipIf(process.platform === 'win32')(
    'is refused at once when it is a FIFO',
    async () => {
      const fifo = join(root, 'pipe.jpg');
      execFileSync('mkfifo', [fifo]);
      await expect(search(fifo)).rejects.toThrow(/pipe\.jpg: not a regular file \(a FIFO\)/);
    },
    5_000,
  );

  it.skipIf(process.platform === 'win32')(
    'is refused at once when it is a device',
    async () => {
      await expect(search('/dev/zero')).rejects.toThrow('/dev/zero: not an image file');
    },
    5_000,
  );

  it.skipIf(process.platform === 'win32')(
    'is refused when it is a link to a device',
    async () => {
      const link = join(root, 'zero.jpg');
      symlinkSync('/dev/zero', link);
      await expect(search(link)).rejects.toThrow(/zero\.jpg: not a regular file \(a device\)/);
    },
    5_000,
  );

  it('is refused, unread, when it is over the size cap', async () => {
    const huge = join(root, 'huge.jpg');
    writeFileSync(huge, '');
    truncateSync(huge, 300 * 1024 * 1024); // sparse: no disk used
    await expect(search(huge)).rejects.toThrow(/huge\.jpg: .*over the .* limit/);
  }, 5_000);

  it('is refused when it is not an image type', async () => {
    const notes = join(root, 'notes.txt');
    writeFileSync(notes, 'hello');
    await expect(search(notes)).rejects.toThrow(/notes\.txt: not an image file/);
  });

  it('leaves the engine searching afterwards', async () => {
    const page = await service.searchText('blue', { limit: 1 });
    expect(page.hits[0]!.path).toBe(join(photos, 'blue.jpg'));
  });
});

describe('what the window may ask of the library', () => {
  it('indexes library folders only, never a new one', async () => {
    const stranger = join(root, 'stranger');
    mkdirSync(stranger);
    await expect(Promise.resolve().then(() => service.startIndexing([stranger]))).rejects.toThrow(
      /stranger is not a library folder/,
    );
    const status = await service.getLibraryStatus();
    expect(status.folders.map((f) => f.path)).toEqual([photos]);
  });

  it('adds only folders', async () => {
    await expect(service.addFolder(join(photos, 'red.jpg'))).rejects.toThrow(/red\.jpg: not a folder/);
  });

  it('does not let the window choose the model folder', async () => {
    await expect(
      Promise.resolve().then(() => service.updateSettings({ modelDir: root } as never)),
    ).rejects.toThrow(/modelDir/);
    expect(service.getSettings()).not.toMatchObject({ modelDir: root });
  });
});

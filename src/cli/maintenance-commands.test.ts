import { glimpse as run } from '../../test/helpers/cli';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeColourPhotos } from '../../test/helpers/corpus';
import { writeSolidPhoto } from '../../test/helpers/images';
import { testModelDir } from '../../test/helpers/test-model';
import { COLOUR_PROTOTYPES } from '../../tools/test-model/design';
import { ThumbnailStore } from '../core/indexer/thumbnails';

// glimpse watch, duplicates and check, run in process as a user would type them.

let root: string;
let photos: string;
let globals: string[];

const glimpse = (args: string[], live?: (out: string) => void) => run([...globals, ...args], { live });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'glimpse-cli-maintenance-'));
  photos = join(root, 'photos');
  await writeColourPhotos(photos, 4);
  await copyFile(join(photos, 'red-0.jpg'), join(photos, 'red-0-copy.jpg'));
  globals = [
    '--model',
    await testModelDir('float32'),
    '--library',
    join(root, 'library'),
    '--providers',
    'cpu',
  ];
  expect((await glimpse(['index', photos, '--json'])).code).toBe(0);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('glimpse check', () => {
  it('says a freshly indexed library is consistent', async () => {
    const run = await glimpse(['check']);
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toMatch(/the library is consistent/);
    expect(JSON.parse((await glimpse(['check', '--json'])).out)).toMatchObject({
      clean: true,
      repair: false,
    });
  });

  it('fails on a problem, names it, and --repair fixes it', async () => {
    const { hash } = JSON.parse((await glimpse(['search', 'green', '--json', '-k', '1'])).out).hits[0];
    await rm(new ThumbnailStore(join(root, 'library', 'thumbs')).pathFor(hash));
    const found = await glimpse(['check']);
    expect(found.code).toBe(1);
    expect(found.out).toMatch(/1 found\s+every indexed photo has a thumbnail/);
    expect(found.out).toContain(join(photos, 'green-1.jpg'));
    expect(found.err).toMatch(/1 problems left/);
    const repaired = await glimpse(['check', '--repair']);
    expect(repaired.code).toBe(0);
    expect(repaired.out).toMatch(/1 found, 1 fixed\s+every indexed photo has a thumbnail/);
    expect(repaired.out).toMatch(/every problem found was fixed/);
    expect((await glimpse(['check'])).code).toBe(0);
  });
});

describe('glimpse duplicates', () => {
  it('prints the groups, best photo first', async () => {
    const run = await glimpse(['duplicates']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^Group 1: 2 photos, identical files\n/);
    expect(run.out).toMatch(/1 groups, 2 photos, at similarity ≥ 0\.95/);
    const report = JSON.parse((await glimpse(['duplicates', '--json', '--threshold', '0.99'])).out);
    expect(report.threshold).toBe(0.99);
    expect(report.groups[0].photos.map((p: { path: string }) => p.path).sort()).toEqual([
      join(photos, 'red-0-copy.jpg'),
      join(photos, 'red-0.jpg'),
    ]);
  });

  it('refuses a threshold that is not a similarity', async () => {
    const run = await glimpse(['duplicates', '--threshold', '95']);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/--threshold takes a similarity/);
  });
});

describe('glimpse watch', () => {
  it('catches up, indexes a new photo, and stops on Ctrl-C', async () => {
    let wrote = false;
    let stopped = false;
    const running = glimpse(['watch', '--json'], (out) => {
      if (!wrote && out.includes('"reason":"catch-up"')) {
        wrote = true;
        void writeSolidPhoto(join(photos, 'new-black.jpg'), COLOUR_PROTOTYPES.black, {
          width: 30,
          height: 20,
        });
      }
      if (!stopped && out.includes('"reason":"changes"')) {
        stopped = true;
        process.emit('SIGINT');
      }
    });
    const run = await running;
    expect(run.code).toBe(0);
    const events = run.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.reason ?? e.type)).toEqual(['watching', 'catch-up', 'changes']);
    expect(events[2].summary).toMatchObject({ embedded: 1, removed: 0 });
    expect(run.err).toMatch(/stopping after the batch in flight/);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});

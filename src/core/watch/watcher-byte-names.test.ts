import { mkdir, rename, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestLibrary, searchPaths, type TestLibrary } from '../../../test/chaos/harness';
import { solidPhoto } from '../../../test/helpers/images';
import { COLOUR_PROTOTYPES, type ColourName } from '../../../tools/test-model/design';
import { storedFromBytes } from '../../shared/byte-path';
import type { WatchEvent, WatchSummary } from './watcher';

// Watch mode and names that are not valid UTF-8: one added to a watched folder is found by rescanning
// that folder (fs.watch gives such a name with U+FFFD, which names no file), and a folder so named,
// which chokidar cannot watch, is polled. Each step builds on the library the previous one left.

let lib: TestLibrary;
const controller = new AbortController();
let watching: Promise<WatchSummary>;
let listeners: Array<(e: WatchEvent) => void> = [];
const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => Buffer.from(p as string)));
let width = 20;

/** The next run that embedded something; fails the test after 30 s. */
function nextEmbed(): Promise<Extract<WatchEvent, { type: 'run' }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no run embedded anything within 30 s')), 30_000);
    const listener = (e: WatchEvent) => {
      if (e.type !== 'run' || e.reason !== 'changes' || e.summary.embedded === 0) return;
      clearTimeout(timer);
      listeners = listeners.filter((l) => l !== listener);
      resolve(e);
    };
    listeners.push(listener);
  });
}

async function writePhoto(path: Buffer, colour: ColourName): Promise<string> {
  const jpeg = await solidPhoto(COLOUR_PROTOTYPES[colour], { width: width++, height: 16, format: 'jpeg' });
  // Written beside and renamed in, so no run sees half a file.
  const part = Buffer.concat([path, Buffer.from('.part')]);
  await writeFile(part, jpeg);
  await rename(part, path);
  return storedFromBytes(path);
}

beforeAll(async () => {
  lib = await openTestLibrary();
  await mkdir(lib.photos, { recursive: true });
  await writePhoto(bytes(lib.photos, '/plain.jpg'), 'white');
  let caughtUp: () => void;
  const ready = new Promise<void>((resolve) => (caughtUp = resolve));
  watching = lib.ops.watch([lib.photos], {
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === 'run' && e.reason === 'catch-up') caughtUp();
      listeners.forEach((l) => l(e));
    },
    timing: { quietMs: 300, maxWaitMs: 3000 },
    folderPollMs: 200,
  });
  await ready;
});

afterAll(async () => {
  controller.abort();
  await watching?.catch(() => {});
  await lib?.dispose();
});

describe('watch mode, with names that are not valid UTF-8', () => {
  it('indexes a photo so named added to a watched folder', async () => {
    const run = nextEmbed();
    const path = await writePhoto(bytes(lib.photos, '/caf', [0xe9], '.jpg'), 'red');
    expect((await run).summary).toMatchObject({ embedded: 1, failed: [] });
    expect(await searchPaths(lib.ops, 'red', 1)).toEqual([path]);
  });

  it('indexes a folder so named moved in with its photo', async () => {
    const outside = bytes(lib.root, '/album-', [0xff]);
    await mkdir(outside);
    await writePhoto(bytes(lib.root, '/album-', [0xff], '/first.jpg'), 'green');
    const run = nextEmbed();
    await rename(outside, bytes(lib.photos, '/album-', [0xff]));
    expect((await run).summary).toMatchObject({ embedded: 1, failed: [] });
    const path = storedFromBytes(bytes(lib.photos, '/album-', [0xff], '/first.jpg'));
    expect(await searchPaths(lib.ops, 'green', 1)).toEqual([path]);
  });

  it('sees a photo added later inside that folder, which chokidar cannot watch', async () => {
    const run = nextEmbed();
    const path = await writePhoto(bytes(lib.photos, '/album-', [0xff], '/later.jpg'), 'blue');
    expect((await run).summary).toMatchObject({ embedded: 1, failed: [] });
    expect(await searchPaths(lib.ops, 'blue', 1)).toEqual([path]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeColourPhotos } from '../../../test/helpers/corpus';
import { testModelDir } from '../../../test/helpers/test-model';
import { createWorkspace } from '../workspace';
import { ModelStore } from './model-store';

// Switching the active model: vectors are kept per model id, the library opens the active model's only,
// coverage says how much of the library it has embedded, and `index` with no folders embeds the rest.

const PHOTOS = 6;
let home: string;
let photos: string;
let libraryDir: string;
let manager: ModelStore;
const savedEnv = { GLIMPSE_HOME: process.env.GLIMPSE_HOME, GLIMPSE_MODEL: process.env.GLIMPSE_MODEL };

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'glimpse-switch-'));
  photos = join(home, 'photos');
  libraryDir = join(home, 'library');
  await writeColourPhotos(photos, PHOTOS);
  process.env.GLIMPSE_HOME = home;
  delete process.env.GLIMPSE_MODEL;
  manager = new ModelStore();
  await manager.import(await testModelDir('float32'));
  await manager.import(await testModelDir('float16'));
});

afterAll(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(home, { recursive: true, force: true });
});

/** An workspace as the CLI makes one with no --model: the active model comes from settings.json. */
async function withActiveModel<T>(
  fn: (lib: Awaited<ReturnType<ReturnType<typeof createWorkspace>['library']>>) => Promise<T>,
) {
  const workspace = createWorkspace({ libraryDir, providers: ['cpu'], cpuThreads: 1 });
  try {
    return await fn(await workspace.library());
  } finally {
    await workspace.close();
  }
}

describe('switching the active model', () => {
  it('re-embeds the library for the new model and keeps the old vectors for switching back', async () => {
    manager.use('glimpse-test-tiny-fp32');
    await withActiveModel(async (lib) => {
      expect((await lib.index([photos])).embedded).toBe(PHOTOS);
      expect(lib.coverage()).toEqual({
        modelId: 'glimpse-test-tiny-fp32',
        photos: PHOTOS,
        withVector: PHOTOS,
      });
    });

    manager.use('glimpse-test-tiny-fp16');
    await withActiveModel(async (lib) => {
      expect(lib.coverage()).toEqual({ modelId: 'glimpse-test-tiny-fp16', photos: PHOTOS, withVector: 0 });
      expect((await lib.status()).vectors).toBe(0);
      expect((await lib.searchText('a photo of red')).total).toBe(0); // no mixing of vector spaces

      const summary = await lib.index([]);
      expect([summary.embedded, summary.unchanged]).toEqual([PHOTOS, 0]);
      expect(lib.coverage().withVector).toBe(PHOTOS);
      expect((await lib.searchText('a photo of red')).hits[0]?.path).toMatch(/red-\d+\.jpg$/);
    });

    manager.use('glimpse-test-tiny-fp32');
    await withActiveModel(async (lib) => {
      expect(lib.coverage().withVector).toBe(PHOTOS);
      const summary = await lib.index([]);
      expect([summary.embedded, summary.unchanged]).toEqual([0, PHOTOS]);
    });
  });
});

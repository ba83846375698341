import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testModelDir } from '../../../test/helpers/test-model';
import type { GpuStatus } from '../gpu/nvidia-smi';
import { defaultModelDir, DEFAULT_MODEL_ID } from '../paths';
import { ModelDownloadError } from './errors';
import { ModelStore } from './model-store';

const noGpu: GpuStatus = { gpus: [], cudaVersion: null, unavailable: 'no NVIDIA driver found' };
let fp32: string;
let fp16: string;
let home: string;

beforeAll(async () => {
  [fp32, fp16] = await Promise.all([testModelDir('float32'), testModelDir('float16')]);
});

afterEach(() => rmSync(home, { recursive: true, force: true }));

async function withTwoModels(): Promise<ModelStore> {
  home = mkdtempSync(join(tmpdir(), 'glimpse-manager-'));
  const manager = new ModelStore({ home, env: { GLIMPSE_HOME: home } });
  await manager.import(fp32);
  await manager.import(fp16);
  return manager;
}

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<ModelDownloadError> {
  const e = await (typeof p === 'function' ? Promise.resolve().then(p) : p).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ModelDownloadError);
  return e as ModelDownloadError;
}

describe('the model overview', () => {
  it('shows the model list and installed models, marking the active and the recommended one', async () => {
    const manager = await withTwoModels();
    const o = manager.overview(noGpu, join(manager.modelsDir, 'glimpse-test-tiny-fp16'));
    expect(o.active).toEqual({
      dir: join(manager.modelsDir, 'glimpse-test-tiny-fp16'),
      id: 'glimpse-test-tiny-fp16',
      present: true,
    });
    expect(o.recommended.id).toBe('ViT-B-32__openai');
    const row = (id: string) => o.models.find((m) => m.id === id)!;
    expect(row('glimpse-test-tiny-fp16')).toMatchObject({
      installed: true,
      valid: true,
      active: true,
      inModelList: false,
      precision: 'fp16',
    });
    expect(row('glimpse-test-tiny-fp32')).toMatchObject({ installed: true, active: false });
    expect(row('ViT-B-32__openai')).toMatchObject({
      installed: false,
      recommended: true,
      suits: true,
      active: false,
    });
    expect(row(DEFAULT_MODEL_ID)).toMatchObject({ installed: false, suits: false, sizeBytes: 3_944_000_000 });
    expect(o.models.filter((m) => m.active)).toHaveLength(1);
  });

  it('says when the folder in use is not an installed model', async () => {
    const manager = await withTwoModels();
    expect(manager.overview(noGpu, fp32).active).toEqual({ dir: fp32, id: null, present: true });
  });
});

describe('choosing the active model', () => {
  it("writes settings.json, which is where a workspace's default model folder comes from", async () => {
    const manager = await withTwoModels();
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ modelDir: fp32, theme: 'dark' }));
    const chosen = manager.use('glimpse-test-tiny-fp16');
    expect(chosen.dir).toBe(join(home, 'models', 'glimpse-test-tiny-fp16'));
    const settings = JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'));
    expect(settings).toMatchObject({ activeModel: 'glimpse-test-tiny-fp16', modelDir: null, theme: 'dark' });
    expect(defaultModelDir({ GLIMPSE_HOME: home })).toBe(chosen.dir);
  });

  it('refuses a model that is not installed, saying how to get it', async () => {
    const manager = await withTwoModels();
    const err = await rejection(() => manager.use('vit-b-32__openai'));
    expect(err.message).toBe(
      'vit-b-32__openai is not installed; download it with glimpse model pull ViT-B-32__openai',
    );
  });
});

describe('removing a model', () => {
  it('refuses the active model unless forced', async () => {
    const manager = await withTwoModels();
    manager.use('glimpse-test-tiny-fp32');
    const err = await rejection(manager.remove('glimpse-test-tiny-fp32'));
    expect(err.message).toMatch(
      /is the active model; choose another with glimpse model use <id> first, or pass --force/,
    );
    await manager.remove('glimpse-test-tiny-fp16');
    expect(manager.installed().map((m) => m.id)).toEqual(['glimpse-test-tiny-fp32']);
    expect((await manager.remove('glimpse-test-tiny-fp32', { force: true })).freedBytes).toBeGreaterThan(0);
    expect(manager.installed()).toEqual([]);
  });

  it('also refuses the folder in use right now (--model), even when settings.json names another', async () => {
    const manager = await withTwoModels();
    manager.use('glimpse-test-tiny-fp32');
    const err = await rejection(
      manager.remove('glimpse-test-tiny-fp16', {
        activeDir: join(manager.modelsDir, 'glimpse-test-tiny-fp16'),
      }),
    );
    expect(err.code).toBe('BUSY');
  });
});

describe('models outside the model list', () => {
  it('can be pulled only with a source', async () => {
    home = mkdtempSync(join(tmpdir(), 'glimpse-manager-'));
    const manager = new ModelStore({ home, env: {} });
    const err = await rejection(manager.pull('my-model'));
    expect(err.message).toMatch(
      /^"my-model" is not in the model list \(vit-h-14-laion2b-s32b-b79k-fp16, .*\); to install/,
    );
    const fromFolder = await manager.pull('glimpse-test-tiny-fp32', { from: fp32 });
    expect(fromFolder).toMatchObject({ id: 'glimpse-test-tiny-fp32', bytesDownloaded: 0, source: fp32 });
  });
});

import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testModelDir } from '../../../test/helpers/test-model';
import { BundleError } from '../runtime/bundle';
import { ModelDownloadError } from './errors';
import { importBundle, listInstalled, removeInstalled } from './install';

let ours: string;
let immich: string;
let modelsDir: string;
const temps: string[] = [];

beforeAll(async () => {
  ours = await testModelDir('float32');
  immich = await testModelDir('float32', 'immich');
});

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

describe('importing a model folder', () => {
  it("installs a Glimpse bundle under model.json's id, with a record of its files", async () => {
    modelsDir = join(temp('glimpse-models-'), 'models');
    const model = await importBundle(ours, modelsDir);
    expect(model).toMatchObject({
      id: 'glimpse-test-tiny-fp32',
      valid: true,
      layout: 'glimpse',
      embedDim: 64,
    });
    expect(model.dir).toBe(join(modelsDir, 'glimpse-test-tiny-fp32'));
    expect(model.record?.source).toBe(ours);
    expect(model.record?.files.map((f) => f.path).sort()).toContain('visual.onnx');
    expect(readdirSync(join(modelsDir, '.partial'))).toEqual([]);
  });

  it("installs Immich's layout under the folder's name or --id, its vectors as immich-<id>", async () => {
    modelsDir = join(temp('glimpse-models-'), 'models');
    const named = await importBundle(immich, modelsDir, { id: 'ViT-T-1__test' });
    expect(named).toMatchObject({ id: 'ViT-T-1__test', layout: 'immich', bundleId: 'immich-ViT-T-1__test' });
    const byFolder = await importBundle(immich, modelsDir);
    expect(byFolder.id).toBe('model-immich-float32');
    expect(listInstalled(modelsDir).map((m) => m.id)).toEqual(['model-immich-float32', 'ViT-T-1__test']);
  });

  it('refuses a broken bundle naming the file and the field, and installs nothing', async () => {
    modelsDir = join(temp('glimpse-models-'), 'models');
    const broken = temp('glimpse-broken-');
    cpSync(ours, broken, { recursive: true });
    const json = JSON.parse(readFileSync(join(broken, 'model.json'), 'utf8'));
    json.visual.file = 'missing.onnx';
    writeFileSync(join(broken, 'model.json'), JSON.stringify(json));
    const err = await rejection(importBundle(broken, modelsDir));
    expect(err).toBeInstanceOf(BundleError);
    expect(err.message).toBe(
      `${join(broken, 'model.json')} (visual.file): names "missing.onnx", which does not exist in ${broken}`,
    );
    expect(listInstalled(modelsDir)).toEqual([]);
  });

  it("refuses to install a Glimpse bundle under another id than model.json's", async () => {
    modelsDir = join(temp('glimpse-models-'), 'models');
    const err = await rejection(importBundle(ours, modelsDir, { id: 'something-else' }));
    expect(err.message).toMatch(
      /model\.json \(id\): is "glimpse-test-tiny-fp32", but --id says "something-else"/,
    );
  });

  it('replaces an installed model only when asked', async () => {
    modelsDir = join(temp('glimpse-models-'), 'models');
    await importBundle(ours, modelsDir);
    const err = await rejection(importBundle(ours, modelsDir));
    expect(err).toBeInstanceOf(ModelDownloadError);
    expect((err as ModelDownloadError).code).toBe('EXISTS');
    const again = await importBundle(ours, modelsDir, { replace: true });
    expect(again.valid).toBe(true);
    expect(existsSync(join(modelsDir, '.trash')) ? readdirSync(join(modelsDir, '.trash')) : []).toEqual([]);
  });

  it('refuses when the disk cannot hold the copy', async () => {
    modelsDir = join(temp('glimpse-models-'), 'models');
    const err = await rejection(
      importBundle(ours, modelsDir, { statfs: async () => ({ bavail: 0, bsize: 4096 }) }),
    );
    expect((err as ModelDownloadError).code).toBe('DISK_FULL');
    expect(listInstalled(modelsDir)).toEqual([]);
  });
});

describe('listing and removing installed models', () => {
  it('lists a folder that is not a valid bundle with the reason, and removes it', async () => {
    modelsDir = join(temp('glimpse-models-'), 'models');
    await importBundle(ours, modelsDir);
    rmSync(join(modelsDir, 'glimpse-test-tiny-fp32', 'textual.onnx'));
    const [model] = listInstalled(modelsDir);
    expect(model).toMatchObject({ id: 'glimpse-test-tiny-fp32', valid: false });
    expect(model!.problem).toMatch(/\(textual\.file\): names "textual\.onnx", which does not exist/);
    const { freedBytes } = await removeInstalled(modelsDir, 'glimpse-test-tiny-fp32');
    expect(freedBytes).toBeGreaterThan(1_000_000);
    expect(listInstalled(modelsDir)).toEqual([]);
    expect(readdirSync(join(modelsDir, '.trash'))).toEqual([]);
  });

  it('says so when asked to remove a model that is not there', async () => {
    modelsDir = join(temp('glimpse-models-'), 'models');
    const err = await rejection(removeInstalled(modelsDir, 'nope'));
    expect(err.message).toMatch(/^nope is not installed/);
  });
});

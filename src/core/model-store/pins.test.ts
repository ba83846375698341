import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  filesOf,
  sha256Hex,
  startModelServer,
  testModelListData,
  testEntry,
  type ServedFile,
} from '../../../test/helpers/model-server';
import { testModelDir } from '../../../test/helpers/test-model';
import { parseModelList } from './model-list';
import { downloadFailure as failure } from '../../../test/helpers/download-error';
import { bundleFingerprint } from './fingerprint';
import { readRecord } from './install';
import { ModelStore } from './model-store';

// The model list pins each file's size and SHA-256; a download, and a local copy pulled with --from,
// must match them, whatever the server or the folder says.

const ID = 'glimpse-test-tiny-fp32';
let model: string;
let bundle: ServedFile[];
const cleanups: Array<() => unknown> = [];
beforeAll(async () => {
  // A private copy: the shared build may be rebuilt by another test process while this file runs.
  model = mkdtempSync(join(tmpdir(), 'glimpse-pins-model-'));
  cpSync(await testModelDir('float32'), model, { recursive: true });
  bundle = filesOf(model);
});
afterAll(() => rmSync(model, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const pins = () => bundle.map((f) => ({ path: f.path, size: f.bytes.length, sha256: sha256Hex(f.bytes) }));

function manager(baseUrl: string, files = pins()) {
  const home = mkdtempSync(join(tmpdir(), 'glimpse-pins-'));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  const modelList = parseModelList(
    testModelListData([testEntry(ID, baseUrl, { source: { baseUrl, files } })]),
    'test model list',
  );
  return { home, models: new ModelStore({ home, env: {}, modelList }) };
}

/** A copy of the test bundle with one byte of visual.onnx changed. */
function tamperedCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-tampered-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(model, dir, { recursive: true });
  const visual = join(dir, 'visual.onnx');
  const bytes = readFileSync(visual);
  bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
  writeFileSync(visual, bytes);
  return dir;
}

describe('pinned model-list entries', () => {
  it('refuse a local copy pulled with --from whose visual.onnx was changed, installing nothing', async () => {
    const { home, models } = manager('https://example.invalid/none/');
    const e = await failure(models.pull(ID, { from: tamperedCopy() }));
    expect(e.code).toBe('BAD_SOURCE');
    expect(e.message).toMatch(/visual\.onnx: SHA-256 [0-9a-f]{64}, but the model list pins [0-9a-f]{64}/);
    expect(existsSync(join(home, 'models', ID))).toBe(false);
  });

  it('install a faithful local copy, recording every hash and the bundle fingerprint', async () => {
    const { home, models } = manager('https://example.invalid/none/');
    await models.pull(ID, { from: model });
    const record = readRecord(join(home, 'models', ID))!;
    expect(record.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256 ?? ''))).toBe(true);
    expect(record.fingerprint).toBe(bundleFingerprint(pins()));
  });

  it('win over a plain server that says nothing of hashes: a changed file is refused after download', async () => {
    const tampered = filesOf(tamperedCopy());
    const server = await startModelServer({ files: tampered });
    cleanups.push(() => server.close());
    const { home, models } = manager(server.plainUrl);
    const e = await failure(models.pull(ID));
    expect(e.message).toMatch(/visual\.onnx/);
    expect(e.message).toMatch(/SHA-256/);
    expect(existsSync(join(home, 'models', ID))).toBe(false);
  });

  it('win over a Hub-style server that reports the changed file as its own', async () => {
    const server = await startModelServer({ files: filesOf(tamperedCopy()) });
    cleanups.push(() => server.close());
    const { models } = manager(server.hubUrl);
    const e = await failure(models.pull(ID));
    expect(e.message).toMatch(/visual\.onnx: the model list pins SHA-256/);
  });

  it('install from a Hub URL naming the commit, as the shipped entries do, asking for that commit only', async () => {
    const server = await startModelServer({ files: bundle });
    cleanups.push(() => server.close());
    const { home, models } = manager(`${server.origin}/${server.repo}/resolve/${server.commit}/`);
    await models.pull(ID);
    expect(readRecord(join(home, 'models', ID))!.fingerprint).toBe(bundleFingerprint(pins()));
    expect(server.log.some((l) => /\/(resolve|revision|tree)\/main\b/.test(l.url))).toBe(false);
  });

  it('give a downloaded model the same fingerprint as a local copy of the same files', async () => {
    const server = await startModelServer({ files: bundle });
    cleanups.push(() => server.close());
    const { home, models } = manager(server.hubUrl);
    await models.pull(ID);
    expect(readRecord(join(home, 'models', ID))!.fingerprint).toBe(bundleFingerprint(pins()));
  });
});

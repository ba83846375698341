// Pulling a model published as a checkpoint, against the loopback Hugging Face imitation: download (LFS
// size and SHA-256), build, self-check, atomic install, checkpoint deleted or kept; and a failure at each
// step — a truncated checkpoint, a wrong SHA-256, unknown tensors, a disk too small for the peak — leaves
// nothing half-installed.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeRandomCheckpoint } from '../../../tools/checkpoint/random-checkpoint';
import {
  sha256Hex,
  startModelServer,
  testModelListData,
  testEntry,
} from '../../../test/helpers/model-server';
import { loadBundle } from '../runtime/bundle';
import { PRESETS } from './build/architecture';
import { parseModelList } from './model-list';
import { DISK_MARGIN_BYTES } from './disk';
import { downloadFailure as failure } from '../../../test/helpers/download-error';
import { ModelStore } from './model-store';
import type { PullProgress } from './progress';

const ID = 'tiny-built-fp16';
const CHECKPOINT = 'open_clip_pytorch_model.safetensors';
const FAST_RETRY = { retries: 1, baseDelayMs: 5, maxDelayMs: 10 };
let scratch: string;
let good: Buffer;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'glimpse-build-install-'));
  cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
  good = await checkpointBytes('good');
});

// The first cleanup (the scratch folder of checkpoints) stays until every test is done.
afterEach(async () => {
  for (const c of cleanups.splice(1)) await c();
});
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function checkpointBytes(name: string, extra?: Record<string, number[]>): Promise<Buffer> {
  const file = join(scratch, `${name}.safetensors`);
  await writeRandomCheckpoint(file, PRESETS.tiny!, { extra });
  return readFileSync(file);
}

async function setup(bytes: Buffer) {
  const server = await startModelServer({
    files: [{ path: CHECKPOINT, bytes }],
    lfs: (p) => p.endsWith('.safetensors'),
  });
  const home = mkdtempSync(join(tmpdir(), 'glimpse-pull-build-'));
  cleanups.push(
    () => server.close(),
    () => rmSync(home, { recursive: true, force: true }),
  );
  const entry = testEntry(ID, server.hubUrl, {
    precision: 'fp16',
    source: { baseUrl: server.hubUrl, files: [{ path: CHECKPOINT }] },
    build: { checkpoint: CHECKPOINT, dtype: 'float16', activation: 'gelu' },
  });
  const modelList = parseModelList(testModelListData([entry]), 'test model list');
  const models = join(home, 'models');
  return { server, models, manager: new ModelStore({ home, env: {}, modelList }) };
}

/** Nothing of the model is installed, and no staging or download is left behind. */
function expectNothingInstalled(models: string): void {
  expect(existsSync(join(models, ID))).toBe(false);
  const partial = join(models, '.partial');
  const left = existsSync(partial) ? readdirSync(partial).filter((n) => !n.endsWith('.lock')) : [];
  expect(left.filter((n) => n.includes('.bundle'))).toEqual([]);
}

describe('pulling a model published as a checkpoint', () => {
  it('downloads the checkpoint, builds and checks the bundle, installs it and deletes the checkpoint', async () => {
    const { server, models, manager } = await setup(good);
    const phases: string[] = [];
    const notes: string[] = [];
    const result = await manager.pull(ID, {
      retry: FAST_RETRY,
      onProgress: (p: PullProgress) => phases.at(-1) !== p.phase && phases.push(p.phase),
      onNote: (note) => notes.push(note),
      check: { providers: ['cpu'] },
    });
    // The check ran where it was told to, and the log says so.
    expect(result.selfCheck).toMatchObject({ provider: 'cpu', fallbacks: [] });
    expect(notes).toContainEqual(expect.stringMatching(/^self-check passed on cpu in [\d.]+ s$/));
    expect(result.model).toMatchObject({ id: ID, valid: true, bundleId: ID, precision: 'fp16' });
    expect(phases).toEqual(['resolving', 'downloading', 'building', 'verifying', 'installing', 'done']);
    expect(result.bytesDownloaded).toBe(good.length);
    expect(server.fileRequests(CHECKPOINT).map((r) => r.status)).toEqual([200]);
    const bundle = loadBundle(join(models, ID));
    expect(bundle.visual).toMatchObject({ dtype: 'float16', dynamicBatch: true });
    expect(existsSync(join(models, '.partial', ID))).toBe(false);
    expect(existsSync(join(models, '.checkpoints'))).toBe(false);
    expect(result.checkpoint).toBeNull();
  });

  it('keeps the checkpoint when asked, byte for byte', async () => {
    const { models, manager } = await setup(good);
    const result = await manager.pull(ID, { retry: FAST_RETRY, keepCheckpoint: true });
    expect(result.checkpoint).toBe(join(models, '.checkpoints', ID, CHECKPOINT));
    expect(sha256Hex(readFileSync(result.checkpoint!))).toBe(sha256Hex(good));
  });

  it('refuses a checkpoint whose bytes do not match the SHA-256 of its LFS record', async () => {
    const { server, models, manager } = await setup(good);
    server.fault(CHECKPOINT, { corrupt: true, times: Infinity });
    const e = await failure(manager.pull(ID, { retry: FAST_RETRY }));
    expect(e.code).toBe('CHECKSUM');
    expectNothingInstalled(models);
  });

  it('refuses a repository whose checkpoint is truncated, and drops the useless download', async () => {
    const { models, manager } = await setup(good.subarray(0, good.length - 4096));
    const e = await failure(manager.pull(ID, { retry: FAST_RETRY }));
    expect(e.code).toBe('BAD_SOURCE');
    expect(e.message).toMatch(/truncated/);
    expectNothingInstalled(models);
    expect(existsSync(join(models, '.partial', ID))).toBe(false);
  });

  it('refuses a checkpoint with tensors this design does not have, naming them', async () => {
    const { models, manager } = await setup(
      await checkpointBytes('odd', { 'visual.attn_pool.query': [16, 128] }),
    );
    const e = await failure(manager.pull(ID, { retry: FAST_RETRY }));
    expect(e.code).toBe('BAD_SOURCE');
    expect(e.message).toMatch(/visual\.attn_pool\.query/);
    expectNothingInstalled(models);
  });

  it('checks free space for the checkpoint and the bundle together, before downloading', async () => {
    const { server, models, manager } = await setup(good);
    // Room for the download alone, not for the bundle built beside it.
    const statfs = async () => ({ bavail: good.length + DISK_MARGIN_BYTES + 1024, bsize: 1 });
    const e = await failure(manager.pull(ID, { retry: FAST_RETRY, statfs }));
    expect(e.code).toBe('DISK_FULL');
    expect(server.fileRequests(CHECKPOINT)).toEqual([]);
    expectNothingInstalled(models);
  });

  it('stops before building when the disk filled up during the download', async () => {
    const { models, manager } = await setup(good);
    let calls = 0;
    // The first check (before the download) passes; the one before the build finds the disk full.
    const statfs = async () => ({ bavail: calls++ === 0 ? 1e12 : 1024, bsize: 1 });
    const e = await failure(manager.pull(ID, { retry: FAST_RETRY, statfs }));
    expect(e.code).toBe('DISK_FULL');
    expect(e.message).toMatch(/building tiny-built-fp16/);
    expectNothingInstalled(models);
  });
});

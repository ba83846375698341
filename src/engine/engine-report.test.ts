import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testModelDir } from '../../test/helpers/test-model';
import { createWorkspace, type Workspace } from '../core';
import type { IndexJob, IndexProgress, IndexSummary } from '../shared/types';
import { engineStats, modelState } from './engine-report';

const engines: Workspace[] = [];
const roots: string[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true }));
});

function engineOn(modelDir: string): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'glimpse-report-'));
  roots.push(root);
  const engine = createWorkspace({ modelDir, libraryDir: join(root, 'library'), providers: ['cpu'] });
  engines.push(engine);
  return engine;
}

const idle: IndexJob = { state: 'idle', progress: null, lastSummary: null, error: null };

describe('the model state', () => {
  it('names the model in use, its precision and embedding size', async () => {
    const dir = await testModelDir('float32');
    expect(modelState(engineOn(dir))).toEqual({
      dir,
      ok: true,
      problem: null,
      id: 'glimpse-test-tiny-fp32',
      name: expect.any(String),
      precision: 'fp32',
      embedDim: 64,
    });
  });

  it('says there is no model where the folder is missing', () => {
    const state = modelState(engineOn('/nowhere/models/tiny'));
    expect(state).toMatchObject({ ok: false, id: null, problem: 'no model at /nowhere/models/tiny' });
  });

  it('gives the bundle’s own complaint for a broken model folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-broken-model-'));
    roots.push(dir);
    writeFileSync(join(dir, 'model.json'), '{ not json');
    const state = modelState(engineOn(dir));
    expect(state.ok).toBe(false);
    expect(state.problem).toContain('model.json');
  });
});

describe('the GPU panel’s figures', () => {
  it('without a usable model: no embedder, the batch size settings ask, nothing indexing', () => {
    const stats = engineStats(engineOn('/nowhere/models/tiny'), idle, 16);
    expect(stats).toMatchObject({
      embedder: null,
      batchSize: 16,
      indexing: null,
      pipeline: null,
      decoders: null,
    });
    expect(typeof stats.photoDecoder).toBe('string');
  });

  it('while indexing: speed, what is queued and the time left', () => {
    const progress = { imagesPerSecond: 40, toProcess: 100, processed: 30, etaSeconds: 2 } as IndexProgress;
    const stats = engineStats(
      engineOn('/nowhere/models/tiny'),
      { ...idle, state: 'running', progress },
      null,
    );
    expect(stats.indexing).toEqual({ imagesPerSecond: 40, queued: 70, etaSeconds: 2 });
  });

  it('once a run has ended, keeps its batches and decoders for reading afterwards', () => {
    const lastSummary = {
      pipeline: { recent: [] },
      decoders: { decoded: { cpu: 3 }, fallbacks: {} },
    } as unknown as IndexSummary;
    const stats = engineStats(engineOn('/nowhere/models/tiny'), { ...idle, lastSummary }, null);
    expect(stats.indexing).toBeNull();
    expect(stats.pipeline).toEqual({ recent: [] });
    expect(stats.decoders).toEqual({ decoded: { cpu: 3 }, fallbacks: {} });
  });
});

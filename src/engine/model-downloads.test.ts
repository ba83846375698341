import { describe, expect, it } from 'vitest';
import type { ModelStore, PullProgress } from '../core';
import type { ModelPullJob } from '../shared/types';
import { ModelDownloads } from './model-downloads';

type PullOptions = Parameters<ModelStore['pull']>[1];

/** A model store whose pull() runs until `finish` or `fail` is called (or its signal aborts). */
function fakeModels() {
  const pulls: Array<{ id: string; opts: PullOptions }> = [];
  let finish: () => void = () => {};
  let fail: (e: Error) => void = () => {};
  const models = {
    pull: (id: string, opts: PullOptions) => {
      pulls.push({ id, opts });
      return new Promise((resolve, reject) => {
        finish = () => resolve(undefined);
        fail = reject;
        opts?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      });
    },
  } as unknown as Pick<ModelStore, 'pull'>;
  return { models, pulls, finish: () => finish(), fail: (e: Error) => fail(e) };
}

function downloadsOn(fake: ReturnType<typeof fakeModels>) {
  const events: ModelPullJob[] = [];
  const downloads = new ModelDownloads({
    models: fake.models,
    providers: () => ['cpu'],
    emit: (_event, job) => events.push(job),
  });
  return { downloads, events };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('model downloads', () => {
  it('downloads with progress and notes, checked on the engine’s providers, and ends with the model installed', async () => {
    const fake = fakeModels();
    const { downloads, events } = downloadsOn(fake);
    expect(downloads.pull('tiny')).toMatchObject({ state: 'running', id: 'tiny', error: null, notes: [] });
    const { opts } = fake.pulls[0]!;
    expect(opts?.check).toEqual({ providers: ['cpu'] });
    opts?.onProgress?.({ phase: 'downloading', bytesDone: 10 } as PullProgress);
    opts?.onNote?.('built here from the checkpoint');
    opts?.onNote?.('self-check passed');
    fake.finish();
    await settled();
    expect(downloads.current).toMatchObject({
      state: 'idle',
      id: 'tiny',
      error: null,
      installed: 'tiny',
      progress: { phase: 'downloading', bytesDone: 10 },
      notes: ['built here from the checkpoint', 'self-check passed'],
    });
    expect(events.map((j) => j.state)).toEqual(['running', 'running', 'running', 'running', 'idle']);
  });

  it('answers a second pull of the same model with its job, and refuses another model while one downloads', async () => {
    const fake = fakeModels();
    const { downloads } = downloadsOn(fake);
    downloads.pull('tiny');
    expect(downloads.pull('tiny')).toMatchObject({ state: 'running', id: 'tiny' });
    expect(() => downloads.pull('huge')).toThrow(
      expect.objectContaining({ code: 'BUSY', message: 'tiny is downloading; cancel it first' }),
    );
    expect(fake.pulls.map((p) => p.id)).toEqual(['tiny']);
    fake.finish();
    await settled();
    expect(downloads.pull('huge')).toMatchObject({ state: 'running', id: 'huge' });
  });

  it('on cancel, says it is cancelling and ends with a resumable download in words', async () => {
    const fake = fakeModels();
    const { downloads } = downloadsOn(fake);
    downloads.pull('tiny');
    expect(downloads.cancel()).toMatchObject({ state: 'cancelling', id: 'tiny' });
    expect(fake.pulls[0]!.opts?.signal?.aborted).toBe(true);
    await settled();
    expect(downloads.current).toMatchObject({
      state: 'idle',
      error: 'download cancelled; pull again to resume',
      installed: null,
    });
  });

  it('ends a failed download with the reason, keeping the last model that did install', async () => {
    const fake = fakeModels();
    const { downloads } = downloadsOn(fake);
    downloads.pull('tiny');
    fake.finish();
    await settled();
    downloads.pull('spare');
    fake.fail(new Error('model.json: the server answered 404'));
    await settled();
    expect(downloads.current).toMatchObject({
      state: 'idle',
      id: 'spare',
      error: 'model.json: the server answered 404',
      installed: 'tiny',
    });
  });

  it('ignores cancel when nothing downloads, and stops a download on close', async () => {
    const fake = fakeModels();
    const { downloads, events } = downloadsOn(fake);
    expect(downloads.cancel()).toMatchObject({ state: 'idle' });
    expect(events).toEqual([]);
    downloads.pull('tiny');
    downloads.close();
    expect(fake.pulls[0]!.opts?.signal?.aborted).toBe(true);
  });
});

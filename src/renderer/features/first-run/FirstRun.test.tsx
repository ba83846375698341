// @vitest-environment jsdom
import '../../testing/setup';
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { FakeApi, FakeOptions } from '../../testing/fakeApi';
import {
  folder,
  libraryStatus,
  modelMissing,
  modelOk,
  modelOverview,
  pullProgress,
} from '../../testing/fixtures';
import { renderApp } from '../../testing/renderApp';
import type { ModelPullJob, PullProgress } from '../../../shared/types';

const B32 = 'ViT-B-32__openai';
const L14 = 'ViT-L-14__openai';
const MB = 1024 * 1024;

/** A new user's app: no model, an empty library, and this machine as `gpu` says. */
async function firstRun(options: { gpu?: boolean; overrides?: FakeOptions['overrides'] } = {}) {
  const app = await renderApp({
    folders: [],
    models: modelOverview(options.gpu ?? false),
    overrides: { getModelState: async () => modelMissing, ...options.overrides },
  });
  await screen.findByTestId('recommended-model');
  return app;
}

function running(fake: FakeApi, progress: Partial<PullProgress> & { id: string }) {
  const job: ModelPullJob = {
    state: 'running',
    id: progress.id,
    progress: pullProgress(progress),
    error: null,
    installed: null,
  };
  act(() => fake.emit('modelPull', job));
}

function ended(fake: FakeApi, id: string, patch: Partial<ModelPullJob> = {}) {
  act(() =>
    fake.emit('modelPull', {
      state: 'idle',
      id,
      progress: pullProgress({ id, phase: 'done', bytesDone: 610_000_000, filesDone: 4 }),
      error: null,
      installed: id,
      ...patch,
    }),
  );
}

describe('first run', () => {
  it('recommends the small model on a machine without a GPU, with its download size and the reason', async () => {
    await firstRun({ gpu: false });
    expect(screen.getByRole('heading', { name: 'Welcome to Glimpse' })).toBeTruthy();
    expect(screen.queryByRole('navigation', { name: 'Views' })).toBeNull();
    const rec = screen.getByTestId('recommended-model');
    expect(rec.dataset.modelId).toBe(B32);
    expect(rec.textContent).toContain('OpenAI CLIP ViT-B/32, FP32, Immich export');
    expect(rec.textContent).toContain('Recommended for this computer');
    expect(within(rec).getByTestId('model-spec').textContent).toBe(
      'about 582 MB · 512 dimensions · FP32 · fast on a GPU, fast on a CPU',
    );
    expect(within(rec).getByTestId('recommended-reason').textContent).toBe(
      '✓ nvidia-smi was not found: no NVIDIA driver is installed, and it runs well on the CPU',
    );
    expect(within(rec).getByRole('radio')).toHaveProperty('checked', true);
    // The models this machine cannot run well say why.
    const h14 = screen.getAllByTestId('model-option').find((o) => o.dataset.modelId?.startsWith('vit-h'))!;
    expect(h14.textContent).toContain('Not a good fit here: needs an NVIDIA GPU with at least 6 GiB');
    expect(screen.getByRole('button', { name: 'Download OpenAI CLIP ViT-B/32 (about 582 MB)' })).toBeTruthy();
    expect(screen.getByTestId('chosen-model').textContent).toContain('/home/ana/.glimpse/models');
  });

  it('recommends ViT-H/14 where a GPU has the memory for it', async () => {
    await firstRun({ gpu: true });
    const rec = screen.getByTestId('recommended-model');
    expect(rec.dataset.modelId).toBe('vit-h-14-laion2b-s32b-b79k-fp16');
    expect(within(rec).getByTestId('recommended-reason').textContent).toBe(
      '✓ NVIDIA H100 80GB HBM3 has 79.6 GiB; it needs 6 GiB',
    );
    expect(
      screen.getByRole('button', { name: 'Download OpenCLIP ViT-H/14 (LAION-2B) (about 1.8 GB)' }),
    ).toBeTruthy();
  });

  it('downloads another chosen model with progress from modelPull events', async () => {
    const { fake, user } = await firstRun();
    await user.click(screen.getByText('Other models (2)'));
    await user.click(screen.getByRole('radio', { name: /OpenAI CLIP ViT-L\/14/ }));
    await user.click(screen.getByRole('button', { name: 'Download OpenAI CLIP ViT-L/14 (about 1.6 GB)' }));
    expect(fake.calls('pullModel')).toEqual([[L14]]);
    expect(
      screen.getByRole('heading', { name: 'Downloading OpenAI CLIP ViT-L/14, FP32, Immich export' }),
    ).toBeTruthy();

    running(fake, {
      id: L14,
      file: 'visual/model.onnx',
      filesDone: 1,
      bytesDone: 200 * MB,
      bytesTotal: 1600 * MB,
      bytesPerSecond: 25 * MB,
      etaSeconds: 56,
    });
    const progress = screen.getByTestId('download-progress');
    expect(within(progress).getByTestId('download-phase').textContent).toBe('Downloading');
    expect(within(progress).getByTestId('download-bytes').textContent).toBe('200 MB of 1.6 GB (12%)');
    expect(within(progress).getByTestId('download-speed').textContent).toBe('25 MB/s');
    expect(within(progress).getByTestId('download-eta').textContent).toBe('about 56 s left');
    expect(within(progress).getByTestId('download-files').textContent).toBe('file 2 of 4');
    expect(within(progress).getByTestId('download-file').textContent).toBe('visual/model.onnx');
    expect(within(progress).getByRole('progressbar').getAttribute('aria-valuenow')).toBe(String(200 * MB));
    expect(within(progress).queryByTestId('download-resumed')).toBeNull();

    running(fake, {
      id: L14,
      phase: 'installing',
      bytesDone: 1600 * MB,
      bytesTotal: 1600 * MB,
      filesDone: 4,
    });
    expect(within(progress).getByTestId('download-phase').textContent).toBe('Verifying and installing');
  });

  it('says when a download picked up bytes from an earlier, interrupted one', async () => {
    const { fake, user } = await firstRun();
    await user.click(screen.getByRole('button', { name: /^Download OpenAI CLIP ViT-B\/32/ }));
    running(fake, { id: B32, bytesDone: 300 * MB, bytesResumed: 250 * MB, bytesPerSecond: 10 * MB });
    expect(screen.getByTestId('download-resumed').textContent).toBe(
      'Resumed: 250 MB came from the earlier, interrupted download.',
    );
  });

  it('cancels a download, says what is kept, and resumes it', async () => {
    const { fake, user } = await firstRun();
    await user.click(screen.getByRole('button', { name: /^Download OpenAI CLIP ViT-B\/32/ }));
    running(fake, { id: B32, bytesDone: 120 * MB });
    await user.click(screen.getByRole('button', { name: 'Cancel download' }));
    expect(fake.calls('cancelModelPull')).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Cancelling…' })).toHaveProperty('disabled', true);

    ended(fake, B32, {
      installed: null,
      error: 'download cancelled; pull again to resume',
      progress: pullProgress({ id: B32, bytesDone: 120 * MB }),
    });
    const stopped = screen.getByTestId('download-stopped');
    expect(stopped.textContent).toContain('Download cancelled');
    expect(stopped.textContent).toContain('What has arrived is kept');
    await user.click(within(stopped).getByRole('button', { name: 'Resume download' }));
    expect(fake.calls('pullModel')).toEqual([[B32], [B32]]);
    running(fake, { id: B32, bytesDone: 130 * MB, bytesResumed: 120 * MB });
    expect(screen.getByTestId('download-resumed')).toBeTruthy();
  });

  it('explains a failed download in plain words and retries it', async () => {
    const { fake, user } = await firstRun();
    await user.click(screen.getByRole('button', { name: /^Download OpenAI CLIP ViT-B\/32/ }));
    const reason =
      'textual/model.onnx: https://huggingface.co/immich-app/ViT-B-32__openai/resolve/main/textual/model.onnx: ' +
      'the server answered 503 Service Unavailable — the server is having trouble; try again later';
    ended(fake, B32, { installed: null, error: reason, progress: pullProgress({ id: B32, bytesDone: 0 }) });
    const stopped = screen.getByRole('alert');
    expect(within(stopped).getByText('The download stopped')).toBeTruthy();
    expect(within(stopped).getByTestId('download-error').textContent).toBe(reason);
    expect(fake.calls('useModel')).toHaveLength(0);
    await user.click(within(stopped).getByRole('button', { name: 'Retry' }));
    expect(fake.calls('pullModel')).toEqual([[B32], [B32]]);
    running(fake, { id: B32, bytesDone: 50 * MB });
    expect(screen.getByTestId('download-bytes').textContent).toBe('50 MB of 582 MB (8%)');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('uses the downloaded model, then asks for the first folder; adding it opens the library', async () => {
    const { fake, user } = await firstRun();
    await user.click(screen.getByRole('button', { name: /^Download OpenAI CLIP ViT-B\/32/ }));
    running(fake, { id: B32, bytesDone: 600_000_000 });
    ended(fake, B32);
    await waitFor(() => expect(fake.calls('useModel')).toEqual([[B32]]));
    const step = await screen.findByTestId('folder-step');
    expect(within(step).getByTestId('model-ready').textContent).toBe(
      '✓ OpenAI CLIP ViT-B/32, FP32, Immich export is ready (FP32, 512 dimensions).',
    );
    expect(screen.getByRole('listitem', { current: 'step' }).textContent).toContain('First folder');

    await user.click(within(step).getByRole('button', { name: 'Add folder…' }));
    expect(fake.calls('addFolder')).toEqual([[]]);
    const nav = await screen.findByRole('navigation', { name: 'Views' });
    expect(within(nav).getByRole('button', { name: 'Library' }).getAttribute('aria-current')).toBe('page');
    expect(screen.queryByTestId('first-run')).toBeNull();
  });

  it('stays on the folder step when the picker is closed, and can be skipped', async () => {
    const { fake, user } = await firstRun({ overrides: { addFolder: async () => [] } });
    await user.click(screen.getByRole('button', { name: /^Download OpenAI CLIP ViT-B\/32/ }));
    ended(fake, B32);
    const step = await screen.findByTestId('folder-step');
    await user.click(within(step).getByRole('button', { name: 'Add folder…' }));
    expect(screen.getByTestId('folder-step')).toBeTruthy();
    await user.click(within(step).getByRole('button', { name: 'Skip for now' }));
    const nav = await screen.findByRole('navigation', { name: 'Views' });
    expect(within(nav).getByRole('button', { name: 'Search' }).getAttribute('aria-current')).toBe('page');
  });

  it('re-embeds a library indexed with another model instead of asking for a folder', async () => {
    const photos = folder(1, '/photos', 5000, 0);
    const { fake, user } = await firstRun({
      overrides: {
        getLibraryStatus: async () => ({
          ...libraryStatus([photos]),
          coverage: { modelId: `immich-${B32}`, photos: 5000, withVector: 0 },
        }),
      },
    });
    await user.click(screen.getByRole('button', { name: /^Download OpenAI CLIP ViT-B\/32/ }));
    ended(fake, B32);
    const nav = await screen.findByRole('navigation', { name: 'Views' });
    expect(fake.calls('startIndexing')).toEqual([[[]]]);
    expect(within(nav).getByRole('button', { name: 'Library' }).getAttribute('aria-current')).toBe('page');
  });

  it('takes a model folder the user already has, saying why one cannot be used', async () => {
    const chosen = [{ ...modelMissing, problem: '/tmp/empty: no model.json or config.json' }, modelOk];
    const { fake, user } = await renderApp({
      models: { ...modelOverview(false), active: { dir: '/tmp/empty', id: null, present: true } },
      overrides: { getModelState: async () => modelMissing, chooseModelFolder: async () => chosen.shift()! },
    });
    await screen.findByTestId('recommended-model');
    expect(screen.getByTestId('model-problem').textContent).toContain(
      'no model at /home/ana/.glimpse/models/vit-h-14',
    );

    await user.click(screen.getByRole('button', { name: 'Choose model folder…' }));
    await waitFor(() =>
      expect(screen.getByTestId('model-problem').textContent).toContain('no model.json or config.json'),
    );
    expect(screen.getByRole('alert').textContent).toContain('The model in use cannot be loaded');
    await user.click(screen.getByRole('button', { name: 'Choose model folder…' }));
    // The library already has folders: straight to the app.
    expect(await screen.findByRole('searchbox', { name: 'Search photos' })).toBeTruthy();
    expect(fake.calls('chooseModelFolder')).toHaveLength(2);
  });

  it('imports a model folder and goes on to the first folder', async () => {
    const { fake, user } = await firstRun();
    await user.click(screen.getByRole('button', { name: 'Import a model folder…' }));
    expect(fake.calls('importModelFolder')).toHaveLength(1);
    expect((await screen.findByTestId('model-ready')).textContent).toContain('OpenCLIP ViT-H/14 is ready');
  });

  it('invites adding the first folder when the library is empty', async () => {
    const { fake, user } = await renderApp({
      overrides: { getLibraryStatus: async () => libraryStatus([]) },
    });
    const empty = await screen.findAllByTestId('empty-library');
    expect(empty[0]!.textContent).toContain('Add your first folder');
    await user.click(screen.getAllByRole('button', { name: 'Add folder…' })[0]!);
    expect(fake.calls('addFolder')).toEqual([[undefined]]);
  });
});

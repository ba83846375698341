// @vitest-environment jsdom
import '../../testing/setup';
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { installed, modelOverview, modelStateOf, pullProgress } from '../../testing/fixtures';
import { renderApp } from '../../testing/renderApp';
import type { ModelOverview } from '../../../shared/types';

const H14 = 'vit-h-14-laion2b-s32b-b79k-fp16';
const L14 = 'ViT-L-14__openai';
const B32 = 'ViT-B-32__openai';
const MB = 1024 * 1024;

/** The H100 machine with ViT-H/14 in use (1.9 GB on disk) and ViT-B/32 installed beside it. */
function overview(): ModelOverview {
  const o = modelOverview(true);
  return {
    ...o,
    active: { dir: `${o.modelsDir}/${H14}`, id: H14, present: true },
    models: o.models.map((m) =>
      m.id === H14
        ? { ...installed(m, true), sizeBytes: 1_990_000_000 }
        : m.id === B32
          ? { ...installed(m), sizeBytes: 605_000_000 }
          : m,
    ),
  };
}

/** What a row's fact list says for `term` ("Dimensions" → "1024"). */
function spec(row: HTMLElement, term: string): string | null {
  const dt = [...row.querySelectorAll('dt')].find((d) => d.textContent === term);
  return dt?.nextElementSibling?.textContent ?? null;
}

async function openModels(options: Parameters<typeof renderApp>[0] = {}) {
  const app = await renderApp({ models: overview(), ...options });
  await app.user.click(screen.getByRole('button', { name: 'Settings' }));
  const panel = screen.getByRole('region', { name: 'Models' });
  await within(panel).findAllByTestId('model-row');
  const row = (id: string) =>
    within(panel)
      .getAllByTestId('model-row')
      .find((r) => r.dataset.modelId === id)!;
  return { ...app, panel, row };
}

describe('settings → models', () => {
  it('lists each model with size, dimensions, precision, speed, fit and badges', async () => {
    const { row } = await openModels();
    const active = row(H14);
    expect(within(active).getByTestId('model-badges').textContent).toBe('ActiveRecommended');
    expect(within(active).getByTestId('model-size').textContent).toBe('1.9 GB');
    expect(spec(active, 'Dimensions')).toBe('1024');
    expect(spec(active, 'Precision')).toBe('FP16');
    expect(spec(active, 'Speed')).toBe('fast on a GPU, very slow on a CPU');
    expect(within(active).getByTestId('model-suits').textContent).toBe(
      '✓ Suits this computer: NVIDIA H100 80GB HBM3 has 79.6 GiB; it needs 6 GiB',
    );
    // The model in use can be neither removed nor switched to.
    expect(within(active).queryAllByRole('button')).toHaveLength(0);

    const small = row(B32);
    expect(within(small).getByTestId('model-badges').textContent).toBe('Installed');
    expect(within(small).getByTestId('model-size').textContent).toBe('577 MB');
    expect(within(small).getByRole('button', { name: 'Use' })).toBeTruthy();
    expect(within(small).getByRole('button', { name: 'Remove…' })).toBeTruthy();

    const mid = row(L14);
    expect(within(mid).getByTestId('model-badges').textContent).toBe('');
    expect(within(mid).getByTestId('model-size').textContent).toBe('about 1.6 GB');
    expect(spec(mid, 'Download')).toBe('about 1.6 GB');
    expect(spec(mid, 'Dimensions')).toBe('768');
    expect(within(mid).getByRole('button', { name: 'Download' })).toBeTruthy();
  });

  it('downloads a model with live progress, then offers to use it', async () => {
    const { fake, user, row } = await openModels();
    await user.click(within(row(L14)).getByRole('button', { name: 'Download' }));
    expect(fake.calls('pullModel')).toEqual([[L14]]);
    act(() =>
      fake.emit('modelPull', {
        state: 'running',
        id: L14,
        progress: pullProgress({
          id: L14,
          file: 'textual/model.onnx',
          bytesDone: 820 * MB,
          bytesTotal: 1640 * MB,
        }),
        error: null,
        installed: null,
      }),
    );
    expect(within(row(L14)).getByTestId('download-bytes').textContent).toBe('820 MB of 1.6 GB (50%)');
    expect(within(row(L14)).getByTestId('download-file').textContent).toBe('textual/model.onnx');
    // One download at a time.
    expect(within(row(L14)).queryByRole('button', { name: 'Download' })).toBeNull();

    act(() =>
      fake.emit('modelPull', {
        state: 'idle',
        id: L14,
        progress: pullProgress({ id: L14, phase: 'done', bytesDone: 1640 * MB, bytesTotal: 1640 * MB }),
        error: null,
        installed: L14,
      }),
    );
    expect(await screen.findByText(/OpenAI CLIP ViT-L\/14, FP32, Immich export is downloaded/)).toBeTruthy();
    await waitFor(() => expect(within(row(L14)).getByRole('button', { name: 'Use' })).toBeTruthy());
    expect(within(row(L14)).queryByTestId('download-progress')).toBeNull();
  });

  it('shows why a download failed in its row, and retries it', async () => {
    const { fake, user, row } = await openModels();
    await user.click(within(row(L14)).getByRole('button', { name: 'Download' }));
    act(() =>
      fake.emit('modelPull', {
        state: 'idle',
        id: L14,
        progress: pullProgress({ id: L14, bytesDone: 0 }),
        error: `${L14}: not enough free disk space: downloading needs 1.6 GB, /home has 900 MB`,
        installed: null,
      }),
    );
    const stopped = within(row(L14)).getByRole('alert');
    expect(stopped.textContent).toContain('not enough free disk space');
    await user.click(within(stopped).getByRole('button', { name: 'Retry' }));
    expect(fake.calls('pullModel')).toEqual([[L14], [L14]]);
  });

  it('switches to an installed model and starts re-embedding the library for it', async () => {
    const { fake, user, row } = await openModels();
    await user.click(within(row(B32)).getByRole('button', { name: 'Use' }));
    expect(fake.calls('useModel')).toEqual([[B32]]);
    await waitFor(() => expect(fake.calls('startIndexing')).toEqual([[[]]]));
    expect(
      await screen.findByText(/Now using OpenAI CLIP ViT-B\/32.*re-embeds your 10,000 photos/),
    ).toBeTruthy();
    const facts = screen.getByTestId('model-facts');
    expect(facts.textContent).toContain(modelStateOf(overview().models[2]!).id);
    await waitFor(() => expect(within(row(B32)).getByTestId('model-badges').textContent).toBe('Active'));
  });

  it('removes a model only after confirmation', async () => {
    const { fake, user, row } = await openModels();
    await user.click(within(row(B32)).getByRole('button', { name: 'Remove…' }));
    const dialog = screen.getByRole('alertdialog', {
      name: 'Remove OpenAI CLIP ViT-B/32, FP32, Immich export?',
    });
    expect(dialog.textContent).toContain(
      'This deletes 577 MB from /home/ana/.glimpse/models/ViT-B-32__openai',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(fake.calls('removeModel')).toHaveLength(0);

    await user.click(within(row(B32)).getByRole('button', { name: 'Remove…' }));
    await user.click(screen.getByRole('button', { name: 'Remove model' }));
    expect(fake.calls('removeModel')).toEqual([[B32]]);
    await waitFor(() => expect(within(row(B32)).getByRole('button', { name: 'Download' })).toBeTruthy());
    expect(await screen.findByText('Removed OpenAI CLIP ViT-B/32, FP32, Immich export')).toBeTruthy();
  });

  it('imports a model folder and switches to it', async () => {
    const imported = { ...modelStateOf(overview().models[1]!), id: 'my-export', name: 'My ViT-L export' };
    const { fake, user, panel } = await openModels({
      overrides: { importModelFolder: async () => imported },
    });
    await user.click(within(panel).getByRole('button', { name: 'Import a model folder…' }));
    expect(fake.calls('importModelFolder')).toHaveLength(1);
    await waitFor(() => expect(screen.getByTestId('model-facts').textContent).toContain('My ViT-L export'));
    expect(await screen.findByText(/Now using My ViT-L export/)).toBeTruthy();
  });
});

// @vitest-environment jsdom
import '../../testing/setup';
import { act, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { deferred, installFakeApi } from '../../testing/fakeApi';
import { decodeBoundPipeline, embedderOnCpu, gpuBatch, h100Panel, noGpuPanel } from '../../testing/fixtures';
import type { GpuPanelState } from '../../../shared/types';
import { GpuView } from './GpuView';

describe('the GPU panel', () => {
  it('shows an idle H100 as nvidia-smi reported it', async () => {
    installFakeApi();
    render(<GpuView />);
    const card = await screen.findByRole('article', { name: 'GPU 0: NVIDIA H100 80GB HBM3' });
    expect(within(card).getByText('GPU 0 · driver 580.159.04 · CUDA 13.0')).toBeTruthy();
    expect(within(card).getByText('0%')).toBeTruthy();
    expect(within(card).getByText('0.0 GiB of 79.6 GiB (0 / 81,559 MiB)')).toBeTruthy();
    expect(within(card).getByRole('meter', { name: 'GPU memory used' }).getAttribute('aria-valuemax')).toBe(
      '81559',
    );
    expect(within(card).getByText('44 °C')).toBeTruthy();
    expect(within(card).getByText('108 W of 700 W')).toBeTruthy();
    expect(within(card).getByText('465 MHz of 1,980 MHz')).toBeTruthy();
    expect(screen.getByTestId('precision').textContent).toBe('FP16');
    expect(screen.getByTestId('batch-size').textContent).toBe('64');
    expect(screen.getByTestId('providers-requested').textContent).toBe('CUDA (NVIDIA GPU) → CPU');
    expect(screen.getAllByTestId('provider-why')[0]!.textContent).toBe(
      'Running on CUDA (NVIDIA GPU), the first choice.',
    );
  });

  it('says in one line what decodes photos, or why the GPU does not', async () => {
    const photoDecoder = 'GPU decoding off: the NVIDIA driver did not start (cuInit: CUDA_ERROR_NO_DEVICE)';
    installFakeApi({ overrides: { getGpuPanel: async () => h100Panel({ photoDecoder }) } });
    render(<GpuView />);
    expect((await screen.findByTestId('photo-decoder')).textContent).toBe(photoDecoder);
  });

  it('says why the model fell back to the CPU', async () => {
    installFakeApi({ overrides: { getGpuPanel: async () => h100Panel({ embedder: embedderOnCpu }) } });
    render(<GpuView />);
    const why = await screen.findAllByTestId('provider-why');
    expect(why[0]!.textContent).toBe(
      'CUDA (NVIDIA GPU): CUDA provider missing libcublasLt.so.13 — running on CPU.',
    );
    expect(screen.getByText('Not loaded yet — it loads on first use.')).toBeTruthy();
  });

  it('follows gpuPanel events: live rate, queue, ETA and a growing sparkline', async () => {
    const fake = installFakeApi();
    render(<GpuView />);
    await screen.findByRole('article');
    for (const rate of [180, 205.4]) {
      act(() =>
        fake.emit(
          'gpuPanel',
          h100Panel({ indexing: { imagesPerSecond: rate, queued: 4100, etaSeconds: 20 } }),
        ),
      );
    }
    expect(screen.getByTestId('images-per-second').textContent).toBe('205.4images/s');
    expect(screen.getByTestId('queue-depth').textContent).toBe('4,100');
    expect(screen.getByText('20 s')).toBeTruthy();
    const chart = screen.getByRole('img', { name: 'Images per second over the last two minutes' });
    expect(chart.querySelector('polyline')!.getAttribute('points')!.split(' ')).toHaveLength(3);
  });

  it('keeps an event that arrives before the answer to its first read', async () => {
    const first = deferred<GpuPanelState>();
    const fake = installFakeApi({ overrides: { getGpuPanel: () => first.promise } });
    render(<GpuView />);
    act(() =>
      fake.emit('gpuPanel', h100Panel({ indexing: { imagesPerSecond: 180, queued: 40, etaSeconds: 1 } })),
    );
    await act(async () => first.resolve(h100Panel()));
    expect(screen.getByTestId('images-per-second').textContent).toBe('180.0images/s');
    expect(screen.getByTestId('queue-depth').textContent).toBe('40');
  });

  it('keeps two minutes of samples, no more', async () => {
    const fake = installFakeApi();
    render(<GpuView />);
    await screen.findByRole('article');
    act(() => {
      for (let i = 0; i < 150; i++)
        fake.emit('gpuPanel', h100Panel({ indexing: { imagesPerSecond: i, queued: 0, etaSeconds: null } }));
    });
    const points = screen
      .getByRole('img', { name: /Images per second/ })
      .querySelector('polyline')!
      .getAttribute('points')!;
    expect(points.split(' ')).toHaveLength(120);
  });

  it('names the stage that starves the model and shows the last batches’ stage times', async () => {
    const fake = installFakeApi();
    render(<GpuView />);
    const card = await screen.findByRole('region', { name: 'Pipeline' });
    expect(within(card).getByText(/show here once indexing runs/)).toBeTruthy();
    act(() =>
      fake.emit(
        'gpuPanel',
        h100Panel({
          pipeline: decodeBoundPipeline,
          decoders: { decoded: { cpu: 700, gpu: 68 }, fallbacks: { gpu: { progressive: 32 } } },
        }),
      ),
    );
    expect(within(card).getByTestId('pipeline-limit').textContent).toBe(
      'Decoding limits the run · model busy 3% · 12 batches',
    );
    const columns = within(card).getAllByTestId('batch-column');
    expect(columns).toHaveLength(12);
    expect(columns[0]!.querySelector('title')!.textContent).toBe(
      'Batch 1: 64 photos, model waited 2.2 s (on read), ran 60.0 ms, commit 14.0 ms',
    );
    const wait = within(card).getByTestId('stage-wait');
    expect([...wait.querySelectorAll('td')].map((td) => td.textContent)).toEqual([
      '1.8 s',
      '2.2 s',
      '22.4 s',
    ]);
    expect(within(card).getByTestId('stage-decode').querySelector('td')!.textContent).toBe('30.1 s');
    expect(within(card).getByTestId('decoders').textContent).toBe(
      'Decoded by CPU 700 · GPU 68; handed on: 32 progressive (GPU)',
    );
  });

  it('says the model sets the pace when it never waits, its bars all model time', async () => {
    const fed = {
      ...decodeBoundPipeline,
      embedBusy: 0.97,
      limitedBy: 'embed' as const,
      batches: 1,
      recent: [gpuBatch(0, { waitMs: 0, waitedOn: null })],
    };
    installFakeApi({ overrides: { getGpuPanel: async () => h100Panel({ pipeline: fed }) } });
    render(<GpuView />);
    const limit = await screen.findByTestId('pipeline-limit');
    expect(limit.textContent).toBe('The model sets the pace · model busy 97% · 1 batch');
    expect(screen.getByText(/— the last batch$/)).toBeTruthy();
    const [first] = screen.getAllByTestId('batch-column');
    expect(first!.querySelector('.batch-wait')!.getAttribute('height')).toBe('0');
    expect(Number(first!.querySelector('.batch-run')!.getAttribute('height'))).toBeGreaterThan(60);
    expect(screen.queryByTestId('decoders')).toBeNull();
  });

  it('lists every GPU when there are several', async () => {
    const two = h100Panel();
    two.gpu.gpus.push({ ...two.gpu.gpus[0]!, index: 1, uuid: 'GPU-second' });
    installFakeApi({ overrides: { getGpuPanel: async () => two } });
    render(<GpuView />);
    expect(await screen.findAllByTestId('gpu-card')).toHaveLength(2);
    expect(screen.getByRole('heading', { name: '2 GPUs' })).toBeTruthy();
  });

  it('without an NVIDIA GPU, shows the CPU and the reason', async () => {
    installFakeApi({ overrides: { getGpuPanel: async () => noGpuPanel() } });
    render(<GpuView />);
    const none = await screen.findByTestId('no-gpu');
    expect(none.textContent).toContain('nvidia-smi was not found: no NVIDIA driver is installed');
    expect(screen.getByTestId('cpu-info').textContent).toBe(
      'Running on the CPU: Intel(R) Core(TM) i7-1185G7 @ 3.00GHz, 8 cores.',
    );
    expect(screen.queryByRole('article')).toBeNull();
  });
});

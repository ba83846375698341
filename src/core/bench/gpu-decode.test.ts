import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeGpuDecoder } from '../decode/gpu-addon';
import { addonForTests, buildStubs, removeStubs } from '../decode/testing';
import { VIT_H_14_PREPROCESS } from '../runtime/types';
import { benchDecodeGpu, decoderMix } from './gpu-decode';

const { skip } = addonForTests();

describe('decoderMix', () => {
  it('names the decoders that fed a run; no counts means the CPU did it all', () => {
    expect(decoderMix({ decoded: { gpu: 10 } })).toBe('gpu');
    expect(decoderMix({ decoded: { gpu: 10, cpu: 2 } })).toBe('mixed');
    expect(decoderMix({ decoded: { cpu: 3 } })).toBe('cpu');
    expect(decoderMix(undefined)).toBe('cpu');
  });
});

describe.skipIf(skip)('benchDecodeGpu against the stub libraries', () => {
  const files: string[] = [];
  let dir: string | undefined;
  beforeAll(async () => {
    process.env.GLIMPSE_CUDA_LIBRARY_PATH = buildStubs();
    dir = mkdtempSync(join(tmpdir(), 'glimpse-bench-gpu-'));
    const image = sharp({ create: { width: 320, height: 240, channels: 3, background: '#468' } });
    for (const [name, bytes] of [
      ['a.jpg', await image.clone().jpeg().toBuffer()],
      ['b.jpg', await image.clone().jpeg().toBuffer()],
      ['p.jpg', await image.clone().jpeg({ progressive: true }).toBuffer()],
    ] as const) {
      writeFileSync(join(dir, name), bytes);
      files.push(join(dir, name));
    }
  });
  afterEach(() => {
    closeGpuDecoder();
    delete process.env.GJ_STUB_CUINIT;
  });
  afterAll(() => {
    removeStubs(process.env.GLIMPSE_CUDA_LIBRARY_PATH);
    removeStubs(dir);
    delete process.env.GLIMPSE_CUDA_LIBRARY_PATH;
  });

  it('measures each batch size and counts what it handed to the CPU', async () => {
    const report = await benchDecodeGpu(files, VIT_H_14_PREPROCESS, { batchSizes: [3, 6], seconds: 0.1 });
    expect(report).toMatchObject({ available: true, backend: 'hardware' });
    expect(report.runs.map((r) => r.batchSize)).toEqual([3, 6]);
    for (const run of report.runs) {
      expect(run.images).toBeGreaterThan(0);
      expect(run.imagesPerSecond).toBeGreaterThan(0);
      // One file in three is progressive.
      expect(run.fallbacks.progressive).toBe(run.images / 2);
      expect(run.backends).toEqual({ hardware: run.images, cuda: 0 });
    }
  });

  it('reports the reason instead of a number where the GPU cannot decode', async () => {
    process.env.GJ_STUB_CUINIT = '100';
    expect(await benchDecodeGpu(files, VIT_H_14_PREPROCESS, { seconds: 0.1 })).toEqual({
      available: false,
      summary: 'GPU decoding off: the NVIDIA driver did not start (cuInit: CUDA_ERROR_NO_DEVICE)',
      backend: null,
      runs: [],
    });
  });
});

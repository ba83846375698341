import { describe, expect, it } from 'vitest';
import type { GpuSample, GpuStatus } from '../gpu/nvidia-smi';
import { DEFAULT_MODEL_ID } from '../paths';
import { builtInModelList } from './model-list';
import { recommendModel, suitability } from './recommend';

function gpu(name: string, memoryTotalMiB: number | null): GpuSample {
  return {
    index: 0,
    name,
    uuid: 'GPU-0',
    driverVersion: '580.0',
    utilizationPct: 0,
    memoryUsedMiB: 0,
    memoryTotalMiB,
    temperatureC: null,
    powerDrawW: null,
    powerLimitW: null,
    smClockMHz: null,
    smClockMaxMHz: null,
  };
}
const withGpus = (...gpus: GpuSample[]): GpuStatus => ({ gpus, cudaVersion: '13.0', unavailable: null });
const noGpu: GpuStatus = {
  gpus: [],
  cudaVersion: null,
  unavailable: 'no NVIDIA driver found (nvidia-smi is not installed)',
};

describe('recommending a model for this machine', () => {
  it('gives a GPU with enough memory ViT-H/14', () => {
    const r = recommendModel(withGpus(gpu('NVIDIA H100 80GB HBM3', 81559)), builtInModelList());
    expect(r.id).toBe(DEFAULT_MODEL_ID);
    expect(r.gpu).toEqual({ index: 0, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 });
    expect(r.reason).toMatch(/NVIDIA H100 80GB HBM3 has 79\.6 GiB; it needs 6 GiB/);
  });

  it('gives a small GPU the mid-sized model, and the largest of several GPUs decides', () => {
    expect(recommendModel(withGpus(gpu('GeForce GTX 1650', 4096)), builtInModelList()).id).toBe(
      'ViT-L-14__openai',
    );
    expect(recommendModel(withGpus(gpu('small', 2048), gpu('big', 24576)), builtInModelList()).id).toBe(
      DEFAULT_MODEL_ID,
    );
  });

  it('gives a machine without a usable GPU the CPU model, saying why', () => {
    const r = recommendModel(noGpu, builtInModelList());
    expect(r).toMatchObject({ id: 'ViT-B-32__openai', gpu: null });
    expect(r.reason).toMatch(/no NVIDIA driver found .*runs well on the CPU/);
    expect(recommendModel(withGpus(gpu('tiny', 1024)), builtInModelList()).id).toBe('ViT-B-32__openai');
    expect(recommendModel(withGpus(gpu('unknown memory', null)), builtInModelList()).id).toBe(
      'ViT-B-32__openai',
    );
  });

  it('says whether each model suits the machine', () => {
    const vitH = builtInModelList().models.find((m) => m.id === DEFAULT_MODEL_ID)!;
    expect(suitability(vitH, noGpu).suits).toBe(false);
    expect(suitability(vitH, withGpus(gpu('GeForce GTX 1650', 4096)))).toEqual({
      suits: false,
      why: 'needs 6 GiB of GPU memory; GeForce GTX 1650 has 4 GiB',
    });
  });
});

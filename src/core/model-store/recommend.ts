// Which listed model suits this machine: a GPU with enough memory gets ViT-H/14, anything else a
// smaller model. The CLI's `model list` and the app's first run use this one rule.
import type { GpuSample, GpuStatus } from '../gpu/nvidia-smi';
import type { ModelList, ModelListEntry } from './model-list';
import type { Recommendation } from '../../shared/types';

interface Suitability {
  suits: boolean;
  why: string;
}

const gib = (mib: number) => `${Math.round((mib / 1024) * 10) / 10} GiB`;

/** The GPU with the most memory; GPUs that do not report memory cannot be judged and are passed over. */
function largestGpu(status: GpuStatus): (GpuSample & { memoryTotalMiB: number }) | null {
  let best: (GpuSample & { memoryTotalMiB: number }) | null = null;
  for (const g of status.gpus) {
    if (g.memoryTotalMiB === null) continue;
    if (!best || g.memoryTotalMiB > best.memoryTotalMiB) best = { ...g, memoryTotalMiB: g.memoryTotalMiB };
  }
  return best;
}

/** Whether `entry` runs well here: models that need a GPU need one with their minimum memory. */
export function suitability(entry: ModelListEntry, status: GpuStatus): Suitability {
  const gpu = largestGpu(status);
  if (!entry.hardware.needsGpu)
    return {
      suits: true,
      why: gpu ? `runs on any machine (${gpu.name} makes it faster)` : 'runs well on the CPU',
    };
  const min = entry.hardware.minGpuMemoryMiB ?? 0;
  if (!gpu) {
    const none = status.unavailable ?? 'no NVIDIA GPU with known memory';
    return { suits: false, why: `needs ${entry.hardware.summary}; ${none}` };
  }
  if (gpu.memoryTotalMiB >= min)
    return { suits: true, why: `${gpu.name} has ${gib(gpu.memoryTotalMiB)}; it needs ${gib(min)}` };
  return { suits: false, why: `needs ${gib(min)} of GPU memory; ${gpu.name} has ${gib(gpu.memoryTotalMiB)}` };
}

/** The first model in the model list's recommendOrder that suits this machine (the last always does). */
export function recommendModel(status: GpuStatus, modelList: ModelList): Recommendation {
  const gpu = largestGpu(status);
  const gpuInfo = gpu ? { index: gpu.index, name: gpu.name, memoryMiB: gpu.memoryTotalMiB } : null;
  for (const id of modelList.recommendOrder) {
    const entry = modelList.models.find((m) => m.id === id)!;
    const fit = suitability(entry, status);
    if (!fit.suits) continue;
    const reason = entry.hardware.needsGpu
      ? `${entry.name}: ${fit.why}`
      : `${entry.name}: ${gpu ? `no GPU with enough memory for a larger model (${gpu.name}, ${gib(gpu.memoryTotalMiB)})` : (status.unavailable ?? 'no NVIDIA GPU seen')}, and it runs well on the CPU`;
    return { id, reason, gpu: entry.hardware.needsGpu ? gpuInfo : null };
  }
  // parseModelList guarantees the last entry needs no GPU, so the loop always returns.
  throw new Error('the model list has no model that suits a machine without a GPU');
}

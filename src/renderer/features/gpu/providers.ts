// Execution providers in words, and why a model tower runs where it runs: the panel's most important
// sentence when a GPU sits idle.
import type { ProviderName, TowerInfo } from '../../../shared/types';

export const PROVIDER_LABELS: Record<ProviderName, string> = {
  cuda: 'CUDA (NVIDIA GPU)',
  dml: 'DirectML',
  coreml: 'Core ML',
  webgpu: 'WebGPU',
  cpu: 'CPU',
};

/** "CUDA provider missing libcublasLt.so.13 — running on CPU", or that the first choice is in use. */
export function explainTower(tower: TowerInfo): string {
  const first = tower.requested[0];
  if (tower.active === first || tower.fallbacks.length === 0) {
    return `Running on ${PROVIDER_LABELS[tower.active]}${tower.active === first ? ', the first choice' : ''}.`;
  }
  const why = tower.fallbacks.map((f) => `${PROVIDER_LABELS[f.provider]}: ${f.reason}`).join('; ');
  return `${why} — running on ${PROVIDER_LABELS[tower.active]}.`;
}

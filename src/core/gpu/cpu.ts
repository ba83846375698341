// The CPU facts the GPU panel shows when there is no NVIDIA GPU (or beside it).
import { cpus } from 'node:os';

export function cpuInfo(): { model: string; cores: number } {
  return { model: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length };
}

// Parses what `nvidia-smi --query-gpu=… --format=csv,noheader,nounits` prints, field by field; pure
// string work, shared by the engine's poller and the renderer's tests of captured real output.
import type { GpuSample } from './types';

/** Fields asked of `nvidia-smi --query-gpu`, in this order. */
export const GPU_QUERY_FIELDS = [
  'index',
  'name',
  'uuid',
  'driver_version',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'clocks.sm',
  'clocks.max.sm',
] as const;

/** "[N/A]", "[Not Supported]" and empty fields mean the value is not known. */
function num(field: string | undefined): number | null {
  if (field === undefined) return null;
  const v = Number.parseFloat(field);
  return Number.isFinite(v) ? v : null;
}

/** Parses `--format=csv,noheader,nounits` output of the GPU_QUERY_FIELDS query, one GPU a line. */
export function parseGpuQuery(csv: string): GpuSample[] {
  return csv
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line, i) => {
      const f = line.split(',').map((s) => s.trim());
      if (f.length < GPU_QUERY_FIELDS.length) {
        throw new Error(
          `nvidia-smi line ${i + 1} has ${f.length} fields, expected ${GPU_QUERY_FIELDS.length}: ${line}`,
        );
      }
      return {
        index: num(f[0]) ?? i,
        name: f[1]!,
        uuid: f[2]!,
        driverVersion: f[3]!,
        utilizationPct: num(f[4]),
        memoryUsedMiB: num(f[5]),
        memoryTotalMiB: num(f[6]),
        temperatureC: num(f[7]),
        powerDrawW: num(f[8]),
        powerLimitW: num(f[9]),
        smClockMHz: num(f[10]),
        smClockMaxMHz: num(f[11]),
      };
    });
}

/** The CUDA version in nvidia-smi's banner or `--version` output ("CUDA Version: 13.0"). */
export function parseCudaVersion(text: string): string | null {
  return text.match(/CUDA Version\s*:\s*([\d.]+)/i)?.[1] ?? null;
}

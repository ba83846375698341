// Reads NVIDIA GPU state from `nvidia-smi` (no native dependency): a parser for its CSV query output
// and a runner that says in words why no GPU was seen.
import { execFile } from 'node:child_process';
import type { GpuSample, GpuStatus } from '../../shared/types';
export type { GpuSample, GpuStatus };

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

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr }));
      else resolve(stdout);
    });
  });
}

/** nvidia-smi answers in ~50 ms; a hung driver must not stall the caller's 1 s polling. */
const NVIDIA_SMI_TIMEOUT_MS = 3000;

let cudaVersionCache: string | null | undefined;

export async function readGpuStatus(command = 'nvidia-smi'): Promise<GpuStatus> {
  try {
    const csv = await run(
      command,
      [`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'],
      NVIDIA_SMI_TIMEOUT_MS,
    );
    if (cudaVersionCache === undefined) {
      cudaVersionCache = await run(command, ['--version'], NVIDIA_SMI_TIMEOUT_MS).then(
        parseCudaVersion,
        () => null,
      );
    }
    const gpus = parseGpuQuery(csv);
    return {
      gpus,
      cudaVersion: cudaVersionCache,
      unavailable: gpus.length ? null : 'nvidia-smi lists no GPU',
    };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string; killed?: boolean };
    const why =
      err.code === 'ENOENT'
        ? 'no NVIDIA driver found (nvidia-smi is not installed)'
        : err.killed
          ? `nvidia-smi did not answer within ${NVIDIA_SMI_TIMEOUT_MS / 1000} s`
          : `nvidia-smi failed: ${(err.stderr || err.message).trim().split('\n')[0]}`;
    return { gpus: [], cudaVersion: null, unavailable: why };
  }
}

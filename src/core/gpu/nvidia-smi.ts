// Reads NVIDIA GPU state from `nvidia-smi` (no native dependency), saying in words why no GPU was seen.
// The CSV parsing is in src/shared (the renderer's tests parse real captures with it too).
import { execFile } from 'node:child_process';
import { GPU_QUERY_FIELDS, parseCudaVersion, parseGpuQuery } from '../../shared/nvidia-smi-csv';
import type { GpuSample, GpuStatus } from '../../shared/types';
export type { GpuSample, GpuStatus };
export { parseCudaVersion, parseGpuQuery };

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

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCudaVersion, parseGpuQuery, readGpuStatus } from './nvidia-smi';

// Captured on the lent H100 host (2026-11-27) with the exact query Glimpse runs (tools/gpu/host-1.sh, now tools/gpu/host.sh).
const H100_IDLE = readFileSync('test/fixtures/nvidia-smi/h100-80gb-hbm3-idle.csv', 'utf8');
const H100_BANNER = readFileSync('test/fixtures/nvidia-smi/h100-80gb-hbm3-banner.txt', 'utf8');

const hasNvidiaSmi = (() => {
  try {
    execFileSync('nvidia-smi', ['-L'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('parsing nvidia-smi', () => {
  it('reads a real H100', () => {
    expect(parseGpuQuery(H100_IDLE)).toEqual([
      {
        index: 0,
        name: 'NVIDIA H100 80GB HBM3',
        uuid: 'GPU-503f090b-e1d4-de03-cd95-bd1bba607af2',
        driverVersion: '580.159.04',
        utilizationPct: 0,
        memoryUsedMiB: 0,
        memoryTotalMiB: 81559,
        temperatureC: 44,
        powerDrawW: 108.1,
        powerLimitW: 700,
        smClockMHz: 465,
        smClockMaxMHz: 1980,
      },
    ]);
    expect(parseCudaVersion(H100_BANNER)).toBe('13.0');
  });

  it('lists several GPUs and turns [N/A] and [Not Supported] into unknowns', () => {
    // The second line is written by hand (no A100 capture exists yet), in nvidia-smi's format.
    const csv = `${H100_IDLE.trim()}\r\n1, NVIDIA A100-SXM4-40GB, GPU-1, 535.104.05, [N/A], 1024, 40960, 38, [Not Supported], 400.00, 1410, 1410\n\n`;
    const gpus = parseGpuQuery(csv);
    expect(gpus.map((g) => g.name)).toEqual(['NVIDIA H100 80GB HBM3', 'NVIDIA A100-SXM4-40GB']);
    expect(gpus[1]).toMatchObject({
      index: 1,
      utilizationPct: null,
      powerDrawW: null,
      memoryTotalMiB: 40960,
    });
  });

  it('names a line with too few fields', () => {
    expect(() => parseGpuQuery('0, NVIDIA H100')).toThrow(/nvidia-smi line 1 has 2 fields, expected 12/);
  });
});

describe('running nvidia-smi', () => {
  it.runIf(hasNvidiaSmi)('reads the GPUs of this machine', async () => {
    const status = await readGpuStatus();
    expect(status.unavailable).toBeNull();
    expect(status.gpus.length).toBeGreaterThan(0);
  });

  it.skipIf(hasNvidiaSmi)('says why there is no GPU where nvidia-smi is missing', async () => {
    expect(await readGpuStatus()).toEqual({
      gpus: [],
      cudaVersion: null,
      unavailable: 'no NVIDIA driver found (nvidia-smi is not installed)',
    });
  });

  it('runs the command given, and reports its failure in its own words', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-smi-'));
    const fake = join(dir, 'nvidia-smi');
    writeFileSync(
      fake,
      `#!/bin/sh\ncase "$1" in --version) echo "CUDA Version : 13.0";; *) cat '${join(process.cwd(), 'test/fixtures/nvidia-smi/h100-80gb-hbm3-idle.csv')}';; esac\n`,
    );
    chmodSync(fake, 0o755);
    const status = await readGpuStatus(fake);
    expect(status.gpus[0]?.name).toBe('NVIDIA H100 80GB HBM3');
    const broken = join(dir, 'broken-smi');
    writeFileSync(
      broken,
      '#!/bin/sh\necho "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver." >&2\nexit 9\n',
    );
    chmodSync(broken, 0o755);
    expect((await readGpuStatus(broken)).unavailable).toMatch(
      /^nvidia-smi failed: NVIDIA-SMI has failed because it couldn't communicate/,
    );
  });
});

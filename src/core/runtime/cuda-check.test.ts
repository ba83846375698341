import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnoseCudaProvider } from './cuda-check';

const scratch = mkdtempSync(join(tmpdir(), 'glimpse-cuda-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const hasCompiler = (() => {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A stand-in onnxruntime-node library folder whose CUDA provider is a real shared library that links
 *  against `needs` (built here, then the dependency removed so the loader cannot find it). */
function stubProviderDir(name: string, needs: string | null): string {
  const dir = join(scratch, name);
  const deps = join(scratch, `${name}-deps`);
  mkdirSync(dir);
  mkdirSync(deps);
  writeFileSync(join(scratch, 'stub.c'), 'int glimpse_stub(void) { return 0; }\n');
  const link: string[] = [];
  if (needs) {
    execFileSync('cc', [
      '-shared',
      '-fPIC',
      `-Wl,-soname,${needs}`,
      '-o',
      join(deps, needs),
      join(scratch, 'stub.c'),
    ]);
    link.push(`-L${deps}`, '-Wl,--no-as-needed', `-l:${needs}`);
  }
  const provider = join(dir, 'libonnxruntime_providers_cuda.so');
  execFileSync('cc', ['-shared', '-fPIC', '-o', provider, join(scratch, 'stub.c'), ...link]);
  rmSync(deps, { recursive: true });
  return dir;
}

describe.runIf(process.platform === 'linux')('finding out why CUDA would not load', () => {
  it('says the provider is not installed where onnxruntime-node has no CUDA library (this machine)', () => {
    expect(diagnoseCudaProvider()).toMatch(/^CUDA provider is not installed .*npm run setup:gpu/);
    expect(diagnoseCudaProvider(join(scratch, 'nowhere'))).toMatch(/^CUDA provider is not installed/);
  });

  it.runIf(hasCompiler)('names the CUDA library the provider links against that is missing', () => {
    const dir = stubProviderDir('missing', 'libcublasLt.so.13');
    expect(diagnoseCudaProvider(dir)).toBe(
      'CUDA provider missing libcublasLt.so.13 (install CUDA and cuDNN, or add them to LD_LIBRARY_PATH)',
    );
  });

  it.runIf(hasCompiler)('finds nothing wrong with a provider whose libraries all resolve', () => {
    expect(diagnoseCudaProvider(stubProviderDir('complete', null))).toBeNull();
  });
});

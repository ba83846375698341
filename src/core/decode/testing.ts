// For tests: the built addon, or the reason it may be absent here, and stub CUDA/nvJPEG libraries
// compiled from addons/gpu-jpeg/stubs into a temporary folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addonSkipReason, loadGpuJpegAddon, type GpuJpegAddon } from './gpu-addon';

const STUBS = join(import.meta.dirname, '../../../addons/gpu-jpeg/stubs');

/** The addon, or why a test may skip: postinstall recorded a cause, or (outside CI) it was never built.
 *  In CI an addon that is neither built nor skipped for a stated cause is an error. */
export function addonForTests(): { addon: GpuJpegAddon; skip: null } | { addon: null; skip: string } {
  const { addon, reason } = loadGpuJpegAddon();
  if (addon) return { addon, skip: null };
  const skipped = addonSkipReason();
  if (process.env.CI && !skipped)
    throw new Error(`the GPU JPEG addon should have been built by npm ci: ${reason}`);
  const skip = skipped ? `postinstall skipped the addon: ${skipped}` : `${reason}; CI builds it`;
  // vitest shows a skipped suite without its reason; this line says it.
  console.warn(`GPU JPEG addon tests skipped: ${skip}`);
  return { addon: null, skip };
}

/** Deletes a stub folder; the libraries stay mapped in this process after their files go. */
export function removeStubs(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Compiles the stub libcuda.so.1 and libnvjpeg.so.13 (`which` picks) into a new folder. */
export function buildStubs(which: Array<'cuda' | 'nvjpeg'> = ['cuda', 'nvjpeg']): string {
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-gpu-stubs-'));
  const targets: Record<string, [string, string]> = {
    cuda: ['stub-cuda.c', 'libcuda.so.1'],
    nvjpeg: ['stub-nvjpeg.c', 'libnvjpeg.so.13'],
  };
  for (const name of which) {
    const [source, library] = targets[name]!;
    execFileSync('cc', ['-shared', '-fPIC', '-O1', '-o', join(dir, library), join(STUBS, source)]);
  }
  return dir;
}

// Finds out why onnxruntime-node's CUDA provider would not load: onnxruntime only says "Failed to load
// shared library" to JavaScript and prints the real cause to stderr, so we look for ourselves.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Folder holding onnxruntime-node's native libraries for this platform. */
function ortBinaryDir(): string | null {
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    return join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return null;
  }
}

/** Shared libraries the dynamic loader cannot find for `lib` (Linux, via ldd). */
function missingLibraries(lib: string): string[] {
  try {
    const out = execFileSync('ldd', [lib], { encoding: 'utf8', timeout: 10_000 });
    return [...out.matchAll(/^\s*(\S+)\s+=>\s+not found/gm)].map((m) => m[1]!);
  } catch {
    return [];
  }
}

/** A plain-words reason the CUDA provider cannot load, or null when nothing obvious is wrong.
 *  `dir` is the folder of onnxruntime-node's native libraries (a stand-in in tests). */
export function diagnoseCudaProvider(dir: string | null = ortBinaryDir()): string | null {
  if (process.platform !== 'linux' && process.platform !== 'win32') {
    return `CUDA is not offered by onnxruntime-node on ${process.platform}`;
  }
  if (!dir) return 'onnxruntime-node is not installed';
  const provider = join(
    dir,
    process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so',
  );
  if (!existsSync(provider)) {
    return 'CUDA provider is not installed (onnxruntime-node ships it separately: run `npm run setup:gpu` online)';
  }
  if (process.platform !== 'linux') return null;
  const missing = missingLibraries(provider);
  if (missing.length)
    return `CUDA provider missing ${missing.join(', ')} (install CUDA and cuDNN, or add them to LD_LIBRARY_PATH)`;
  return null;
}

// Execution providers as an ordered preference list, and the plain-words reason a provider was
// passed over — what `glimpse doctor` and the GPU panel show.
import type { ProviderFallback } from '../../shared/types';
export type { ProviderFallback };

/** Providers onnxruntime-node can be asked for. */
export const PROVIDERS = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

function isProviderName(value: string): value is ProviderName {
  return (PROVIDERS as readonly string[]).includes(value);
}

/** CUDA first where onnxruntime-node can have it (its install fetches the CUDA provider on linux-x64;
 *  Windows builds carry DirectML), then the CPU, which always works. */
export function defaultProviders(platform: NodeJS.Platform = process.platform): ProviderName[] {
  if (platform === 'win32') return ['cuda', 'dml', 'cpu'];
  if (platform === 'linux') return ['cuda', 'cpu'];
  return ['cpu'];
}

/** Parses "cuda,cpu" (the --providers option / GLIMPSE_PROVIDERS), rejecting unknown names by name. */
export function parseProviders(text: string): ProviderName[] {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) throw new Error('the provider list is empty (expected e.g. "cuda,cpu")');
  for (const name of names) {
    if (!isProviderName(name))
      throw new Error(`unknown execution provider "${name}" (known: ${PROVIDERS.join(', ')})`);
  }
  return [...new Set(names)] as ProviderName[];
}

/**
 * Turns onnxruntime's long session-creation error into the line a user needs, e.g.
 * "CUDA provider missing libcublasLt.so.13". The full message stays in the log.
 */
export function explainProviderError(provider: ProviderName, message: string): string {
  const label = provider === 'cuda' ? 'CUDA provider' : `${provider} provider`;
  // The library named right before the loader's complaint is the one missing (the provider itself, or
  // one of the CUDA libraries it links against).
  const missingLib =
    message.match(/([\w.+-]+\.so[\w.]*)\s*:\s*cannot open shared object file/) ??
    message.match(/([\w.+-]+\.(?:dll|dylib))[^\n]*?(?:not found|could not be found|no such file)/i);
  if (missingLib) {
    const lib = missingLib[1]!;
    if (/onnxruntime_providers_(cuda|shared)/.test(lib)) {
      return `${label} is not installed (${lib} missing: run \`npm run setup:gpu\` online)`;
    }
    return `${label} missing ${lib}`;
  }
  if (
    /no CUDA-capable device|CUDA driver version is insufficient|cudaErrorNoDevice|CUDA failure 100/i.test(
      message,
    )
  ) {
    return `${label}: no usable NVIDIA GPU or driver (${firstLine(message)})`;
  }
  if (/not supported|unsupported|not available|backend not found/i.test(message)) {
    return `${label} is not available in this onnxruntime-node build`;
  }
  return `${label} failed: ${firstLine(message)}`;
}

function firstLine(message: string): string {
  const line = message.split('\n').find((l) => l.trim()) ?? message;
  return line.trim().slice(0, 240);
}

// Opens an onnxruntime session on the first provider of a preference list that loads it, recording in
// words why each earlier one was passed over: the towers and the install-time self-check share it, so a
// bundle is checked on the provider it will run on.
import * as ort from 'onnxruntime-node';
import { diagnoseCudaProvider } from './cuda-check';
import { explainProviderError, type ProviderFallback, type ProviderName } from './providers';

export interface OpenedSession {
  session: ort.InferenceSession;
  active: ProviderName;
  fallbacks: ProviderFallback[];
}

export class NoProviderError extends Error {
  constructor(
    file: string,
    readonly fallbacks: ProviderFallback[],
  ) {
    super(
      `${file}: no execution provider could load it` +
        (fallbacks.length ? ` (${fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ')})` : ''),
    );
    this.name = 'NoProviderError';
  }
}

export async function openSession(
  file: string,
  providers: readonly ProviderName[],
  optionsFor: (provider: ProviderName) => ort.InferenceSession.SessionOptions,
  /** Why CUDA cannot load, or null; a stand-in in tests. */
  diagnoseCuda: () => string | null = diagnoseCudaProvider,
): Promise<OpenedSession> {
  const fallbacks: ProviderFallback[] = [];
  for (const provider of providers) {
    if (provider === 'cuda') {
      // Ask first: a missing provider library is cheap to detect and onnxruntime's own error says little.
      const why = diagnoseCuda();
      if (why) {
        fallbacks.push({ provider, reason: why });
        continue;
      }
    }
    try {
      const session = await ort.InferenceSession.create(file, optionsFor(provider));
      return { session, active: provider, fallbacks };
    } catch (e) {
      fallbacks.push({ provider, reason: explainProviderError(provider, (e as Error).message) });
    }
  }
  throw new NoProviderError(file, fallbacks);
}

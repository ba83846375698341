// The one place that decides onnxruntime's session options for each execution provider, so every
// session (the towers, the GPU bench) is created the same way and one test can check them all.
import type { InferenceSession } from 'onnxruntime-node';
import type { ProviderName } from './providers';

/** Providers whose work happens off the CPU: their sessions only launch kernels. */
const DEVICE_PROVIDERS: ReadonlySet<ProviderName> = new Set(['cuda', 'dml', 'coreml', 'webgpu']);

interface SessionOptionsRequest {
  provider: ProviderName;
  /** GPU index for CUDA / DirectML. */
  deviceId?: number;
  /** Intra-op threads for a CPU session; 0 lets onnxruntime choose (one per physical core). */
  cpuThreads: number;
  /** onnxruntime's own log level for this session: 0 verbose … 3 error, 4 fatal only. Default: 2 on a
   *  device, so onnxruntime's load-time warnings (nodes not on the device, memory copies added) reach
   *  stderr; 4 on the CPU, where our errors reach the caller as exceptions with an explanation. */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /** Where onnxruntime writes the graph as optimised for this provider (read by graph-placement.ts). */
  optimizedModelFilePath?: string;
  /** Turns on onnxruntime's profiler; its JSON trace is written under this path prefix. */
  profileFilePrefix?: string;
}

export function isDeviceProvider(provider: ProviderName): boolean {
  return DEVICE_PROVIDERS.has(provider);
}

function providerConfig(provider: ProviderName, deviceId: number): InferenceSession.ExecutionProviderConfig {
  return provider === 'cuda' || provider === 'dml' ? { name: provider, deviceId } : provider;
}

/**
 * Full session options for one provider. Every field is a concrete value of the type onnxruntime-node
 * checks (it rejects e.g. `intraOpNumThreads: undefined` with "must be a number", which once sent every
 * CUDA user to the CPU). Threads never spin-wait: a spinning pool burns the cores that decode images.
 */
export function sessionOptions(req: SessionOptionsRequest): InferenceSession.SessionOptions {
  if (!Number.isInteger(req.cpuThreads) || req.cpuThreads < 0)
    throw new RangeError(`cpuThreads must be a whole number ≥ 0, got ${req.cpuThreads}`);
  const device = isDeviceProvider(req.provider);
  const options: InferenceSession.SessionOptions = {
    executionProviders: [providerConfig(req.provider, req.deviceId ?? 0)],
    graphOptimizationLevel: 'all',
    // A device session's CPU threads only place the few nodes the device cannot run; one is plenty.
    intraOpNumThreads: device ? 1 : req.cpuThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: req.logSeverityLevel ?? (device ? 2 : 4),
    // The Node binding flattens nested keys with dots: session.intra_op.allow_spinning, … (values must
    // be strings), the config keys of onnxruntime_session_options_config_keys.h.
    extra: {
      session: {
        intra_op: { allow_spinning: '0' },
        inter_op: { allow_spinning: '0' },
      },
    },
  };
  // DirectML cannot run with memory patterns (onnxruntime's DML documentation says to turn them off).
  if (req.provider === 'dml') options.enableMemPattern = false;
  if (req.optimizedModelFilePath) options.optimizedModelFilePath = req.optimizedModelFilePath;
  if (req.profileFilePrefix) {
    options.enableProfiling = true;
    options.profileFilePrefix = req.profileFilePrefix;
  }
  return options;
}

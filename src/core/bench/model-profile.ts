// Profiles the image model on its own with onnxruntime's profiler: which ops take the time at the
// production batch, warm-up runs left out, for `glimpse bench gpu --profile`.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { GraphPlacement, OpTime } from '../../shared/types';
import {
  graphPlacement,
  meanRunMs,
  ortProviderName,
  parseTrace,
  topOps,
  withoutFirstRuns,
} from '../runtime/ort-profile';
import type { ProviderName } from '../runtime/providers';
import { sessionOptions } from '../runtime/session-options';
import type { ModelBundle } from '../runtime/types';

export interface ModelProfile {
  provider: ProviderName;
  batchSize: number;
  /** Runs profiled after the warm-up runs, which are left out of every figure here. */
  runs: number;
  warmupRuns: number;
  /** Mean of onnxruntime's own run time (graph execution only, no JavaScript). */
  msPerRun: number | null;
  placement: GraphPlacement;
  topOps: OpTime[];
}

export async function profileModel(
  bundle: ModelBundle,
  opts: {
    provider: ProviderName;
    deviceId?: number;
    cpuThreads: number;
    batchSize: number;
    runs: number;
    warmupRuns?: number;
  },
): Promise<ModelProfile> {
  const warmupRuns = opts.warmupRuns ?? 3;
  const dir = await mkdtemp(join(tmpdir(), 'glimpse-bench-profile-'));
  try {
    const session = await ort.InferenceSession.create(
      bundle.visual.file,
      sessionOptions({
        provider: opts.provider,
        deviceId: opts.deviceId,
        cpuThreads: opts.cpuThreads,
        profileFilePrefix: join(dir, 'visual'),
      }),
    );
    try {
      const s = bundle.preprocess.imageSize;
      const rows = bundle.visual.dynamicBatch ? opts.batchSize : 1;
      const n = rows * 3 * s * s;
      const data = bundle.visual.dtype === 'float16' ? new Uint16Array(n) : new Float32Array(n);
      const feeds = { [bundle.visual.input]: new ort.Tensor(bundle.visual.dtype, data, [rows, 3, s, s]) };
      for (let i = 0; i < warmupRuns + opts.runs; i++) {
        const out = await session.run(feeds);
        for (const t of Object.values(out)) t.dispose();
      }
      session.endProfiling();
    } finally {
      await session.release();
    }
    const file = (await readdir(dir)).find((f) => f.endsWith('.json'));
    if (!file) throw new Error(`onnxruntime wrote no profile into ${dir}`);
    const events = parseTrace(await readFile(join(dir, file), 'utf8'), join(dir, file));
    return {
      provider: opts.provider,
      batchSize: opts.batchSize,
      runs: opts.runs,
      warmupRuns,
      msPerRun: meanRunMs(events, warmupRuns),
      placement: graphPlacement(events, ortProviderName(opts.provider)),
      topOps: topOps(withoutFirstRuns(events, warmupRuns), 12),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

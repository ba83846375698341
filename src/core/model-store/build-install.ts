// The last steps of pulling a model that is published as a checkpoint: build the bundle from the downloaded
// .safetensors, self-check it, install it atomically, and delete the checkpoint (or keep it, if asked).
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildSpec } from './model-list';
import { ensureFreeSpace, type StatfsFn } from './disk';
import { ModelDownloadError } from './errors';
import { commitInstall, PARTIAL_DIR, type InstalledModel } from './install';
import type { PullMeter } from './progress';
import { buildFromCheckpoint, openCheckpoint } from './build/build-bundle';
import { CheckpointError } from './build/safetensors';
import { checkedOn, selfCheck, type SelfCheckOptions, type SelfCheckReport } from './build/self-check';

/** Downloaded checkpoints kept with --keep-checkpoint, one folder per model id. */
const CHECKPOINTS_DIR = '.checkpoints';

interface BuildInstallArgs {
  id: string;
  name?: string;
  build: BuildSpec;
  /** The folder the checkpoint was downloaded into (.partial/<id>). */
  partial: string;
  modelsDir: string;
  sourceLabel: string;
  meter: PullMeter;
  replace?: boolean;
  keepCheckpoint?: boolean;
  statfs?: StatfsFn;
  /** The providers (and device) the app will use, for the self-check. */
  check?: SelfCheckOptions;
  /** Told where the self-check ran and what it found (for the log). */
  onNote?: (note: string) => void;
}

interface BuildInstallResult {
  model: InstalledModel;
  /** Where the checkpoint was kept, or null when it was deleted. */
  checkpoint: string | null;
  selfCheck: SelfCheckReport;
}

/** Bytes of the bundle a checkpoint builds into: float16 halves a float32 checkpoint's weights. */
export function bundleSizeEstimate(checkpointBytes: number, dtype: BuildSpec['dtype']): number {
  return Math.ceil(dtype === 'float16' ? checkpointBytes / 2 : checkpointBytes) + 8 * 1024 * 1024;
}

export async function buildAndInstall(a: BuildInstallArgs): Promise<BuildInstallResult> {
  const checkpoint = join(a.partial, a.build.checkpoint);
  const checkpointBytes = (await stat(checkpoint)).size;
  await ensureFreeSpace(
    a.modelsDir,
    bundleSizeEstimate(checkpointBytes, a.build.dtype),
    `building ${a.id}`,
    a.statfs,
  );
  const staging = join(a.modelsDir, PARTIAL_DIR, `${a.id}.bundle`);
  await rm(staging, { recursive: true, force: true });
  const state = a.meter.state;
  try {
    a.meter.phase('building', a.build.checkpoint);
    const built = await buildFromCheckpoint(checkpoint, {
      out: staging,
      dtype: a.build.dtype,
      activation: a.build.activation,
      id: a.id,
      name: a.name,
      onProgress: (p) => {
        Object.assign(state, { bytesDone: p.bytesDone, bytesTotal: p.bytesTotal });
        a.meter.emit();
      },
    });
    a.meter.phase('verifying', null);
    const { source } = await openCheckpoint(checkpoint, { activation: built.arch.activation });
    let check: SelfCheckReport;
    try {
      check = await selfCheck(staging, source, a.check);
    } finally {
      await source.close();
    }
    a.onNote?.(`self-check passed on ${checkedOn(check)} in ${check.seconds.toFixed(1)} s`);
    const files = await Promise.all(
      [
        'model.json',
        'visual.onnx',
        'visual.onnx.data',
        'textual.onnx',
        'textual.onnx.data',
        'tokenizer.json',
      ].map(async (path) => ({ path, size: (await stat(join(staging, path))).size, sha256: null })),
    );
    a.meter.phase('installing', null);
    const model = await commitInstall(staging, a.modelsDir, a.id, {
      replace: a.replace,
      record: { source: `${a.sourceLabel} (built from ${a.build.checkpoint}, ${a.build.dtype})`, files },
    });
    let kept: string | null = null;
    if (a.keepCheckpoint) {
      const dir = join(a.modelsDir, CHECKPOINTS_DIR, a.id);
      await mkdir(dir, { recursive: true });
      kept = join(dir, a.build.checkpoint.split('/').pop()!);
      await rename(checkpoint, kept);
    }
    await rm(a.partial, { recursive: true, force: true });
    return { model, checkpoint: kept, selfCheck: check };
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    if (e instanceof CheckpointError) {
      // The verified download is not a usable checkpoint: no later attempt can use these bytes.
      await rm(a.partial, { recursive: true, force: true });
      throw new ModelDownloadError('BAD_SOURCE', `${a.sourceLabel}: ${e.message}`, {
        file: a.build.checkpoint,
      });
    }
    throw e;
  }
}

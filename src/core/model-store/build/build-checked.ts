// Build, self-check, then move into place: a bundle folder appears at `out` only once it has passed, and a
// failure at any step leaves nothing behind (the build happens in a staging folder beside `out`).
import { existsSync, readdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { PRESETS, type Activation } from './architecture';
import {
  buildFromCheckpoint,
  buildRandom,
  openCheckpoint,
  type BuildProgress,
  type BuildResult,
} from './build-bundle';
import { selfCheck, type SelfCheckOptions, type SelfCheckReport } from './self-check';
import { RandomSource } from './source';
import type { BuildDtype } from './tower-graph';

export type BuildInput = { checkpoint: string } | { random: string; seed?: number };

interface CheckedBuildOptions {
  out: string;
  dtype: BuildDtype;
  id?: string;
  name?: string;
  activation?: Activation;
  headDim?: number;
  /** Default: true for checkpoints, false for random twins (they are for timing, and ViT-H costs seconds). */
  selfCheck?: boolean;
  onProgress?: (p: BuildProgress) => void;
  /** Called when the self-check starts, so callers can say why nothing moves for a few seconds. */
  onCheck?: () => void;
  /** The providers (and device) the self-check runs on: those the app will use. */
  check?: SelfCheckOptions;
}

interface CheckedBuild {
  result: BuildResult;
  check: SelfCheckReport | null;
}

export async function buildChecked(input: BuildInput, opts: CheckedBuildOptions): Promise<CheckedBuild> {
  const out = resolve(opts.out);
  // An empty folder is fine (scripts often make it first); anything in it could be someone's files.
  if (existsSync(out) && readdirSync(out).length > 0)
    throw new Error(`${out} is not empty: choose a new or empty folder for the bundle`);
  const staging = join(dirname(out), `.${basename(out)}.building-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  const buildOpts = { ...opts, out: staging };
  try {
    const result =
      'checkpoint' in input
        ? await buildFromCheckpoint(input.checkpoint, buildOpts)
        : await buildRandom(input.random, { ...buildOpts, seed: input.seed });
    let check: SelfCheckReport | null = null;
    if (opts.selfCheck ?? 'checkpoint' in input) {
      opts.onCheck?.();
      if ('checkpoint' in input) {
        const { source } = await openCheckpoint(input.checkpoint, {
          activation: result.arch.activation,
          headDim: opts.headDim,
        });
        try {
          check = await selfCheck(staging, source, opts.check);
        } finally {
          await source.close();
        }
      } else {
        check = await selfCheck(
          staging,
          new RandomSource(PRESETS[input.random]!, input.seed ?? 0),
          opts.check,
        );
      }
    }
    await rm(out, { recursive: true, force: true }); // the empty folder, if there was one
    await rename(staging, out);
    return { result: { ...result, dir: out }, check };
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
}

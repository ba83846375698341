// Command-line options of `npm run bench`: the sizes of each measurement, with a full and a quick preset.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DISTRIBUTIONS, type Distribution } from './hnsw';

/** Largest one-thread baseline build by default (~4 minutes here at 100k). */
const BASELINE_CAP = 100_000;

export const STAGES = ['decode', 'embed', 'e2e', 'rescan', 'hnsw'] as const;
/** Stages that run only when --only names them: the build stage writes and reads gigabytes. */
const OPT_IN_STAGES = ['build'] as const;
type Stage = (typeof STAGES)[number] | (typeof OPT_IN_STAGES)[number];

export interface BenchOptions {
  quick: boolean;
  /** Where generated photos, the rescan tree and its library live between runs. */
  cache: string;
  /** A model bundle folder; null means the tiny test model (built on first use). */
  model: string | null;
  /** Seconds per throughput measurement, split over the alternating rounds of it and its baseline. */
  seconds: number;
  /** Times each measurement and its baseline alternate (A B A B …), so slow drift of a shared machine
   *  lands on both instead of on whichever ran second. */
  rounds: number;
  /** 12 MP photos generated for decode and end to end. */
  photos: number;
  megapixels: number;
  /** Files in the tree that is re-scanned unchanged. */
  rescanFiles: number;
  hnswCount: number;
  hnswDim: number;
  hnswQueries: number;
  /** Vectors the one-thread baseline builds: a one-thread 1M build would take hours here. */
  hnswBaselineCount: number;
  /** Vector distributions the HNSW stage measures, each reported on its own. */
  hnswDistributions: Distribution[];
  /** Architecture of the build stage's random checkpoint (a PRESETS key of src/core/model-store/build). */
  buildArch: string;
  stages: Stage[];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_CACHE = join(ROOT, 'node_modules', '.cache', 'glimpse-bench');

/** Full: 100k files to re-scan and 100k × 1024 vectors; about 11 minutes on 2 cores once its fixtures
 *  exist (making them first adds about 7). Quick: a fifth of the sizes and shorter windows, about
 *  2 minutes (3 the first time). tools/bench/README.md has the breakdown. */
const PRESETS = {
  full: {
    seconds: 12,
    rounds: 6,
    photos: 48,
    rescanFiles: 100_000,
    hnswCount: 100_000,
    hnswQueries: 200,
  },
  quick: {
    seconds: 4,
    rounds: 4,
    photos: 16,
    rescanFiles: 20_000,
    hnswCount: 20_000,
    hnswQueries: 100,
  },
} as const;

export const USAGE = `usage: npm run bench -- [--quick] [options]
  --quick              smaller sizes and shorter windows (a few minutes)
  --cache <dir>        generated files, reused between runs (default ${DEFAULT_CACHE})
  --model <dir>        model bundle to measure (default: the tiny test model)
  --seconds <s>        seconds per throughput measurement and its baseline
  --rounds <n>         alternations of each measurement with its baseline
  --photos <n>         12 MP photos for decode and end to end
  --megapixels <n>     size of those photos
  --rescan-files <n>   files in the unchanged tree that is re-scanned
  --hnsw-count <n>     vectors in the HNSW benchmark
  --hnsw-dim <n>       their dimension
  --hnsw-queries <n>   queries for recall and latency
  --hnsw-baseline-count <n>  vectors the one-thread baseline builds (default: the count, at most 100000)
  --hnsw-distributions <list>  vector sets, from ${DISTRIBUTIONS.join(',')} (default both)
  --only <list>        stages to run, from ${STAGES.join(',')}, or the opt-in ${OPT_IN_STAGES.join(',')}
  --build-arch <arch>  build stage: architecture of the random checkpoint (default vit-h-14)`;

export class UsageError extends Error {}

function positive(name: string, text: string | undefined, fallback: number, integer = true): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)))
    throw new UsageError(`--${name} takes a positive ${integer ? 'whole ' : ''}number, got "${text}"`);
  return value;
}

export function parseOptions(argv: string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        quick: { type: 'boolean' },
        cache: { type: 'string' },
        model: { type: 'string' },
        seconds: { type: 'string' },
        rounds: { type: 'string' },
        photos: { type: 'string' },
        megapixels: { type: 'string' },
        'rescan-files': { type: 'string' },
        'hnsw-count': { type: 'string' },
        'hnsw-dim': { type: 'string' },
        'hnsw-queries': { type: 'string' },
        'hnsw-baseline-count': { type: 'string' },
        'hnsw-distributions': { type: 'string' },
        only: { type: 'string' },
        'build-arch': { type: 'string' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const quick = values.quick ?? false;
  const preset = quick ? PRESETS.quick : PRESETS.full;
  const stages = values.only === undefined ? [...STAGES] : values.only.split(',').map((s) => s.trim());
  const known: readonly string[] = [...STAGES, ...OPT_IN_STAGES];
  const unknown = stages.filter((s) => !known.includes(s));
  if (unknown.length || !stages.length)
    throw new UsageError(`--only takes stages from ${known.join(',')}, got "${values.only}"`);
  const distributions = (values['hnsw-distributions'] ?? DISTRIBUTIONS.join(','))
    .split(',')
    .map((s) => s.trim());
  if (!distributions.length || distributions.some((d) => !(DISTRIBUTIONS as readonly string[]).includes(d)))
    throw new UsageError(
      `--hnsw-distributions takes names from ${DISTRIBUTIONS.join(',')}, got "${values['hnsw-distributions']}"`,
    );
  const hnswCount = positive('hnsw-count', values['hnsw-count'], preset.hnswCount);
  return {
    quick,
    cache: values.cache ?? DEFAULT_CACHE,
    model: values.model ?? null,
    seconds: positive('seconds', values.seconds, preset.seconds, false),
    rounds: positive('rounds', values.rounds, preset.rounds),
    photos: positive('photos', values.photos, preset.photos),
    megapixels: positive('megapixels', values.megapixels, 12, false),
    rescanFiles: positive('rescan-files', values['rescan-files'], preset.rescanFiles),
    hnswCount,
    hnswDim: positive('hnsw-dim', values['hnsw-dim'], 1024),
    hnswQueries: positive('hnsw-queries', values['hnsw-queries'], preset.hnswQueries),
    hnswBaselineCount: Math.min(
      hnswCount,
      positive('hnsw-baseline-count', values['hnsw-baseline-count'], Math.min(hnswCount, BASELINE_CAP)),
    ),
    hnswDistributions: distributions as Distribution[],
    buildArch: values['build-arch'] ?? 'vit-h-14',
    stages: stages as Stage[],
  };
}

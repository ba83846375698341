// The whole `npm run bench`: each measurement of Glimpse's indexing and search paths next to a baseline
// measured in the same run, as one flat JSON-ready object with ratios, machine facts and the sizes used.
import { cpus } from 'node:os';
import { benchDecode, benchEndToEnd, benchModel, type DecodeRun } from '../../src/core/bench/bench';
import { loadBundle } from '../../src/core/runtime/bundle';
import { Embedder } from '../../src/core/runtime/embedder';
import type { ModelBundle } from '../../src/core/runtime/types';
import type { PipelineReport } from '../../src/shared/types';
import { testModelDir } from '../../test/helpers/test-model';
import { DirectOrt, imageLikeBatch } from './direct-ort';
import { benchHnsw } from './hnsw';
import { loadAverage, machineInfo } from './machine';
import { benchModelBuild } from './model-build';
import { naiveDecode } from './naive-decode';
import type { BenchOptions } from './options';
import { alternate, type Pooled, type Sample } from './paired';
import { ensurePhotoSet, type PhotoSet } from './photo-set';
import { benchRescan } from './rescan';
import { ensureSmallTree } from './small-tree';

type Log = (line: string) => void;
type Json = Record<string, unknown>;

/** Rounded for reading; ratios and rates keep three decimals, finer than the
 *  run-to-run noise of a shared machine. */
const round = (x: number, digits = 3) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

const decodeSample = (r: DecodeRun): Sample => ({ items: r.images, seconds: r.images / r.imagesPerSecond });

async function bundleFor(opts: BenchOptions): Promise<ModelBundle> {
  return loadBundle(opts.model ?? (await testModelDir('float32')));
}

/** Decode as the indexer does it against sharp's naive resize, on every core and on one. */
async function decodeStage(opts: BenchOptions, bundle: ModelBundle, photos: PhotoSet, log: Log) {
  // benchDecode reads only the bundle's preprocessing and allocates a tensor; no model is loaded.
  const embedder = new Embedder(bundle, { providers: ['cpu'] });
  const window = opts.seconds / opts.rounds;
  const size = bundle.preprocess.imageSize;
  const run = async (concurrency: number) => {
    log(`decode: ours vs sharp's plain resize, ${concurrency} at once, ${opts.rounds} rounds of ${window} s`);
    return alternate(
      opts.rounds,
      async () => decodeSample(await benchDecode(embedder, photos.files, { concurrency, seconds: window })),
      () => naiveDecode(photos.files, { size, concurrency, seconds: window }),
    );
  };
  try {
    const all = await run(cpus().length);
    const one = await run(1);
    return { all, one };
  } finally {
    await embedder.close();
  }
}

/** The image tower through the embedder's worker against the same graph run directly, same batch. */
async function embedStage(opts: BenchOptions, bundle: ModelBundle, log: Log) {
  const embedder = new Embedder(bundle, { providers: ['cpu'] });
  const direct = await DirectOrt.open(bundle);
  try {
    const info = await embedder.loadVisual();
    const batchSize = await embedder.imageBatchSize();
    const batch = imageLikeBatch(embedder, batchSize);
    const window = opts.seconds / opts.rounds;
    log(`embed: worker vs direct onnxruntime, batch ${batchSize}, ${opts.rounds} rounds of ${window} s`);
    const pair = await alternate(
      opts.rounds,
      async () => {
        const [r] = await benchModel(embedder, {
          batchSizes: [batchSize],
          seconds: window,
          sampleGpu: false,
        });
        return { items: r!.batches * batchSize, seconds: (r!.batches * r!.msPerBatch) / 1000 };
      },
      () => direct.measure(batch, batchSize, window),
    );
    return { ...pair, batchSize, provider: info.active };
  } finally {
    await direct.close();
    await embedder.close();
  }
}

/**
 * JPEG files to committed vectors in a fresh library, alternated with the stage that limits it (decode
 * on every core, or the model alone), so the efficiency divides two numbers taken under the same load.
 */
async function endToEndStage(
  opts: BenchOptions,
  bundle: ModelBundle,
  photos: PhotoSet,
  limit: 'decode' | 'model',
  log: Log,
) {
  const embedder = new Embedder(bundle, { providers: ['cpu'] });
  try {
    await embedder.loadVisual();
    const batchSize = await embedder.imageBatchSize();
    // Each baseline window lasts as long as the last end-to-end run, so both see the same stretch of load.
    let window = opts.seconds / opts.rounds;
    let failed = 0;
    let round = 0;
    const last: { pipeline: PipelineReport | null } = { pipeline: null };
    log(`end to end: ${photos.files.length} photos into a fresh library, alternated with ${limit} alone`);
    const pair = await alternate(
      opts.rounds,
      async () => {
        log(`end to end: round ${++round} of ${opts.rounds}`);
        const run = await benchEndToEnd(embedder, photos.dir, { sampleGpu: false });
        failed += run.failed;
        window = run.seconds;
        last.pipeline = run.pipeline;
        return { items: run.images, seconds: run.seconds };
      },
      async () => {
        if (limit === 'decode')
          return decodeSample(
            await benchDecode(embedder, photos.files, { concurrency: cpus().length, seconds: window }),
          );
        const [r] = await benchModel(embedder, {
          batchSizes: [batchSize],
          seconds: window,
          sampleGpu: false,
        });
        return { items: r!.batches * batchSize, seconds: (r!.batches * r!.msPerBatch) / 1000 };
      },
    );
    return { ...pair, failed, batchSize, pipeline: last.pipeline };
  } finally {
    await embedder.close();
  }
}

const rates = (p: Pooled) => p.rounds.map((x) => round(x));

export async function runBench(opts: BenchOptions, log: Log): Promise<Json> {
  const started = performance.now();
  const loadStart = loadAverage();
  const has = (s: BenchOptions['stages'][number]) => opts.stages.includes(s);
  const bundle = await bundleFor(opts);
  const report: Json = {
    date: new Date().toISOString(),
    mode: opts.quick ? 'quick' : 'full',
    machine: machineInfo(),
    load_average_start: loadStart,
  };
  const sizes: Json = {
    model_id: bundle.id,
    model_precision: bundle.visual.dtype === 'float16' ? 'fp16' : 'fp32',
    embed_dim: bundle.embedDim,
    measure_seconds: opts.seconds,
    rounds: opts.rounds,
  };
  const setup: Json = {};
  const perRound: Json = {};
  let detail: Record<string, unknown> | null = null;

  let photos: PhotoSet | null = null;
  if (has('decode') || has('e2e')) {
    log(`photos: ${opts.photos} × ${opts.megapixels} MP in ${opts.cache}`);
    photos = await ensurePhotoSet(opts.cache, opts.photos, opts.megapixels);
    Object.assign(sizes, {
      photos: photos.files.length,
      photo_megapixels: opts.megapixels,
      photo_mean_bytes: photos.meanBytes,
    });
    setup.photos_generated_seconds = round(photos.generatedSeconds, 1);
  }

  let decodeAll: number | null = null;
  if (has('decode')) {
    const d = await decodeStage(opts, bundle, photos!, log);
    decodeAll = d.all.measured.perSecond;
    Object.assign(report, {
      decode_images_per_s: round(d.all.measured.perSecond),
      decode_images_per_s_1core: round(d.one.measured.perSecond),
      decode_megapixels_per_s: round(d.all.measured.perSecond * opts.megapixels),
      decode_naive_resize_images_per_s: round(d.all.baseline.perSecond),
      decode_naive_resize_images_per_s_1core: round(d.one.baseline.perSecond),
      decode_vs_naive_ratio: round(d.all.measured.perSecond / d.all.baseline.perSecond),
      decode_vs_naive_ratio_1core: round(d.one.measured.perSecond / d.one.baseline.perSecond),
      decode_vs_naive_ratio_median_round: round(d.all.medianRatio),
      decode_core_scaling: round(d.all.measured.perSecond / d.one.measured.perSecond),
    });
    Object.assign(perRound, {
      decode: rates(d.all.measured),
      decode_naive_resize: rates(d.all.baseline),
      decode_1core: rates(d.one.measured),
      decode_naive_resize_1core: rates(d.one.baseline),
    });
    sizes.decode_concurrency = cpus().length;
  }

  let embed: number | null = null;
  if (has('embed')) {
    const e = await embedStage(opts, bundle, log);
    embed = e.measured.perSecond;
    Object.assign(report, {
      embed_images_per_s: round(e.measured.perSecond),
      embed_direct_ort_images_per_s: round(e.baseline.perSecond),
      embed_vs_direct_ort_ratio: round(e.measured.perSecond / e.baseline.perSecond),
      embed_vs_direct_ort_ratio_median_round: round(e.medianRatio),
    });
    Object.assign(perRound, { embed: rates(e.measured), embed_direct_ort: rates(e.baseline) });
    Object.assign(sizes, { embed_batch: e.batchSize, provider: e.provider });
  }

  if (has('e2e')) {
    // The stage that limits the pipeline, by the measurements above (decode when they are missing).
    const limit = decodeAll !== null && embed !== null && embed < decodeAll ? 'model' : 'decode';
    const e = await endToEndStage(opts, bundle, photos!, limit, log);
    const e2e = e.measured.perSecond;
    Object.assign(report, {
      end_to_end_images_per_s: round(e2e),
      end_to_end_seconds_per_run: round(e.measured.seconds / opts.rounds),
      end_to_end_failed: e.failed,
      // The last round's stage timings: what the model waited on, per batch.
      ...(e.pipeline && {
        end_to_end_limited_by: e.pipeline.limitedBy,
        end_to_end_model_busy: e.pipeline.embedBusy,
        end_to_end_stage_ms: e.pipeline.stages,
        end_to_end_waited_on_ms: e.pipeline.waitedOn,
      }),
      [`end_to_end_paired_${limit}_images_per_s`]: round(e.baseline.perSecond),
      [`end_to_end_vs_paired_${limit}_ratio_median_round`]: round(e.medianRatio),
    });
    Object.assign(perRound, {
      end_to_end: rates(e.measured),
      [`end_to_end_paired_${limit}`]: rates(e.baseline),
    });
    sizes.end_to_end_batch = e.batchSize;
    if (decodeAll !== null && embed !== null) {
      // The limiting stage as measured beside end to end; the other as measured in its own stage.
      const decode = limit === 'decode' ? e.baseline.perSecond : decodeAll;
      const model = limit === 'model' ? e.baseline.perSecond : embed;
      // On a CPU both stages share the same cores, so they cannot both run at full speed at once: the
      // most the pipeline can reach is one image's decode time plus its model time, in images/s.
      const shared = 1 / (1 / decode + 1 / model);
      Object.assign(report, {
        pipeline_efficiency: round(e2e / Math.min(decode, model)),
        pipeline_bottleneck: limit,
        pipeline_efficiency_shared_cores: round(e2e / shared),
      });
    }
  }

  if (has('rescan')) {
    log(`rescan: a tree of ${opts.rescanFiles} small JPEGs in ${opts.cache}`);
    const tree = await ensureSmallTree(opts.cache, opts.rescanFiles);
    setup.rescan_tree_generated_seconds = round(tree.generatedSeconds, 1);
    const r = await benchRescan(opts.cache, tree, bundle, { rounds: opts.rounds, log });
    setup.rescan_library_seeded_seconds = round(r.seededSeconds, 1);
    const rescanSeconds = r.rescan.seconds / r.rescan.rounds.length;
    const walkSeconds = r.readdirStat.seconds / r.readdirStat.rounds.length;
    Object.assign(report, {
      rescan_seconds: round(rescanSeconds),
      rescan_files_per_s: round(r.rescan.perSecond, 0),
      rescan_readdir_stat_seconds: round(walkSeconds),
      rescan_vs_readdir_stat_ratio: round(rescanSeconds / walkSeconds),
      // Rates are files/s, so the time ratio is the rate ratio inverted.
      rescan_vs_readdir_stat_ratio_median_round: round(1 / r.medianRatio),
      rescan_library_open_seconds: round(r.libraryOpenSeconds),
    });
    Object.assign(perRound, {
      rescan_files_per_s: r.rescan.rounds.map((x) => round(x, 0)),
      readdir_stat_files_per_s: r.readdirStat.rounds.map((x) => round(x, 0)),
    });
    Object.assign(sizes, { rescan_files: tree.files, rescan_folders: tree.folders });
  }

  if (has('hnsw')) {
    const byDistribution: Record<string, unknown> = {};
    for (const distribution of opts.hnswDistributions) {
      log(`hnsw ${distribution}: ${opts.hnswCount} × ${opts.hnswDim}, ${opts.hnswQueries} queries`);
      const h = await benchHnsw({
        count: opts.hnswCount,
        dim: opts.hnswDim,
        queries: opts.hnswQueries,
        baselineCount: opts.hnswBaselineCount,
        distribution,
        log: (line) => log(`hnsw: ${line}`),
      });
      const keys = {
        hnsw_recall_at_10: round(h.hnsw_recall_at_10, 4),
        hnsw_recall_at_10_between: round(h.hnsw_recall_at_10_between, 4),
        hnsw_score_ratio_between: round(h.hnsw_score_ratio_between, 4),
        hnsw_query_p50_ms: round(h.hnsw_query_p50_ms),
        hnsw_query_p95_ms: round(h.hnsw_query_p95_ms),
        hnsw_build_seconds: round(h.hnsw_build_seconds, 2),
        hnsw_inserts_per_second: round(h.hnsw_inserts_per_second, 0),
        hnsw_inserts_per_second_one_thread: round(h.hnsw_inserts_per_second_one_thread, 0),
        hnsw_inserts_speedup: round(h.hnsw_inserts_speedup),
        hnsw_cpu_ms_per_insert: round(h.hnsw_cpu_ms_per_insert, 3),
        hnsw_cpu_ms_per_insert_one_thread: round(h.hnsw_cpu_ms_per_insert_one_thread, 3),
        hnsw_catchup_query_p50_ms: round(h.catchup_query_p50_ms),
        hnsw_catchup_pending: h.catchup_pending,
        hnsw_paced_max_pending: h.paced_max_pending,
        hnsw_exact_query_p50_ms: round(h.exact_query_p50_ms),
        hnsw_exact_query_p95_ms: round(h.exact_query_p95_ms),
        hnsw_speedup_vs_exact_p50: round(h.exact_query_p50_ms / h.hnsw_query_p50_ms, 1),
      };
      // The first distribution's keys also at the top level, where earlier reports had them.
      if (!Object.keys(byDistribution).length) Object.assign(report, keys);
      byDistribution[distribution] = { ...keys, detail: h };
      Object.assign(sizes, {
        hnsw_count: h.count,
        hnsw_dim: h.dim,
        hnsw_queries: h.queries,
        hnsw_shards: h.shards,
        hnsw_baseline_count: h.baseline_count,
      });
    }
    detail = byDistribution;
  }

  if (has('build')) {
    const b = await benchModelBuild(opts.buildArch, log);
    Object.assign(report, {
      build_seconds: round(b.build.seconds, 1),
      build_peak_rss_bytes: b.build.maxRssBytes,
      build_cpu_seconds: round(b.build.cpuSeconds, 1),
      build_checkpoint_read_seconds: round(b.readSeconds, 1),
      build_vs_checkpoint_read_ratio: round(b.build.seconds / b.readSeconds),
      build_peak_rss_over_checkpoint_bytes: b.build.maxRssBytes - b.checkpointBytes,
      build_twin_seconds: round(b.twin.seconds, 1),
      build_twin_peak_rss_bytes: b.twin.maxRssBytes,
      build_twin_cpu_seconds: round(b.twin.cpuSeconds, 1),
    });
    Object.assign(sizes, {
      build_arch: b.arch,
      build_checkpoint_bytes: b.checkpointBytes,
      build_weights_bytes: b.build.bytesWritten,
    });
    setup.build_checkpoint_generated_seconds = round(b.checkpointGeneratedSeconds, 1);
  }

  return {
    ...report,
    sizes,
    setup_seconds: setup,
    per_round: perRound,
    ...(detail && { hnsw_by_distribution: detail }),
    load_average_end: loadAverage(),
    total_seconds: round((performance.now() - started) / 1000, 1),
  };
}

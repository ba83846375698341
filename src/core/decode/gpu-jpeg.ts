// The GPU photo decoder: JPEGs the header check accepts go to nvJPEG in one batch and come back as the
// model input and thumbnail pixels; everything else, and any file nvJPEG rejects, is handed to the next
// decoder (the CPU one) with a counted reason.
import sharp from 'sharp';
import { readOrientation } from '../indexer/exif';
import type { DecodeCallOptions, DecodeFile, DecodeOutcome, PhotoDecoder } from '../indexer/stages/decoder';
import { THUMBNAIL_WEBP, type ModelInput } from '../decode/cpu-decode';
import type { PreprocessSpec } from '../runtime/types';
import { openGpuDecoder, type GpuJpegAddon, type ProbeOptions } from './gpu-addon';
import { DEFAULT_GPU_LIMITS, gpuEligibility, type GpuLimits } from './gpu-eligibility';
import {
  addonPlan,
  asOrientation,
  orientPixels,
  swapsAxes,
  thumbnailSize,
  type Orientation,
} from './orientation';

/** The resampling filters the kernel has (Pillow's BICUBIC and BILINEAR). */
const FILTERS: Partial<Record<PreprocessSpec['interpolation'], number>> = { bicubic: 0, bilinear: 1 };

/** 128 keeps the hardware engines busy (torchvision measured 880 img/s at 128 against 475 at 8 on an
 *  H200); the addon splits a round into chunks that fit its device-memory budget. */
const DEFAULT_GPU_BATCH = 128;

/** A file going to the GPU: its place in the call, its stored size and its EXIF orientation. */
interface Job {
  index: number;
  stored: { width: number; height: number };
  orientation: Orientation;
}

interface GpuJpegDecoderOptions {
  batch?: number;
  limits?: GpuLimits;
}

export class GpuJpegDecoder implements PhotoDecoder {
  readonly name = 'gpu' as const;
  readonly preferredBatch: number;
  /** Files decoded per nvJPEG backend so far: where the hardware engine is expected, 'cuda' counts show
   *  the files (or batches) it declined. */
  readonly backends = { hardware: 0, cuda: 0 };
  private readonly limits: GpuLimits;
  /** nvJPEG's state is single-threaded: calls queue behind each other. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly addon: GpuJpegAddon,
    options: GpuJpegDecoderOptions = {},
  ) {
    this.preferredBatch = options.batch ?? DEFAULT_GPU_BATCH;
    this.limits = options.limits ?? DEFAULT_GPU_LIMITS;
  }

  /** The decoder when this machine can decode on the GPU; otherwise the one-line reason why not. */
  static open(
    options: GpuJpegDecoderOptions & ProbeOptions = {},
  ): { decoder: GpuJpegDecoder; reason: null } | { decoder: null; reason: string } {
    const { probe, addon } = openGpuDecoder(options);
    return addon
      ? { decoder: new GpuJpegDecoder(addon, options), reason: null }
      : { decoder: null, reason: probe.summary };
  }

  async decode(files: DecodeFile[], spec: PreprocessSpec, opts: DecodeCallOptions): Promise<DecodeOutcome[]> {
    opts.signal?.throwIfAborted();
    const outcomes: DecodeOutcome[] = new Array(files.length);
    const filter = FILTERS[spec.interpolation];
    if (filter === undefined) return files.map(() => ({ ok: false, fallback: 'interpolation' }));
    const jobs: Job[] = [];
    const plans: number[] = [];
    await Promise.all(
      files.map(async (file, index) => {
        const verdict = gpuEligibility(file.bytes, this.limits);
        if (!verdict.gpu) {
          outcomes[index] = { ok: false, fallback: verdict.reason };
          return;
        }
        const orientation = asOrientation(await readOrientation(file.bytes));
        jobs.push({
          index,
          stored: { width: verdict.header.width, height: verdict.header.height },
          orientation,
        });
      }),
    );
    jobs.sort((a, b) => a.index - b.index);
    for (const job of jobs) {
      plans.push(
        ...addonPlan(job.stored.width, job.stored.height, job.orientation, spec, opts.thumbnailSize),
      );
    }
    if (jobs.length) {
      const run = () =>
        this.addon.decode(
          jobs.map((j) => files[j.index]!.bytes),
          Int32Array.from(plans),
          spec.imageSize,
          filter,
        );
      const call = this.queue.then(run, run);
      this.queue = call.catch(() => undefined);
      let results;
      try {
        results = await call;
      } catch {
        // A failure of the whole round (device lost, kernel refused): the CPU decodes these files.
        for (const job of jobs) outcomes[job.index] = { ok: false, fallback: 'gpu-error' };
        return outcomes;
      }
      opts.signal?.throwIfAborted();
      await Promise.all(
        jobs.map(async (job, k) => {
          const result = results[k]!;
          if (result.ok) this.backends[result.backend]++;
          outcomes[job.index] = result.ok
            ? { ok: true, input: await this.finish(job, result, spec, opts.thumbnailSize), decoder: 'gpu' }
            : { ok: false, fallback: 'rejected' };
        }),
      );
    }
    return outcomes;
  }

  /** Turns the stored-frame pixels upright and encodes the thumbnail as the CPU path does. */
  private async finish(
    job: Job,
    result: { model: Buffer; thumbnail: Buffer },
    spec: PreprocessSpec,
    thumbnailSide: number | undefined,
  ): Promise<ModelInput> {
    const { width, height } = job.stored;
    const o = job.orientation;
    const size = spec.imageSize;
    const rgb = orientPixels(result.model, size, size, o).rgb;
    const info = {
      width: swapsAxes(o) ? height : width,
      height: swapsAxes(o) ? width : height,
      format: 'jpeg',
      hasAlpha: false,
    };
    if (!thumbnailSide) return { rgb, info };
    const stored = thumbnailSize(width, height, thumbnailSide);
    const upright = orientPixels(result.thumbnail, stored.width, stored.height, o);
    const thumbnail = await sharp(upright.rgb, {
      raw: { width: upright.width, height: upright.height, channels: 3 },
    })
      .webp(THUMBNAIL_WEBP)
      .toBuffer();
    return { rgb, info, thumbnail };
  }
}

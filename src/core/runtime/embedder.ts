// Turns images (as preprocessed batch tensors) and texts into L2-normalised CLIP vectors. Each tower
// loads lazily, once, in its own worker thread, so text queries are answered while an image batch runs.
import { cpus } from 'node:os';
import { readGpuStatus } from '../gpu/nvidia-smi';
import type { ProviderName } from './providers';
import { defaultProviders } from './providers';
import { TensorFiller } from './tensor-filler';
import { ClipTokenizer } from './tokenizer';
import { Tower, type TowerRun } from './tower';
import type { TowerReady } from './tower-protocol';
import type { ModelBundle, TowerSpec } from './types';
import { bundlePrecision } from './types';
import type { TowerInfo, EmbedderInfo, GraphPlacement } from '../../shared/types';
export type { TowerInfo, EmbedderInfo };

/** Images per batch on the CPU: small, so progress and cancellation stay responsive and memory stays
 *  low (a 224² float32 image is 602 KB). */
export const DEFAULT_CPU_BATCH = 16;

/**
 * Images per batch on an NVIDIA GPU, from its memory. Measured on an H100 (docs/PERFORMANCE.md,
 * 2026-11-27, PyTorch FP16 ViT-H/14): throughput is flat from batch 32 (1,244 img/s) to 256 (1,286),
 * while peak memory grows from 2.1 to 3.7 GiB over the 1.3 GB of weights. So the batch only has to fill
 * the card, not its memory: 64 where there is room (≥ 16 GiB), smaller on small cards, where the
 * weights, cuDNN workspaces and the text tower share a few GiB.
 */
export function gpuBatchSize(memoryTotalMiB: number | null): number {
  if (memoryTotalMiB === null || memoryTotalMiB >= 16 * 1024) return 64;
  if (memoryTotalMiB >= 8 * 1024) return 32;
  return 16;
}

export interface EmbedderOptions {
  /** Ordered preference; the first that loads wins. Default: cuda then cpu (where CUDA exists). */
  providers?: ProviderName[];
  deviceId?: number;
  /** Threads per CPU session; default: all cores. */
  cpuThreads?: number;
  /** Images per batch; default from the active provider. */
  batchSize?: number;
}

export type ImageBatch = Float32Array | Uint16Array;

/** Tensor buffers kept per batch capacity for embedRgb: one filling while one runs, one spare. */
const TENSOR_POOL_SIZE = 3;

/** One embedRgb batch: its vectors, the caller's pixel buffer handed back, and where the time went. */
export interface RgbRun {
  /** count × dim, L2-normalised. */
  vectors: Float32Array;
  dim: number;
  pixels: Uint8Array;
  /** The model run (in the tower worker). */
  runMs: number;
  /** Normalising pixels into the tensor (on the tensor-fill thread). */
  fillMs: number;
}

export class Embedder {
  private visual: Tower | null = null;
  private textual: Tower | null = null;
  private visualLoad: Promise<TowerInfo> | null = null;
  private textualLoad: Promise<TowerInfo> | null = null;
  private visualInfo: TowerInfo | null = null;
  private textualInfo: TowerInfo | null = null;
  private tokenizer: Promise<ClipTokenizer> | null = null;
  private filler: TensorFiller | null = null;
  private readonly tensorPool = new Map<number, ImageBatch[]>();
  /** The last embedRgb batch handed to the tower: the next waits its turn behind it. */
  private modelTurn: Promise<unknown> = Promise.resolve();
  /** Images per batch, once the image tower has loaded and it is known. */
  batchSize: number | null = null;
  private readonly providers: ProviderName[];

  constructor(
    readonly bundle: ModelBundle,
    private readonly options: EmbedderOptions = {},
  ) {
    this.providers = options.providers?.length ? options.providers : defaultProviders();
  }

  private startTower(kind: 'image' | 'text', spec: TowerSpec): Tower {
    return new Tower({
      kind,
      file: spec.file,
      input: spec.input,
      output: spec.output,
      providers: this.providers,
      deviceId: this.options.deviceId ?? 0,
      cpuThreads: this.options.cpuThreads ?? cpus().length,
    });
  }

  private checkTower(kind: 'visual' | 'textual', ready: TowerReady): TowerInfo {
    const spec = this.bundle[kind];
    const expectedInput = kind === 'visual' ? spec.dtype : this.bundle.textual.idsDtype;
    if (ready.inputType !== expectedInput) {
      throw new Error(
        `${spec.file}: input "${spec.input}" is ${ready.inputType} in the graph but the bundle says ${expectedInput}`,
      );
    }
    if (ready.outputType !== spec.dtype) {
      throw new Error(
        `${spec.file}: output "${spec.output}" is ${ready.outputType} in the graph but the bundle says ${spec.dtype}`,
      );
    }
    const batchDim = ready.inputShape[0];
    if (spec.dynamicBatch && typeof batchDim === 'number' && batchDim > 0) {
      throw new Error(
        `${spec.file}: the bundle says the batch axis is dynamic but the graph fixes it at ${batchDim}`,
      );
    }
    return {
      requested: ready.requested,
      active: ready.active,
      fallbacks: ready.fallbacks,
      loadMs: ready.loadMs,
    };
  }

  /** Loads the image tower (once), warms it at the batch shape it will run, and says where it runs. */
  loadVisual(): Promise<TowerInfo> {
    this.visualLoad ??= (async () => {
      this.visual ??= this.startTower('image', this.bundle.visual);
      const info = this.checkTower('visual', await this.visual.ready);
      this.batchSize = await this.chooseBatchSize(info);
      // The tensor-fill thread starts beside the warm-up run, so the first batch does not wait for it.
      const [{ warmMs, placement }] = await Promise.all([
        this.warmVisual(info, this.batchSize),
        this.warmFiller(),
      ]);
      return (this.visualInfo = { ...info, warmMs, placement });
    })();
    return this.visualLoad;
  }

  /** Loads the text tower and tokenizer (once), warms the tower, and says where they run. */
  loadTextual(): Promise<TowerInfo> {
    this.textualLoad ??= (async () => {
      this.textual ??= this.startTower('text', this.bundle.textual);
      this.tokenizer ??= ClipTokenizer.fromFile(this.bundle.tokenizer, this.bundle.contextLength);
      const [ready] = await Promise.all([this.textual.ready, this.tokenizer]);
      const info = this.checkTower('textual', ready);
      const ctx = this.bundle.contextLength;
      const ids = this.bundle.textual.idsDtype === 'int64' ? new BigInt64Array(ctx) : new Int32Array(ctx);
      const t0 = performance.now();
      const warm = await this.textual.run(ids, {
        items: 1,
        rows: 1,
        rowLength: ctx,
        dtype: this.bundle.textual.idsDtype,
        dims: [1, ctx],
      });
      const warmMs = performance.now() - t0;
      return (this.textualInfo = { ...info, warmMs, placement: warm.placement });
    })();
    return this.textualLoad;
  }

  /**
   * One run before the first real batch and before anything is timed: CUDA picks its kernels and grows
   * its memory arena for a shape on first sight, which would otherwise land on the first committed
   * batch. On a device the production shape is the full batch (every call is padded to it); on the CPU
   * the shape follows the items anyway and a full ViT-H batch costs seconds, so one image warms it.
   */
  private async warmVisual(
    info: TowerInfo,
    batchSize: number,
  ): Promise<{ warmMs: number; placement?: GraphPlacement }> {
    const s = this.bundle.preprocess.imageSize;
    const rows = this.bundle.visual.dynamicBatch && info.active !== 'cpu' ? batchSize : 1;
    const t0 = performance.now();
    const warm = await this.visual!.run(this.allocImageBatch(rows), {
      items: rows,
      rows,
      rowLength: this.imageLength,
      dtype: this.bundle.visual.dtype,
      dims: [rows, 3, s, s],
    });
    return { warmMs: performance.now() - t0, placement: warm.placement };
  }

  private async warmFiller(): Promise<void> {
    const s = this.bundle.preprocess.imageSize;
    this.filler ??= new TensorFiller(this.bundle.preprocess);
    await this.filler.fill(new Uint8Array(s * s * 3), this.allocImageBatch(1), 1);
  }

  info(): EmbedderInfo {
    return {
      modelId: this.bundle.id,
      modelName: this.bundle.name,
      layout: this.bundle.layout,
      embedDim: this.bundle.embedDim,
      precision: bundlePrecision(this.bundle),
      requested: this.providers,
      visual: this.visualInfo,
      textual: this.textualInfo,
    };
  }

  /** Images per batch for the loaded image tower: 1 when its graph fixes the batch at 1; else the
   *  caller's choice, else from the provider (and, on CUDA, the card's memory). */
  async imageBatchSize(): Promise<number> {
    await this.loadVisual();
    return this.batchSize!;
  }

  private async chooseBatchSize(info: TowerInfo): Promise<number> {
    if (!this.bundle.visual.dynamicBatch) return 1;
    if (this.options.batchSize) return this.options.batchSize;
    if (info.active !== 'cuda') return DEFAULT_CPU_BATCH;
    const status = await readGpuStatus();
    const gpu = status.gpus.find((g) => g.index === (this.options.deviceId ?? 0)) ?? status.gpus[0];
    return gpuBatchSize(gpu?.memoryTotalMiB ?? null);
  }

  /** Elements of one image in the batch tensor. */
  get imageLength(): number {
    const s = this.bundle.preprocess.imageSize;
    return 3 * s * s;
  }

  /** A batch buffer in the model's input dtype with room for `capacity` images. */
  allocImageBatch(capacity: number): ImageBatch {
    const n = capacity * this.imageLength;
    return this.bundle.visual.dtype === 'float16' ? new Uint16Array(n) : new Float32Array(n);
  }

  /**
   * Embeds the first `items` images of `batch` (NCHW, written by writeTensor). The buffer is transferred
   * to the worker and handed back in the result for reuse; do not touch it until then. On a GPU the
   * whole capacity runs, padding included, so every call has the same shape (cuDNN plans per shape).
   */
  async embedImages<T extends ImageBatch>(batch: T, items: number): Promise<TowerRun<T>> {
    const info = await this.loadVisual();
    const len = this.imageLength;
    const capacity = Math.floor(batch.length / len);
    if (items < 1 || items > capacity) throw new RangeError(`items must be 1..${capacity}, got ${items}`);
    const s = this.bundle.preprocess.imageSize;
    const dtype = this.bundle.visual.dtype;
    if (!this.bundle.visual.dynamicBatch)
      return this.runOneByOne(this.visual!, batch, items, len, dtype, [1, 3, s, s]);
    const rows = info.active === 'cpu' ? items : capacity;
    return this.visual!.run(batch, { items, rows, rowLength: len, dtype, dims: [rows, 3, s, s] });
  }

  /**
   * Embeds `count` images given as uint8 RGB (count × size × size × 3, decode.ts's layout). Normalising
   * into the model's tensor happens on the tensor-fill thread, overlapping the batch before it; tensor
   * buffers are pooled, so two or more batches can be in flight. `pixels` is transferred (not copied)
   * and handed back in the result for reuse.
   */
  async embedRgb(pixels: Uint8Array, count: number, opts: { signal?: AbortSignal } = {}): Promise<RgbRun> {
    await this.loadVisual();
    const s = this.bundle.preprocess.imageSize;
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`embedRgb: count must be a whole number ≥ 1, got ${count}`);
    if (pixels.length < count * s * s * 3)
      throw new RangeError(
        `embedRgb: pixels hold ${pixels.length} bytes, fewer than ${count} images of ${s}×${s}×3`,
      );
    const capacity = Math.max(count, this.batchSize!);
    this.filler ??= new TensorFiller(this.bundle.preprocess);
    const free = this.tensorPool.get(capacity) ?? [];
    this.tensorPool.set(capacity, free);
    const filled = await this.filler.fill(pixels, free.pop() ?? this.allocImageBatch(capacity), count);
    try {
      // One batch on the model at a time, in the order they were filled: the tower runs them one
      // after another anyway, and a batch's run time then measures that batch alone. The next starts
      // one event-loop turn after the last resolves, once its caller has handed that one on.
      const turn = this.modelTurn
        .then(() => new Promise((resolve) => setImmediate(resolve)))
        .then(() => {
          // Queued behind a running batch when the run was cancelled: it never reaches the model.
          // A fresh error each time: the caller takes its pixel buffer back from it, and the signal's
          // own reason is one object shared by every batch it refuses.
          if (opts.signal?.aborted) throw new DOMException('the indexing run was cancelled', 'AbortError');
          return this.embedImages(filled.tensor, count);
        });
      this.modelTurn = turn.catch(() => undefined);
      const run = await turn;
      if (free.length < TENSOR_POOL_SIZE) free.push(run.data);
      return {
        vectors: run.vectors,
        dim: run.dim,
        pixels: filled.pixels,
        runMs: run.runMs,
        fillMs: filled.fillMs,
      };
    } catch (e) {
      throw Object.assign(e as Error, { pixels: filled.pixels });
    }
  }

  /** Embeds texts into one [texts.length × dim] array of L2-normalised vectors. */
  async embedTexts(texts: string[]): Promise<Float32Array> {
    if (texts.length === 0) return new Float32Array(0);
    await this.loadTextual();
    const tokenizer = await this.tokenizer!;
    const { idsDtype, dynamicBatch } = this.bundle.textual;
    const ids = tokenizer.encodeBatch(texts, idsDtype);
    const ctx = this.bundle.contextLength;
    const dims = dynamicBatch ? [texts.length, ctx] : [1, ctx];
    if (!dynamicBatch)
      return (await this.runOneByOne(this.textual!, ids, texts.length, ctx, idsDtype, dims)).vectors;
    return (
      await this.textual!.run(ids, {
        items: texts.length,
        rows: texts.length,
        rowLength: ctx,
        dtype: idsDtype,
        dims,
      })
    ).vectors;
  }

  /** Graphs exported with batch 1 (Immich's) take one row per call. */
  private async runOneByOne<T extends ImageBatch | BigInt64Array | Int32Array>(
    tower: Tower,
    data: T,
    items: number,
    rowLength: number,
    dtype: 'float32' | 'float16' | 'int64' | 'int32',
    dims: number[],
  ): Promise<TowerRun<T>> {
    let dim = 0;
    let runMs = 0;
    let vectors = new Float32Array(0);
    const row = data.slice(0, rowLength) as T;
    let buffer = row;
    for (let i = 0; i < items; i++) {
      buffer.set(data.subarray(i * rowLength, (i + 1) * rowLength) as never);
      const r = await tower.run(buffer, { items: 1, rows: 1, rowLength, dtype, dims });
      if (i === 0) {
        dim = r.dim;
        vectors = new Float32Array(items * dim);
      }
      vectors.set(r.vectors, i * dim);
      runMs += r.runMs;
      buffer = r.data;
    }
    return { vectors, dim, data, runMs };
  }

  async close(): Promise<void> {
    await Promise.all([this.visual?.close(), this.textual?.close(), this.filler?.close()]);
    this.visual = this.textual = null;
    this.visualLoad = this.textualLoad = null;
    this.filler = null;
    this.modelTurn = Promise.resolve();
  }
}

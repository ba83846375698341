// Canned data for the fake api: a small library, settings, a model, and the GPU panel built from real
// nvidia-smi output of an idle H100 (test/fixtures/nvidia-smi).
import h100Csv from '../../../test/fixtures/nvidia-smi/h100-80gb-hbm3-idle.csv?raw';
import type {
  AppInfo,
  EmbedderInfo,
  FolderStatus,
  BatchTiming,
  GpuPanelState,
  PipelineReport,
  IndexJob,
  IndexProgress,
  LibraryStatus,
  ModelOverview,
  ModelPullJob,
  ModelRow,
  ModelState,
  PullProgress,
  SearchHit,
  Settings,
} from '../../shared/types';
import { parseGpuQuery } from '../../shared/nvidia-smi-csv';

export const appInfo: AppInfo = {
  version: '0.1.0',
  platform: 'linux',
  libraryDir: '/home/ana/.glimpse/library',
  thumbnailBase: 'glimpse-thumb://photo/',
  imageBase: 'glimpse-image://photo/',
};

export const modelOk: ModelState = {
  dir: '/home/ana/.glimpse/models/vit-h-14',
  ok: true,
  problem: null,
  id: 'openclip-vit-h-14-laion2b-s32b-b79k-fp16',
  name: 'OpenCLIP ViT-H/14',
  precision: 'fp16',
  embedDim: 1024,
};

export const modelMissing: ModelState = {
  dir: '/home/ana/.glimpse/models/vit-h-14',
  ok: false,
  problem: 'no model at /home/ana/.glimpse/models/vit-h-14',
  id: null,
  name: null,
  precision: null,
  embedDim: null,
};

export const settings: Settings = {
  providers: ['cuda', 'cpu'],
  batchSize: null,
  excludePatterns: ['**/.thumbnails/**'],
  theme: 'system',
  modelDir: null,
};

const DAY_MS = 24 * 60 * 60 * 1000;
const JAN_2024 = Date.UTC(2024, 0, 1);

export function folder(id: number, path: string, photos: number, failed: number): FolderStatus {
  return { id, path, exclude: [], addedAt: JAN_2024, lastScanAt: JAN_2024 + id * DAY_MS, photos, failed };
}

export function libraryStatus(folders: FolderStatus[]): LibraryStatus {
  const photos = folders.reduce((n, f) => n + f.photos, 0);
  return {
    dir: appInfo.libraryDir,
    modelId: modelOk.id!,
    folders,
    photos,
    failed: folders.reduce((n, f) => n + f.failed, 0),
    vectors: photos,
    index: { size: photos, pending: 0, generation: 3, openedFrom: 'file', reason: null },
    thumbnails: { files: photos, bytes: photos * 11_264 },
    coverage: { modelId: modelOk.id!, photos, withVector: photos },
  };
}

export const twoFolders = [folder(1, '/photos/2023', 8200, 3), folder(2, '/photos/archive', 1800, 0)];

/** Result `i` of a query: scores fall with rank, as the engine returns them. */
export function hit(i: number, folderPath = '/photos/2023'): SearchHit {
  return {
    photoId: 1000 + i,
    path: `${folderPath}/IMG_${String(i).padStart(5, '0')}.jpg`,
    score: 0.36 - i * 0.00001,
    size: 2_400_000 + i,
    width: 4032,
    height: 3024,
    format: 'jpeg',
    takenAt: JAN_2024 + i * 60_000,
    mtimeMs: JAN_2024 + i * 60_000,
    camera: 'FUJIFILM X-T4',
    hash: `hash${i}`,
  };
}

export function progress(patch: Partial<IndexProgress>): IndexProgress {
  return {
    phase: 'indexing',
    found: 5000,
    toProcess: 5000,
    processed: 0,
    embedded: 0,
    reused: 0,
    unchanged: 0,
    failed: 0,
    removed: 0,
    imagesPerSecond: 0,
    etaSeconds: null,
    currentFile: null,
    elapsedSeconds: 0,
    ...patch,
  };
}

export const idleJob: IndexJob = { state: 'idle', progress: null, lastSummary: null, error: null };

/** GPU samples from nvidia-smi --query-gpu CSV, parsed as the app parses them. */
const parseSmi = parseGpuQuery;

export const embedderOnCpu: EmbedderInfo = {
  modelId: modelOk.id!,
  modelName: modelOk.name!,
  layout: 'glimpse',
  embedDim: 1024,
  precision: 'fp32',
  requested: ['cuda', 'cpu'],
  visual: {
    requested: ['cuda', 'cpu'],
    active: 'cpu',
    fallbacks: [{ provider: 'cuda', reason: 'CUDA provider missing libcublasLt.so.13' }],
    loadMs: 2400,
  },
  textual: null,
};

const embedderOnCuda: EmbedderInfo = {
  ...embedderOnCpu,
  precision: 'fp16',
  visual: { requested: ['cuda', 'cpu'], active: 'cuda', fallbacks: [], loadMs: 5100 },
  textual: { requested: ['cuda', 'cpu'], active: 'cuda', fallbacks: [], loadMs: 1900 },
};

export function h100Panel(patch: Partial<GpuPanelState> = {}): GpuPanelState {
  return {
    at: JAN_2024,
    gpu: { gpus: parseSmi(h100Csv), cudaVersion: '13.0', unavailable: null },
    cpu: { model: 'AMD EPYC 9454 48-Core Processor', cores: 16 },
    embedder: embedderOnCuda,
    batchSize: 64,
    indexing: null,
    pipeline: null,
    decoders: null,
    ...patch,
  };
}

export function noGpuPanel(): GpuPanelState {
  return {
    at: JAN_2024,
    gpu: {
      gpus: [],
      cudaVersion: null,
      unavailable: 'nvidia-smi was not found: no NVIDIA driver is installed',
    },
    cpu: { model: 'Intel(R) Core(TM) i7-1185G7 @ 3.00GHz', cores: 8 },
    embedder: embedderOnCpu,
    batchSize: 16,
    indexing: null,
    pipeline: null,
    decoders: null,
  };
}

// ---- model store ---------------------------------------------------------------------------------

const MODELS_DIR = '/home/ana/.glimpse/models';

/** A row for a listed model as the engine lists it, not installed and not recommended unless patched. */
export function modelRow(patch: Partial<ModelRow> & Pick<ModelRow, 'id' | 'name'>): ModelRow {
  return {
    description: null,
    inModelList: true,
    installed: false,
    valid: false,
    problem: null,
    active: false,
    recommended: false,
    layout: 'immich',
    precision: 'fp32',
    embedDim: 512,
    sizeBytes: 610_000_000,
    speed: { gpu: 'fast', cpu: 'fast' },
    suits: true,
    suitsWhy: 'runs well on the CPU',
    dir: null,
    bundleId: null,
    ...patch,
  };
}

/** resources/models.json as a machine sees it: `gpu` true is the H100 of h100Panel (ViT-H/14 suits and
 *  is recommended), false a laptop without an NVIDIA GPU (ViT-B/32 is). */
export function modelOverview(gpu: boolean): ModelOverview {
  const noGpu = 'nvidia-smi was not found: no NVIDIA driver is installed';
  const h100 = 'NVIDIA H100 80GB HBM3 has 79.6 GiB';
  const rows = [
    modelRow({
      id: 'vit-h-14-laion2b-s32b-b79k-fp16',
      name: 'OpenCLIP ViT-H/14 (LAION-2B), FP16',
      description: 'The model Glimpse is built around: best search quality, made for NVIDIA GPUs.',
      layout: 'glimpse',
      precision: 'fp16',
      embedDim: 1024,
      sizeBytes: 1_975_000_000,
      speed: { gpu: 'fast', cpu: 'very-slow' },
      suits: gpu,
      suitsWhy: gpu
        ? `${h100}; it needs 6 GiB`
        : `needs an NVIDIA GPU with at least 6 GiB of memory (2 GB of weights plus batches of 64 images); ${noGpu}`,
    }),
    modelRow({
      id: 'ViT-L-14__openai',
      name: 'OpenAI CLIP ViT-L/14, FP32, Immich export',
      description: 'A mid-sized model: good quality at a third of ViT-H/14’s compute.',
      embedDim: 768,
      sizeBytes: 1_720_000_000,
      speed: { gpu: 'fast', cpu: 'slow' },
      suits: gpu,
      suitsWhy: gpu
        ? `${h100}; it needs 3 GiB`
        : `needs an NVIDIA GPU with at least 3 GiB of memory; ${noGpu}`,
    }),
    modelRow({
      id: 'ViT-B-32__openai',
      name: 'OpenAI CLIP ViT-B/32, FP32, Immich export',
      description: 'The small, fast model for machines without a suitable GPU: a 0.6 GB download.',
      suitsWhy: gpu ? 'runs on any machine (NVIDIA H100 80GB HBM3 makes it faster)' : 'runs well on the CPU',
    }),
  ];
  const recommended = gpu
    ? {
        id: rows[0]!.id,
        reason: `${rows[0]!.name}: ${h100}; it needs 6 GiB`,
        gpu: { index: 0, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81_559 },
      }
    : {
        id: rows[2]!.id,
        reason: `${rows[2]!.name}: ${noGpu}, and it runs well on the CPU`,
        gpu: null,
      };
  return {
    modelsDir: MODELS_DIR,
    active: { dir: `${MODELS_DIR}/${rows[0]!.id}`, id: null, present: false },
    recommended,
    models: rows.map((r) => ({ ...r, recommended: r.id === recommended.id })),
  };
}

/** What the engine reports once `row` is installed (and, with `active`, in use). */
export function installed(row: ModelRow, active = false): ModelRow {
  return { ...row, installed: true, valid: true, active, dir: `${MODELS_DIR}/${row.id}`, bundleId: row.id };
}

export function pullProgress(patch: Partial<PullProgress> & Pick<PullProgress, 'id'>): PullProgress {
  return {
    phase: 'downloading',
    file: null,
    filesDone: 0,
    filesTotal: 4,
    bytesDone: 0,
    bytesTotal: 610_000_000,
    bytesResumed: 0,
    bytesPerSecond: 0,
    etaSeconds: null,
    ...patch,
  };
}

export const idlePull: ModelPullJob = {
  state: 'idle',
  id: null,
  progress: null,
  error: null,
  installed: null,
};

/** The ModelState useModel answers for an installed row from the model list. */
export function modelStateOf(row: ModelRow): ModelState {
  return {
    dir: `${MODELS_DIR}/${row.id}`,
    ok: true,
    problem: null,
    id: row.layout === 'immich' ? `immich-${row.id}` : row.id,
    name: row.name,
    precision: row.precision,
    embedDim: row.embedDim,
  };
}

/** A batch of 64 on a GPU fed by CPU decoding: the model runs 60 ms, then waits ~1.8 s for photos. */
export function gpuBatch(n: number, patch: Partial<BatchTiming> = {}): BatchTiming {
  return {
    batch: n,
    items: 64,
    atMs: 2000 + n * 1900,
    waitMs: 1840,
    waitedOn: 'decode',
    readMs: 420,
    decodeMs: 30_100,
    fillMs: 9,
    embedMs: 60,
    commitMs: 14,
    commitWaitMs: 0,
    readQueue: 32,
    readyQueue: 0,
    ...patch,
  };
}

/** The indexing run of issue 10's H200 measurement: decoding starves the model. */
export const decodeBoundPipeline: PipelineReport = {
  batches: 12,
  stages: {
    wait: { p50Ms: 1840, p95Ms: 2210, totalMs: 22_450 },
    read: { p50Ms: 420, p95Ms: 420, totalMs: 5040 },
    decode: { p50Ms: 30_100, p95Ms: 30_100, totalMs: 361_200 },
    fill: { p50Ms: 9, p95Ms: 9, totalMs: 108 },
    embed: { p50Ms: 60, p95Ms: 60, totalMs: 720 },
    commit: { p50Ms: 14, p95Ms: 14, totalMs: 168 },
  },
  embedBusy: 0.031,
  waitedOn: { decode: 20_240, read: 2210 },
  limitedBy: 'decode',
  recent: Array.from({ length: 12 }, (_, n) =>
    gpuBatch(n, n === 0 ? { waitMs: 2210, waitedOn: 'read' } : {}),
  ),
};

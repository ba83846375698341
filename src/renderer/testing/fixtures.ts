// Canned data for the fake api: a small library, settings, a model, and the GPU panel built from real
// nvidia-smi output of an idle H100 (test/fixtures/nvidia-smi).
import h100Csv from '../../../test/fixtures/nvidia-smi/h100-80gb-hbm3-idle.csv?raw';
import type {
  AppInfo,
  EmbedderInfo,
  FolderStatus,
  GpuPanelState,
  GpuSample,
  IndexJob,
  IndexProgress,
  LibraryStatus,
  ModelState,
  SearchHit,
  Settings,
} from '../../shared/types';

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

/** GPU samples from nvidia-smi --query-gpu CSV, in the field order the app queries (see src/core/gpu). */
export function parseSmi(csv: string): GpuSample[] {
  const num = (s: string | undefined) =>
    s !== undefined && Number.isFinite(Number.parseFloat(s)) ? Number.parseFloat(s) : null;
  return csv
    .trim()
    .split(/\r?\n/)
    .map((line) => {
      const f = line.split(',').map((s) => s.trim());
      return {
        index: Number(f[0]),
        name: f[1]!,
        uuid: f[2]!,
        driverVersion: f[3]!,
        utilizationPct: num(f[4]),
        memoryUsedMiB: num(f[5]),
        memoryTotalMiB: num(f[6]),
        temperatureC: num(f[7]),
        powerDrawW: num(f[8]),
        powerLimitW: num(f[9]),
        smClockMHz: num(f[10]),
        smClockMaxMHz: num(f[11]),
      };
    });
}

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

export const embedderOnCuda: EmbedderInfo = {
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
  };
}

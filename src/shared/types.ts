// Plain data types that cross process boundaries (engine → main → renderer). Structured-clone safe:
// no classes, no functions, no typed arrays — vectors never leave the engine.
// Topic-sized parts live in src/shared/types/; this file re-exports them so imports of it stay valid.
import type { EmbedderInfo, ProviderName } from './types/embedder';
import type { DecoderCounts, PipelineReport } from './types/pipeline';
import type { PhotoFacts } from './types/search';

export type * from './types/embedder';
export type * from './types/indexing';
export type * from './types/models';
export type * from './types/pipeline';
export type * from './types/search';

export interface FolderStatus {
  id: number;
  path: string;
  exclude: string[];
  addedAt: number;
  lastScanAt: number | null;
  photos: number;
  failed: number;
}

export interface LibraryStatus {
  dir: string;
  modelId: string;
  folders: FolderStatus[];
  photos: number;
  failed: number;
  vectors: number;
  index: {
    size: number;
    pending: number;
    generation: number;
    openedFrom: 'file' | 'rebuild' | 'new';
    reason: string | null;
  };
  thumbnails: { files: number; bytes: number };
  /** Indexed photos, and how many have a vector for the active model: after switching models, search
   *  sees only the second number until indexing has re-embedded the rest. */
  coverage: { modelId: string; photos: number; withVector: number };
  /** Present when this view was opened read-only beside the Glimpse (app or CLI) that holds the
   *  library: it sees what that process has committed, and changes nothing. */
  readOnly?: { heldBy: number };
}

/** One GPU as nvidia-smi reports it; null where it says [N/A] or [Not Supported]. */
export interface GpuSample {
  index: number;
  name: string;
  uuid: string;
  driverVersion: string;
  /** Percent of the last sample period a kernel was running. */
  utilizationPct: number | null;
  memoryUsedMiB: number | null;
  memoryTotalMiB: number | null;
  temperatureC: number | null;
  powerDrawW: number | null;
  powerLimitW: number | null;
  smClockMHz: number | null;
  smClockMaxMHz: number | null;
}

export interface GpuStatus {
  gpus: GpuSample[];
  /** From nvidia-smi's banner, e.g. "13.0"; null when not reported. */
  cudaVersion: string | null;
  /** Why the list is empty, in words; null when GPUs were read. */
  unavailable: string | null;
}

/** What the GPU panel shows: the cards (nvidia-smi), where the model runs and why, and the indexer's pace. */
export interface GpuPanelState {
  at: number;
  gpu: GpuStatus;
  cpu: { model: string; cores: number };
  embedder: EmbedderInfo | null;
  /** Images per batch the indexer uses now (null when idle or unknown). */
  batchSize: number | null;
  indexing: { imagesPerSecond: number; queued: number; etaSeconds: number | null } | null;
  /** The indexing pipeline's batches: of the run in progress, else of the last run (null before any). */
  pipeline: PipelineReport | null;
  /** Files per decoder in that run. */
  decoders: DecoderCounts | null;
  /** nvJPEG photo decoding in one line: what runs it, or why it is off; absent before the engine answers. */
  photoDecoder?: string;
}

export type Theme = 'system' | 'light' | 'dark';

export interface Settings {
  /** Execution providers in order of preference. */
  providers: ProviderName[];
  /** Images per model call; null = chosen from the active provider. */
  batchSize: number | null;
  /** Glob patterns skipped in every folder, e.g. "**\/.thumbnails/**". */
  excludePatterns: string[];
  theme: Theme;
  /** Model bundle folder; null = the default model location. */
  modelDir: string | null;
}

export interface ModelState {
  dir: string;
  ok: boolean;
  /** Why the model cannot be used, in words (missing folder, broken model.json…). */
  problem: string | null;
  id: string | null;
  name: string | null;
  precision: 'fp16' | 'fp32' | null;
  embedDim: number | null;
}

export interface PhotoDetails extends PhotoFacts {
  /** The library folder it belongs to. */
  folder: string;
  status: 'indexed' | 'failed';
  error: string | null;
}

export interface AppInfo {
  version: string;
  platform: string;
  libraryDir: string;
  /** URL prefixes the renderer puts a photo id after to show a thumbnail / the full image. */
  thumbnailBase: string;
  imageBase: string;
}

type EngineLifecycle = 'starting' | 'ready' | 'restarting' | 'failed';

export interface EngineState {
  state: EngineLifecycle;
  /** e.g. "engine restarted after a crash (exit code 139)". */
  message: string | null;
}

/** An error as it crosses a process boundary. */
export interface ErrorData {
  code: string;
  message: string;
}

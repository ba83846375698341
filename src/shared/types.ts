// Plain data types that cross process boundaries (engine → main → renderer). Structured-clone safe:
// no classes, no functions, no typed arrays — vectors never leave the engine.

export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'webgpu' | 'cpu';

export interface ProviderFallback {
  provider: ProviderName;
  reason: string;
}

export interface TowerInfo {
  requested: ProviderName[];
  active: ProviderName;
  fallbacks: ProviderFallback[];
  loadMs: number;
  /** The warm-up run after loading (kernel choice, memory arena), before any real batch; absent in
   *  reports from before it existed. */
  warmMs?: number;
  /** Where the graph's nodes ran in the warm-up run (from onnxruntime's profiler). */
  placement?: GraphPlacement;
}

/** Where onnxruntime placed a graph's nodes: in a GPU session, nodes on the CPU and memory copies
 *  between the two are what keep the GPU waiting. */
export interface GraphPlacement {
  /** Nodes of the optimised graph (after fusion), memory copies included. */
  nodes: number;
  /** Nodes per onnxruntime provider name, e.g. { CUDAExecutionProvider: 412, CPUExecutionProvider: 3 }. */
  byProvider: Record<string, number>;
  /** Nodes (other than copies) left on the CPU in a session that asked for another provider. */
  cpuNodes: number;
  /** Those nodes per op type, e.g. { Shape: 2, Gather: 1 }. */
  cpuOps: Record<string, number>;
  /** MemcpyToHost / MemcpyFromHost nodes onnxruntime inserted. */
  memcpyNodes: number;
}

/** One op type's share of the model's time, from onnxruntime's profiler. */
export interface OpTime {
  op: string;
  provider: string;
  totalMs: number;
  calls: number;
  /** Of all node time in the profile, 0..1. */
  share: number;
}

export interface EmbedderInfo {
  modelId: string;
  modelName: string;
  layout: 'glimpse' | 'immich';
  embedDim: number;
  precision: 'fp16' | 'fp32';
  requested: ProviderName[];
  visual: TowerInfo | null;
  textual: TowerInfo | null;
}

export type IndexPhase = 'scanning' | 'indexing' | 'sweeping' | 'done' | 'cancelled';

export interface IndexProgress {
  phase: IndexPhase;
  /** Image files the scan has found so far. */
  found: number;
  /** Files the scan found new or changed: the work of this run. */
  toProcess: number;
  /** Of toProcess: embedded + reused + failed so far. */
  processed: number;
  embedded: number;
  /** Files whose content was already embedded (moved, renamed or duplicate): vector reused. */
  reused: number;
  unchanged: number;
  failed: number;
  removed: number;
  /** Files processed per second over the last few seconds. */
  imagesPerSecond: number;
  etaSeconds: number | null;
  currentFile: string | null;
  elapsedSeconds: number;
  /** So far in this run: files per decoder, and the pipeline's timings. */
  decoders?: DecoderCounts;
  pipeline?: PipelineReport;
}

export interface FailedFile {
  path: string;
  code: string;
  reason: string;
}

export interface IndexSummary {
  found: number;
  embedded: number;
  reused: number;
  unchanged: number;
  removed: number;
  /** Files that could not be indexed (each also a catalog row), and paths the scan could not read
   *  (a missing folder, a broken link: reported on every run, their photos kept, no row). */
  failed: FailedFile[];
  cancelled: boolean;
  seconds: number;
  /** Files each decoder decoded and handed on; absent when nothing was decoded. */
  decoders?: DecoderCounts;
  /** GPU photo decoding in one line: what ran it, or why it was off (absent when the caller chose the
   *  decoders). */
  photoDecoder?: string;
  /** Per-batch stage timings and what limited the run; absent when no batch ran. */
  pipeline?: PipelineReport;
}

/** Per decoder ('cpu', 'gpu'): files it decoded, and files it handed to the next decoder, by reason. */
export interface DecoderCounts {
  decoded: Record<string, number>;
  fallbacks: Record<string, Record<string, number>>;
}

/** The indexing pipeline's stages, in the order a photo passes them. */
export type PipelineStage = 'read' | 'decode' | 'fill' | 'embed' | 'commit';

/** One batch's way through the pipeline. Times in milliseconds. */
export interface BatchTiming {
  /** 0, 1, 2… in the order the batches reached the model. */
  batch: number;
  items: number;
  /** When its embed started, since the pipeline started. */
  atMs: number;
  /** The model sat idle this long before the batch reached it (nothing ready, or its tensor filling). */
  waitMs: number;
  /** What the model waited on: the stage that had nothing ready; null when it did not wait. */
  waitedOn: PipelineStage | null;
  /** Reading + hashing, and decoding, summed over the batch's files (work, not wall time: files
   *  decode side by side on all cores). */
  readMs: number;
  decodeMs: number;
  fillMs: number;
  embedMs: number;
  /** Thumbnails written and one catalog transaction; overlaps the next batch's embed. */
  commitMs: number;
  /** The model finished but could not hand the batch on: the commits behind it were still running. */
  commitWaitMs: number;
  /** Files read and hashed waiting for a decoder, and decoded files waiting for a batch, when the
   *  batch formed. */
  readQueue: number;
  readyQueue: number;
}

export interface StageStats {
  p50Ms: number;
  p95Ms: number;
  totalMs: number;
}

export interface PipelineReport {
  batches: number;
  /** Per batch, over the run (read and decode: summed over each batch's files). */
  stages: Record<PipelineStage | 'wait', StageStats>;
  /** Share of the pipeline's wall time the model was running a batch (1 = never starved). */
  embedBusy: number;
  /** Milliseconds the model waited, by the stage it waited on. */
  waitedOn: Partial<Record<PipelineStage, number>>;
  /** The stage that set the pace: 'embed' when the model was busy nearly all along, else the stage it
   *  waited on most. */
  limitedBy: PipelineStage;
  /** The last batches (at most 32), oldest first. */
  recent: BatchTiming[];
}

export interface SearchFilters {
  folders?: string[];
  from?: number;
  to?: number;
  formats?: string[];
  minWidth?: number;
  minHeight?: number;
}

export type CutoffMode = 'none' | 'adaptive' | number;

export interface SearchOptions {
  filters?: SearchFilters;
  sort?: 'relevance' | 'date';
  limit?: number;
  offset?: number;
  cutoff?: CutoffMode;
}

/** What the catalog knows of a photo, as results and the preview show it. */
export interface PhotoFacts {
  photoId: number;
  path: string;
  /** Bytes. */
  size: number;
  /** Pixels, after EXIF orientation; null when the file could not be decoded. */
  width: number | null;
  height: number | null;
  format: string | null;
  /** EXIF capture time, ms since epoch (wall clock read as UTC); null when the photo has none. */
  takenAt: number | null;
  mtimeMs: number;
  camera: string | null;
}

export interface SearchHit extends PhotoFacts {
  /** Cosine similarity between the query and the photo, -1..1. */
  score: number;
  /** Content hash: the thumbnail's id. */
  hash: string;
}

export interface QueryTerm {
  text: string;
  weight: number;
}

export interface SearchPage {
  hits: SearchHit[];
  total: number;
  offset: number;
  limit: number;
  cutoffScore: number | null;
  elapsedMs: number;
  /** The parsed terms of a text query (arithmetic), empty for image queries. */
  terms: QueryTerm[];
}

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

export type EngineLifecycle = 'starting' | 'ready' | 'restarting' | 'failed';

export interface EngineState {
  state: EngineLifecycle;
  /** e.g. "engine restarted after a crash (exit code 139)". */
  message: string | null;
}

export type IndexJobState = 'idle' | 'running' | 'cancelling';

export interface IndexJob {
  state: IndexJobState;
  progress: IndexProgress | null;
  lastSummary: IndexSummary | null;
  error: string | null;
}

/** An error as it crosses a process boundary. */
export interface ErrorData {
  code: string;
  message: string;
}

// ---- model manager ---------------------------------------------------------------------------------

export type SpeedClass = 'fast' | 'medium' | 'slow' | 'very-slow';

/** Which catalogue model suits this machine, and why (the first-run screen shows the reason). */
export interface Recommendation {
  id: string;
  reason: string;
  /** The GPU the choice was made for, or null when none was usable. */
  gpu: { index: number; name: string; memoryMiB: number } | null;
}

/** A model of the catalogue and/or installed in the models folder. */
export interface ModelRow {
  id: string;
  name: string;
  description: string | null;
  inCatalogue: boolean;
  installed: boolean;
  /** Installed and loadBundle accepts it. */
  valid: boolean;
  problem: string | null;
  active: boolean;
  recommended: boolean;
  layout: 'glimpse' | 'immich' | null;
  precision: 'fp16' | 'fp32' | null;
  embedDim: number | null;
  /** On disk when installed, else the catalogue's approximate download. */
  sizeBytes: number | null;
  speed: { gpu: SpeedClass; cpu: SpeedClass } | null;
  /** Whether it runs well on this machine; null for models outside the catalogue (unknown needs). */
  suits: boolean | null;
  suitsWhy: string | null;
  dir: string | null;
  /** The id its vectors are stored under. */
  bundleId: string | null;
}

export interface ModelOverview {
  modelsDir: string;
  /** The model folder in use, and the installed id it is (null: a folder outside modelsDir). */
  active: { dir: string; id: string | null; present: boolean };
  recommended: Recommendation;
  models: ModelRow[];
}

/** 'building' and 'verifying' happen for models published as checkpoints (the bundle is built locally). */
export type PullPhase =
  'resolving' | 'checking' | 'downloading' | 'building' | 'verifying' | 'installing' | 'done';

export interface PullProgress {
  id: string;
  phase: PullPhase;
  /** The file in flight (path inside the bundle), or null between files. */
  file: string | null;
  filesDone: number;
  filesTotal: number;
  /** Bytes on disk and verified or in flight, including bytes kept from an earlier attempt. */
  bytesDone: number;
  /** Sum of the file sizes; grows if a server only states a size when the file starts. */
  bytesTotal: number;
  /** Bytes that came from an earlier, interrupted download instead of the network. */
  bytesResumed: number;
  bytesPerSecond: number;
  /** Seconds left at the current speed; null until the speed is known. */
  etaSeconds: number | null;
}

/** The one model download the app runs at a time. */
export interface ModelPullJob {
  state: 'idle' | 'running' | 'cancelling';
  id: string | null;
  progress: PullProgress | null;
  /** The last download's failure in words (an interrupted one can be resumed by pulling again). */
  error: string | null;
  /** Id of the last model that finished installing. */
  installed: string | null;
  /** Models built on this machine: where the install-time self-check ran, in words ("cuda", or "cpu
   *  (passed over cuda: …)") and what else it said; absent for other models. */
  notes?: string[];
}

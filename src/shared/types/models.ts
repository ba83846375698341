// The model store's view: the listed and installed models, the recommendation, downloads.
export type SpeedClass = 'fast' | 'medium' | 'slow' | 'very-slow';

/** Which listed model suits this machine, and why (the first-run screen shows the reason). */
export interface Recommendation {
  id: string;
  reason: string;
  /** The GPU the choice was made for, or null when none was usable. */
  gpu: { index: number; name: string; memoryMiB: number } | null;
}

/** A model in the model list and/or installed in the models folder. */
export interface ModelRow {
  id: string;
  name: string;
  description: string | null;
  inModelList: boolean;
  installed: boolean;
  /** Installed and loadBundle accepts it. */
  valid: boolean;
  problem: string | null;
  active: boolean;
  recommended: boolean;
  layout: 'glimpse' | 'immich' | null;
  precision: 'fp16' | 'fp32' | null;
  embedDim: number | null;
  /** On disk when installed, else the model list's approximate download. */
  sizeBytes: number | null;
  speed: { gpu: SpeedClass; cpu: SpeedClass } | null;
  /** Whether it runs well on this machine; null for models outside the model list (unknown needs). */
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

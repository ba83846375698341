// An indexing run as the app sees it: progress while it runs, the summary after, the job's state.
import type { DecoderCounts, PipelineReport } from './pipeline';

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

export type IndexJobState = 'idle' | 'running' | 'cancelling';

export interface IndexJob {
  state: IndexJobState;
  progress: IndexProgress | null;
  lastSummary: IndexSummary | null;
  error: string | null;
}

// The indexing pipeline's per-batch timings and run report, and what each photo decoder did.
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

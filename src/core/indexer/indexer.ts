// One indexing run: scan → diff against the catalog → read + hash → decode on all cores → batch →
// embed (worker thread) → write (one transaction per batch) → sweep. Bad files are recorded and
// skipped; a crash loses at most the batches in flight; an abort stops within one batch.
import { cpus } from 'node:os';
import type { Catalog } from '../catalog/catalog';
import type { Embedder } from '../runtime/embedder';
import { ProgressTracker, type IndexProgress } from './progress';
import { diffFolders, type IndexFolder, type IndexScope } from './diff';
import { THUMBNAIL_SIZE, type ThumbnailStore } from './thumbnails';
import type { VectorSink } from './stages/commit';
import { choosePhotoDecoders } from '../decode/decoders';
import type { PhotoDecoder } from './stages/decoder';
import { DecoderChain } from './stages/decoder-chain';
import { RunLedger } from './stages/ledger';
import { runPipeline } from './stages/pipeline';
import type { FailedFile, IndexSummary, PipelineReport } from '../../shared/types';
export type { IndexSummary };
export type { IndexFolder, IndexScope };
export type { VectorSink };

interface IndexerDeps {
  catalog: Catalog;
  embedder: Embedder;
  vectors: VectorSink;
  thumbnails: ThumbnailStore;
}

export interface IndexOptions {
  signal?: AbortSignal;
  /** Look only at this part of the folders; default: all of each folder. */
  scope?: IndexScope;
  onProgress?: (p: IndexProgress) => void;
  /** Files decoded at once; default: one per core (sharp decodes each on one libuv thread). */
  decodeConcurrency?: number;
  /** Tried in order for each file; one hands a file it will not do to the next. Default: the GPU
   *  (nvJPEG) where this machine has it, then the CPU (src/core/decode/decoders.ts). */
  decoders?: PhotoDecoder[];
}

export async function runIndex(
  deps: IndexerDeps,
  folders: IndexFolder[],
  opts: IndexOptions = {},
): Promise<IndexSummary> {
  const { catalog, embedder, vectors, thumbnails } = deps;
  const modelId = embedder.bundle.id;
  const signal = opts.signal;
  const progress = new ProgressTracker(opts.onProgress);
  const p = progress.state;
  const failed: FailedFile[] = [];
  const started = performance.now();

  // ---- scan + diff -------------------------------------------------------------------------------
  const { work, missing, missingIds, unread } = await diffFolders(catalog, modelId, folders, {
    scope: opts.scope,
    signal,
    progress,
    failed,
  });
  p.toProcess = work.length;
  p.phase = 'indexing';
  progress.emit(true);

  // ---- pipeline: read + hash → decode → batch → embed → commit (stages/pipeline.ts) ---------------
  const ledger = new RunLedger(catalog, { modelId, sink: vectors, thumbnails }, progress, failed);
  const chosen = opts.decoders?.length ? null : choosePhotoDecoders();
  const chain = new DecoderChain(chosen?.decoders ?? opts.decoders!);
  let pipeline: PipelineReport | undefined;
  if (work.length && !signal?.aborted) {
    const capacity = await embedder.imageBatchSize();
    try {
      pipeline = await runPipeline(
        work,
        { catalog, embedder, vectors, thumbnails, ledger, chain },
        {
          modelId,
          capacity,
          decodeConcurrency: opts.decodeConcurrency ?? Math.max(1, cpus().length),
          thumbnailSize: THUMBNAIL_SIZE,
          signal,
          missing,
          missingIds,
          onBatch: (report) => {
            p.pipeline = report;
            p.decoders = chain.tally.snapshot();
            progress.emit();
          },
        },
      );
    } finally {
      // Moves, duplicates and failures found after the last batch (or before an error).
      ledger.flushSmallWrites();
    }
    p.pipeline = pipeline;
    p.decoders = chain.tally.snapshot();
  }
  ledger.flushSmallWrites();

  // ---- sweep -------------------------------------------------------------------------------------
  const cancelled = signal?.aborted ?? false;
  if (!cancelled) {
    p.phase = 'sweeping';
    progress.emit(true);
    const gone = [...missingIds];
    ledger.release(catalog.deletePhotos(gone));
    p.removed = gone.length;
    const now = Date.now();
    // A scoped run saw part of each folder: the folder as a whole was not scanned.
    if (!opts.scope) for (const f of folders) if (!unread.has(f.path)) catalog.markScanned(f.id, now);
  }
  // Once the run returns, the thumbnail cache matches the catalog (the library check relies on it).
  await ledger.settled();
  p.phase = cancelled ? 'cancelled' : 'done';
  p.currentFile = null;
  progress.emit(true);
  return {
    found: p.found,
    embedded: p.embedded,
    reused: p.reused,
    unchanged: p.unchanged,
    removed: p.removed,
    failed,
    cancelled,
    seconds: (performance.now() - started) / 1000,
    ...(chain.tally.empty ? {} : { decoders: chain.tally.snapshot() }),
    ...(chosen ? { photoDecoder: chosen.gpu } : {}),
    ...(pipeline ? { pipeline } : {}),
  };
}

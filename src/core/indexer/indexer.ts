// One indexing run: scan → diff against the catalog → read + hash → decode on all cores → batch →
// embed (worker thread) → write (one transaction per batch) → sweep. Bad files are recorded and
// skipped; a crash loses at most the batches in flight; an abort stops within one batch.
import { cpus } from 'node:os';
import { readFile } from 'node:fs/promises';
import type { Catalog, FreedVector, PhotoRow, PhotoWrite } from '../catalog/catalog';
import { decodeForModel, ImageDecodeError, MAX_FILE_BYTES } from '../model/decode';
import type { Embedder, ImageBatch } from '../model/embedder';
import { writeTensor } from '../model/preprocess';
import { contentHash } from './content';
import { readExif } from './exif';
import { ProgressTracker, type IndexProgress } from './progress';
import { diffFolders, type IndexFolder, type IndexScope, type WorkItem } from './diff';
import { THUMBNAIL_SIZE, type ThumbnailStore } from './thumbnails';
import type { FailedFile, IndexSummary } from '../../shared/types';
export type { FailedFile, IndexSummary };
export type { IndexFolder, IndexScope };

/** Where vectors go once committed: the vector index follows the catalog. */
export interface VectorSink {
  add(items: Array<{ label: number; vector: Float32Array }>): void;
  remove(labels: number[]): void;
}

export interface IndexerDeps {
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
}

interface Decoded {
  item: WorkItem;
  hash: string;
  rgb: Uint8Array;
  write: Omit<PhotoWrite, 'status'>;
  thumbnail?: Buffer;
  /** Other new files with the same bytes, found while this one was in flight. */
  followers: WorkItem[];
}

function failure(item: WorkItem, code: string, reason: string): PhotoWrite & { reason: string } {
  return {
    folderId: item.folderId,
    path: item.path,
    size: item.size,
    mtimeMs: item.mtimeMs,
    hash: null,
    status: 'failed',
    errorCode: code,
    error: reason,
    reason,
  };
}

function describe(e: unknown): { code: string; reason: string } {
  if (e instanceof ImageDecodeError) return { code: e.code, reason: e.detail };
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT')
    return { code: 'not-found', reason: 'the file vanished before it could be read' };
  if (err.code === 'EACCES' || err.code === 'EPERM')
    return { code: 'unreadable', reason: 'permission denied' };
  if (err.code === 'EISDIR') return { code: 'not-image', reason: 'a folder, not a file' };
  return { code: 'unreadable', reason: err.message ?? String(e) };
}

export async function runIndex(
  deps: IndexerDeps,
  folders: IndexFolder[],
  opts: IndexOptions = {},
): Promise<IndexSummary> {
  const { catalog, embedder, vectors, thumbnails } = deps;
  const modelId = embedder.bundle.id;
  const spec = embedder.bundle.preprocess;
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

  // ---- pipeline ----------------------------------------------------------------------------------
  const capacity = work.length && !signal?.aborted ? await embedder.imageBatchSize() : 1;
  const decodeConcurrency = opts.decodeConcurrency ?? Math.max(1, cpus().length);
  /** Decoded items waiting for a batch; producers pause above this (memory stays flat on 1M photos). */
  const readyLimit = capacity * 2;
  const ready: Decoded[] = [];
  const inFlight = new Map<string, Decoded | 'pending'>(); // hash → leader being decoded/embedded
  const followersOf = new Map<string, WorkItem[]>();
  // Moves, duplicates and failures, written with the next batch. Each batch is one Catalog.writeBatch,
  // which releases content only after all its writes: a duplicate may name content that another write
  // in the same batch takes away from its last path.
  const pendingWrites: Array<() => void> = [];
  const buffers: ImageBatch[] = [embedder.allocImageBatch(capacity), embedder.allocImageBatch(capacity)];
  // Producers and the batcher sleep until something changes (an item decoded, a batch committed).
  let waiters: Array<() => void> = [];
  const notify = () => {
    const woken = waiters;
    waiters = [];
    woken.forEach((w) => w());
  };
  const waitForChange = () => new Promise<void>((resolve) => waiters.push(resolve));

  const recordFailure = (item: WorkItem, code: string, reason: string) => {
    const f = failure(item, code, reason);
    failed.push({ path: item.path, code, reason });
    pendingWrites.push(() => catalog.writePhoto(f));
    p.failed++;
    p.processed++;
  };

  /** Content no photo shows any more: its vector leaves the index and its thumbnail the cache. */
  const removals: Array<Promise<void>> = [];
  const release = (freed: FreedVector[]) => {
    if (!freed.length) return;
    vectors.remove(freed.map((f) => f.label));
    for (const f of freed) removals.push(thumbnails.remove(f.hash).catch(() => {}));
  };

  const flushSmallWrites = () => {
    if (!pendingWrites.length) return;
    const writes = pendingWrites.splice(0);
    release(catalog.writeBatch(() => writes.forEach((w) => w())));
  };

  /** Read, hash, and either reuse an existing vector or decode for the model. */
  async function prepare(item: WorkItem): Promise<void> {
    p.currentFile = item.path;
    if (item.badName) return recordFailure(item, 'bad-name', item.badName);
    if (item.size > MAX_FILE_BYTES)
      return recordFailure(item, 'too-large', `${item.size} bytes is larger than any photo`);
    let bytes: Buffer;
    try {
      bytes = await readFile(item.path);
    } catch (e) {
      const d = describe(e);
      return recordFailure(item, d.code, d.reason);
    }
    if (bytes.length === 0) return recordFailure(item, 'empty', 'the file is empty (0 bytes)');
    const hash = await contentHash(bytes);

    const movedFrom = missing.get(hash)?.shift();
    if (movedFrom) {
      // The same bytes disappeared from another path: a move or rename. The row (and vector) follows.
      missingIds.delete(movedFrom.id);
      pendingWrites.push(() => {
        if (item.previous) catalog.deletePhotos([item.previous.id]);
        catalog.movePhoto(movedFrom.id, {
          path: item.path,
          folderId: item.folderId,
          size: item.size,
          mtimeMs: item.mtimeMs,
        });
      });
      p.reused++;
      p.processed++;
      return;
    }
    if (catalog.labelFor(modelId, hash) !== undefined) {
      const twin = catalog.photosWithHash(hash)[0];
      pendingWrites.push(() =>
        catalog.writePhoto({
          ...copyOf(twin),
          folderId: item.folderId,
          path: item.path,
          size: item.size,
          mtimeMs: item.mtimeMs,
          hash,
          status: 'indexed',
        }),
      );
      p.reused++;
      p.processed++;
      return;
    }
    if (inFlight.has(hash)) {
      followersOf.set(hash, [...(followersOf.get(hash) ?? []), item]);
      return;
    }
    inFlight.set(hash, 'pending');
    try {
      const [decoded, exif] = await Promise.all([
        decodeForModel(bytes, spec, { thumbnailSize: THUMBNAIL_SIZE, name: item.path, signal }),
        readExif(bytes),
      ]);
      const d: Decoded = {
        item,
        hash,
        rgb: decoded.rgb,
        thumbnail: decoded.thumbnail,
        followers: [],
        write: {
          folderId: item.folderId,
          path: item.path,
          size: item.size,
          mtimeMs: item.mtimeMs,
          hash,
          width: decoded.info.width,
          height: decoded.info.height,
          format: decoded.info.format,
          takenAt: exif.takenAt,
          camera: exif.camera,
        },
      };
      inFlight.set(hash, d);
      ready.push(d);
      notify();
    } catch (e) {
      inFlight.delete(hash);
      if (signal?.aborted) return;
      const d = describe(e);
      recordFailure(item, d.code, d.reason);
      for (const f of followersOf.get(hash) ?? []) recordFailure(f, d.code, d.reason);
      followersOf.delete(hash);
    }
  }

  /** Decoders: one task per slot pulling from the work list, pausing while the ready queue is full. */
  let next = 0;
  let producersLeft = decodeConcurrency;
  const producers = Array.from({ length: decodeConcurrency }, async () => {
    try {
      while (next < work.length && !signal?.aborted) {
        while (ready.length >= readyLimit && !signal?.aborted) await waitForChange();
        const item = work[next++]!;
        await prepare(item);
        progress.emit();
      }
    } finally {
      producersLeft--;
      notify();
    }
  });

  /** Embeds and commits batches in order; two in flight so the next one is ready when the model is. */
  let chain: Promise<void> = Promise.resolve();
  let embedError: Error | null = null;
  const commit = async (batch: Decoded[], buffer: ImageBatch) => {
    const run = await embedder.embedImages(buffer, batch.length);
    await Promise.all(batch.map((d) => (d.thumbnail ? thumbnails.put(d.hash, d.thumbnail) : undefined)));
    const added: Array<{ label: number; vector: Float32Array }> = [];
    const writes = pendingWrites.splice(0);
    const freed = catalog.writeBatch(() => {
      batch.forEach((d, i) => {
        const vector = run.vectors.slice(i * run.dim, (i + 1) * run.dim);
        const label = catalog.addEmbedding(modelId, d.hash, vector);
        added.push({ label, vector });
        catalog.writePhoto({ ...d.write, status: 'indexed' });
        for (const f of followersOf.get(d.hash) ?? []) {
          catalog.writePhoto({
            ...d.write,
            folderId: f.folderId,
            path: f.path,
            size: f.size,
            mtimeMs: f.mtimeMs,
            status: 'indexed',
          });
        }
      });
      writes.forEach((w) => w());
    });
    vectors.add(added);
    release(freed);
    for (const d of batch) {
      const followers = followersOf.get(d.hash)?.length ?? 0;
      followersOf.delete(d.hash);
      inFlight.delete(d.hash);
      p.embedded++;
      p.reused += followers;
      p.processed += 1 + followers;
    }
    buffers.push(run.data);
    progress.emit();
    notify();
  };

  let batchesInFlight = 0;
  for (;;) {
    if (embedError) break;
    if (signal?.aborted) {
      // Decoded but not yet batched: dropped, and redone by the next run.
      ready.length = 0;
      notify();
      if (producersLeft === 0) break;
      await waitForChange();
      continue;
    }
    const producersDone = producersLeft === 0;
    if (ready.length >= capacity || (producersDone && ready.length > 0)) {
      while (!buffers.length && !embedError) await waitForChange();
      if (embedError) break;
      // The wait may span a whole batch on the model: an abort during it must not start another.
      if (signal?.aborted) continue;
      const batch = ready.splice(0, capacity);
      notify();
      const buffer = buffers.pop()!;
      batch.forEach((d, i) => writeTensor(d.rgb, spec, buffer, i));
      batchesInFlight++;
      chain = chain
        .then(() => commit(batch, buffer))
        .catch((e: Error) => {
          embedError ??= e;
        })
        .finally(() => {
          batchesInFlight--;
          notify();
        });
      continue;
    }
    if (producersDone) break;
    await waitForChange();
  }
  await Promise.all(producers);
  await chain;
  while (batchesInFlight > 0) await waitForChange();
  if (embedError) {
    flushSmallWrites();
    throw embedError;
  }
  flushSmallWrites();

  // ---- sweep -------------------------------------------------------------------------------------
  const cancelled = signal?.aborted ?? false;
  if (!cancelled) {
    p.phase = 'sweeping';
    progress.emit(true);
    const gone = [...missingIds];
    release(catalog.deletePhotos(gone));
    p.removed = gone.length;
    const now = Date.now();
    // A scoped run saw part of each folder: the folder as a whole was not scanned.
    if (!opts.scope) for (const f of folders) if (!unread.has(f.path)) catalog.markScanned(f.id, now);
  }
  // Once the run returns, the thumbnail cache matches the catalog (the library check relies on it).
  await Promise.all(removals);
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
  };
}

/** The descriptive columns of a photo with the same bytes (so the same pixels and EXIF). */
function copyOf(row: PhotoRow | undefined): Partial<PhotoWrite> {
  if (!row) return {};
  return {
    width: row.width,
    height: row.height,
    format: row.format,
    takenAt: row.takenAt,
    camera: row.camera,
  };
}

// Stage 1, read + hash: reads each new or changed file and keys it by content. A file whose bytes the
// catalog already has (a move, a duplicate) or another file in flight has is settled here; the
// rest go on to the decoders with their bytes.
import type { Catalog, PhotoRow, PhotoWrite } from '../../catalog/catalog';
import { ImageDecodeError, MAX_FILE_BYTES } from '../../decode/cpu-decode';
import { UNUSABLE_NAME_REASON, UnusablePathError } from '../../fs/byte-path';
import { NotRegularFileError, readRegularFile } from '../../fs/regular-file';
import { contentHash } from '../content';
import type { WorkItem } from '../diff';
import type { RunLedger } from './ledger';
import type { AsyncQueue } from './queue';

/** A file to decode: the first in flight with its bytes. */
export interface ToDecode {
  item: WorkItem;
  hash: string;
  bytes: Buffer;
  /** Reading and hashing it took this long. */
  readMs: number;
}

export interface ReadHashContext {
  catalog: Catalog;
  modelId: string;
  ledger: RunLedger;
  /** Indexed rows whose files were not found, by content (a new file with those bytes is a move). */
  missing: Map<string, PhotoRow[]>;
  /** Every row whose file was not found; a move takes its row off this list. */
  missingIds: Set<number>;
}

/** Why a file could not be read, as the catalog stores it. */
export function describeFailure(e: unknown): { code: string; reason: string } {
  if (e instanceof ImageDecodeError) return { code: e.code, reason: e.detail };
  if (e instanceof UnusablePathError) return { code: 'bad-name', reason: UNUSABLE_NAME_REASON };
  if (e instanceof NotRegularFileError)
    return { code: e.problem === 'size' ? 'too-large' : 'unreadable', reason: e.detail };
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT')
    return { code: 'not-found', reason: 'the file vanished before it could be read' };
  if (err.code === 'EACCES' || err.code === 'EPERM')
    return { code: 'unreadable', reason: 'permission denied' };
  if (err.code === 'EISDIR') return { code: 'not-image', reason: 'a folder, not a file' };
  return { code: 'unreadable', reason: err.message ?? String(e) };
}

/** Reads and hashes one file; returns it when it needs decoding, null when settled here. */
export async function readAndHash(item: WorkItem, ctx: ReadHashContext): Promise<ToDecode | null> {
  const { catalog, ledger } = ctx;
  const p = ledger.progress.state;
  const started = performance.now();
  p.currentFile = item.path;
  if (item.badName) {
    ledger.recordFailure(item, 'bad-name', item.badName);
    return null;
  }
  if (item.size > MAX_FILE_BYTES) {
    ledger.recordFailure(item, 'too-large', `${item.size} bytes is larger than any photo`);
    return null;
  }
  let bytes: Buffer;
  try {
    // Bounded and checked on the open file: a FIFO or device swapped in after the scan is never read.
    bytes = await readRegularFile(item.path, MAX_FILE_BYTES);
  } catch (e) {
    const d = describeFailure(e);
    ledger.recordFailure(item, d.code, d.reason);
    return null;
  }
  if (bytes.length === 0) {
    ledger.recordFailure(item, 'empty', 'the file is empty (0 bytes)');
    return null;
  }
  const hash = await contentHash(bytes);

  const movedFrom = ctx.missing.get(hash)?.shift();
  if (movedFrom) {
    // The same bytes disappeared from another path: a move or rename. The row (and vector) follows.
    ctx.missingIds.delete(movedFrom.id);
    ledger.later(() => {
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
    return null;
  }
  if (catalog.labelFor(ctx.modelId, hash) !== undefined) {
    const twin = catalog.photosWithHash(hash)[0];
    ledger.later(() =>
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
    return null;
  }
  if (!ledger.claim(hash, item)) return null;
  return { item, hash, bytes, readMs: performance.now() - started };
}

/** Runs `concurrency` readers over `work` in order into `out`, which it closes when all are done. */
export async function runReadHash(
  work: WorkItem[],
  out: AsyncQueue<ToDecode>,
  ctx: ReadHashContext,
  opts: { concurrency: number; signal: AbortSignal },
): Promise<void> {
  let next = 0;
  const reader = async () => {
    while (next < work.length && !opts.signal.aborted) {
      const item = work[next++]!;
      const found = await readAndHash(item, ctx);
      if (found) await out.push(found);
      ctx.ledger.progress.emit();
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, reader));
  } finally {
    out.close();
  }
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

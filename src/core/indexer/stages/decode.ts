// Stage 2, decode: turns read files into model inputs (through the decoder chain) plus their EXIF,
// `concurrency` groups at once; bad files become failures, with the duplicates that followed them.
import type { PhotoWrite } from '../../catalog/catalog';
import type { PreprocessSpec } from '../../runtime/types';
import { readExif, type PhotoExif } from '../exif';
import type { WorkItem } from '../diff';
import type { DecoderName } from './decoder';
import type { Decided, DecoderChain } from './decoder-chain';
import type { RunLedger } from './ledger';
import type { AsyncQueue } from './queue';
import { describeFailure, type ToDecode } from './read-hash';

/** A photo ready for a batch. */
export interface Decoded {
  item: WorkItem;
  hash: string;
  /** imageSize² × 3 packed RGB. */
  rgb: Uint8Array;
  write: Omit<PhotoWrite, 'status'>;
  thumbnail?: Buffer;
  decoder: DecoderName;
  readMs: number;
  /** Its share of the decode call's wall time. */
  decodeMs: number;
}

interface DecodeContext {
  chain: DecoderChain;
  spec: PreprocessSpec;
  ledger: RunLedger;
  thumbnailSize?: number;
  signal: AbortSignal;
}

/** Decodes one group; pushes what decoded and records what did not. */
async function decodeGroup(group: ToDecode[], ctx: DecodeContext): Promise<Decoded[]> {
  const { ledger, signal } = ctx;
  const started = performance.now();
  const files = group.map((f) => ({ name: f.item.path, bytes: f.bytes }));
  const fail = (f: ToDecode, e: unknown) => {
    const { code, reason } = describeFailure(e);
    ledger.recordFailure(f.item, code, reason);
    for (const follower of ledger.land(f.hash)) ledger.recordFailure(follower, code, reason);
  };
  let outcomes: Decided[];
  let exifs: PhotoExif[];
  try {
    [outcomes, exifs] = await Promise.all([
      ctx.chain.decode(files, ctx.spec, { thumbnailSize: ctx.thumbnailSize, signal }),
      Promise.all(group.map((f) => readExif(f.bytes))),
    ]);
  } catch (e) {
    // A decoder call failed as a whole: each of its files is recorded with the reason.
    if (!signal.aborted) group.forEach((f) => fail(f, e));
    return [];
  }
  const decodeMs = (performance.now() - started) / group.length;
  const out: Decoded[] = [];
  group.forEach((f, i) => {
    const o = outcomes[i]!;
    if (!o.ok) {
      if (!signal.aborted) fail(f, o.error);
      return;
    }
    const exif = exifs[i]!;
    const { item, hash } = f;
    out.push({
      item,
      hash,
      rgb: o.input.rgb,
      thumbnail: o.input.thumbnail,
      decoder: o.decoder,
      readMs: f.readMs,
      decodeMs,
      write: {
        folderId: item.folderId,
        path: item.path,
        size: item.size,
        mtimeMs: item.mtimeMs,
        hash,
        width: o.input.info.width,
        height: o.input.info.height,
        format: o.input.info.format,
        takenAt: exif.takenAt,
        camera: exif.camera,
      },
    });
  });
  return out;
}

/**
 * Calls at once when the first decoder takes batches (the GPU): one on the device while the other
 * gathers its next batch and finishes its last one's hand-backs on the CPU (those fan out over
 * libuv's pool on their own). More would only hold further batches of file bytes queued behind a
 * device that decodes one batch at a time.
 */
export const BATCH_SLOTS = 2;

/**
 * Runs decode calls from `input` into `out`, which it closes when done: `concurrency` calls of one
 * file at once for a one-file decoder (the CPU), BATCH_SLOTS calls of a full batch each for a batch
 * decoder, which never gets a part batch while files are still coming.
 */
export async function runDecode(
  input: AsyncQueue<ToDecode>,
  out: AsyncQueue<Decoded>,
  ctx: DecodeContext,
  concurrency: number,
): Promise<void> {
  const size = ctx.chain.groupSize;
  const slots = size > 1 ? Math.min(concurrency, BATCH_SLOTS) : concurrency;
  // Waiting for more than the input can hold would wait for its close.
  const full = Math.min(size, input.limit);
  const slot = async () => {
    for (;;) {
      // A short group only once the input is closed (the run's last files, or an abort).
      const group = await input.pull(size, full);
      if (!group.length) return;
      if (ctx.signal.aborted) continue; // read but not decoded: redone by the next run
      for (const d of await decodeGroup(group, ctx)) await out.push(d);
      ctx.ledger.progress.emit();
    }
  };
  try {
    await Promise.all(Array.from({ length: slots }, slot));
  } finally {
    out.close();
  }
}

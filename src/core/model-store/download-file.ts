// Downloads one file of a model into the partial folder: resumes an existing part with an HTTP Range
// request (checking the server really sent that range), hashes while streaming, verifies size and
// checksum, and retries transient failures with backoff. A part that fails its checksum is deleted.
import { mkdir, open, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpStatusError, ModelDownloadError, networkError } from './errors';
import { FileHasher, hashExisting } from './hash';
import { headerValue, httpRequest, type HttpOptions } from './http';
import type { PullMeter } from './progress';
import type { RemoteFile } from './resolve';

export interface RetryPolicy {
  /** Attempts after the first one that made no progress; an attempt that moved bytes resets the count. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Five retries over about a minute ride out a CDN hiccup or a Wi-Fi change without hiding an outage. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseDelayMs: 2 * 1000, maxDelayMs: 30 * 1000 };

interface FileDownloadContext {
  http: HttpOptions;
  retry: RetryPolicy;
  meter: PullMeter;
  /** Something worth telling the user that is not an error (a server that ignored Range). */
  onNote?: (note: string) => void;
}

interface FileDownloadResult {
  /** Bytes that came over the network for this file. */
  downloaded: number;
  /** Bytes of an earlier partial download that were kept. */
  resumed: number;
  /** The server answered a Range request with the whole file (or the wrong range). */
  rangeIgnored: boolean;
}

async function sizeOnDisk(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/** "bytes 100-199/1000" → {start, end, total}; total null for "*". */
function parseContentRange(
  value: string | undefined,
): { start: number; end: number; total: number | null } | null {
  const m = value?.match(/^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i);
  if (!m) return null;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? null : Number(m[3]) };
}

/** Bytes received but not yet on disk before the socket is paused: bounded memory on a fast network. */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

/**
 * Writes a response body to `fh`, calling `onWritten` for each chunk once it is on disk. Data is taken
 * as it arrives (flowing mode) and every byte received before a cut-off or timeout is written before
 * the error is passed on: a paused stream that is destroyed drops its buffer, and those bytes would
 * have to be fetched again.
 */
function writeBody(body: Readable, fh: FileHandle, onWritten: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let queued = 0;
    let writes: Promise<void> = Promise.resolve();
    let writeError: Error | null = null;
    let settled = false;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      void writes.then(() => ((writeError ?? err) ? reject(writeError ?? err) : resolve()));
    };
    body.on('data', (chunk: Buffer) => {
      queued += chunk.length;
      if (queued > MAX_QUEUED_BYTES) body.pause();
      writes = writes.then(async () => {
        if (writeError) return;
        try {
          await fh.write(chunk);
          onWritten(chunk);
        } catch (e) {
          writeError = e as Error;
          body.destroy(writeError);
        }
        queued -= chunk.length;
        if (body.isPaused() && queued <= MAX_QUEUED_BYTES / 2) body.resume();
      });
    });
    body.on('end', () => settle(null));
    body.on('error', (e) => settle(e));
    body.on('close', () => {
      const cut = Object.assign(new Error('the response ended before it was complete'), {
        code: 'ERR_STREAM_PREMATURE_CLOSE',
      });
      settle(body.readableEnded ? null : cut);
    });
  });
}

function backoff(policy: RetryPolicy, attempt: number, retryAfter: string | undefined): number {
  const stated = Number(retryAfter);
  if (Number.isFinite(stated) && stated >= 0) return Math.min(stated * 1000, policy.maxDelayMs);
  const exp = Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
  return exp * (0.8 + Math.random() * 0.4); // jitter: many clients do not retry in step
}

/**
 * Brings `dest` to the complete, verified content of `file`. Resolves when it is on disk and correct;
 * rejects with a ModelDownloadError (the part is kept when it may be good, deleted when it is corrupt)
 * or with the abort reason when `http.signal` fires (the part is kept for resuming).
 */
export async function downloadFile(
  file: RemoteFile,
  dest: string,
  ctx: FileDownloadContext,
): Promise<FileDownloadResult> {
  const { meter, retry } = ctx;
  const signal = ctx.http.signal;
  await mkdir(dirname(dest), { recursive: true });
  const result: FileDownloadResult = { downloaded: 0, resumed: 0, rangeIgnored: false };
  let expectedSize = file.size;
  const fresh = () => new FileHasher({ size: expectedSize, sha256: file.sha256, gitSha1: file.gitSha1 });
  /** Hashes exactly the bytes on disk; kept across retries so a long file is not re-read each time. */
  let hasher: FileHasher | null = null;
  /** This file's bytes currently counted in the meter. */
  let counted = 0;
  const discard = async () => {
    await rm(dest, { force: true });
    meter.discarded(counted);
    counted = 0;
    hasher = null;
    result.resumed = 0;
  };
  let failures = 0;
  let retriedAfterMismatch = false;
  for (;;) {
    let have = await sizeOnDisk(dest);
    if (expectedSize !== null && have > expectedSize) {
      await discard();
      have = 0;
    }
    if (!hasher || hasher.bytes !== have) {
      meter.discarded(counted);
      counted = 0;
      hasher = fresh();
      if (have > 0) {
        meter.phase('checking', file.path);
        await hashExisting(dest, have, hasher, (n) => meter.resumed(n), signal);
        counted = have;
        result.resumed = have;
      }
    }
    const resumedFrom = have;
    let receivedThisAttempt = 0;
    let retryAfter: string | undefined;
    try {
      if (expectedSize === null || have < expectedSize) {
        meter.phase('downloading', file.path);
        const res = await httpRequest(file.url, {
          ...ctx.http,
          headers: { ...ctx.http.headers, ...(have > 0 ? { range: `bytes=${have}-` } : {}) },
        });
        retryAfter = headerValue(res.headers, 'retry-after');
        if (res.status === 416 && have > 0) {
          // The part is not a prefix the server recognises: start the file again.
          res.body.resume();
          await discard();
          continue;
        }
        if (res.status !== 200 && res.status !== 206) {
          res.body.resume();
          throw httpStatusError(res.status, file.url, file.path);
        }
        const range =
          res.status === 206 ? parseContentRange(headerValue(res.headers, 'content-range')) : null;
        const honoured =
          res.status === 206 &&
          range !== null &&
          range.start === have &&
          (expectedSize === null || range.total === null || range.total === expectedSize);
        if (have > 0 && !honoured) {
          // A 200 carries the whole file; a 206 with another range cannot be appended. Either way the
          // file starts again from byte 0 — on this very response when it is the whole file.
          result.rangeIgnored = true;
          const said = range ? ` with ${headerValue(res.headers, 'content-range')}` : '';
          ctx.onNote?.(
            `${file.path}: the server did not resume at byte ${have} (answered ${res.status}${said}); ` +
              `downloading the file again`,
          );
          await discard();
          if (res.status !== 200) {
            res.body.resume();
            continue;
          }
          have = 0;
          hasher = fresh();
        }
        const length = Number(headerValue(res.headers, 'content-length'));
        const bodyTotal = Number.isSafeInteger(length) ? have + length : (range?.total ?? null);
        if (res.status === 200 && expectedSize !== null && bodyTotal !== null && bodyTotal !== expectedSize) {
          res.body.resume();
          throw new ModelDownloadError(
            'SIZE',
            `${file.path}: ${file.url} is ${bodyTotal} bytes, but ${expectedSize} were expected — the file ` +
              `on the server is not the one listed (changed upstream, or a wrong mirror)`,
            { file: file.path, url: file.url },
          );
        }
        if (expectedSize === null && bodyTotal !== null) {
          expectedSize = bodyTotal;
          meter.state.bytesTotal += bodyTotal;
        }
        const h: FileHasher = hasher ?? fresh();
        hasher = h;
        const fh = await open(dest, have > 0 ? 'a' : 'w');
        try {
          await writeBody(res.body, fh, (buf) => {
            h.update(buf);
            receivedThisAttempt += buf.length;
            result.downloaded += buf.length;
            counted += buf.length;
            meter.received(buf.length);
          });
          await fh.sync();
        } finally {
          await fh.close();
        }
        if (expectedSize !== null && h.bytes < expectedSize) {
          throw new ModelDownloadError(
            'NETWORK',
            `${file.path}: ${file.url} ended after ${h.bytes} of ${expectedSize} bytes`,
            { file: file.path, url: file.url, transient: true },
          );
        }
      }
    } catch (e) {
      if (signal?.aborted) throw signal.reason ?? e;
      const err = networkError(e, file.url, file.path);
      if (!err.transient) throw err;
      // An attempt that moved bytes is progress, not a failing server: resume at once.
      failures = receivedThisAttempt > 0 ? 0 : failures + 1;
      if (failures > retry.retries) throw err;
      ctx.onNote?.(`${err.message}; trying again`);
      if (failures > 0) await sleep(backoff(retry, failures - 1, retryAfter), undefined, { signal });
      continue;
    }

    const wrong = (hasher ?? fresh()).mismatch();
    if (!wrong) return result;
    // Corrupt bytes are worth nothing: delete them, so that no later attempt resumes from them.
    await discard();
    if (resumedFrom > 0 && !retriedAfterMismatch) {
      // The kept part may be what is wrong (an older version of the file): one fresh try from byte 0.
      retriedAfterMismatch = true;
      ctx.onNote?.(`${file.path}: the resumed file did not verify (${wrong}); downloading it again`);
      continue;
    }
    throw new ModelDownloadError(
      'CHECKSUM',
      `${file.path}: the download from ${file.url} is damaged — ${wrong}. The damaged file was deleted and ` +
        `nothing was installed; try again, or use another source if it happens again`,
      { file: file.path, url: file.url },
    );
  }
}

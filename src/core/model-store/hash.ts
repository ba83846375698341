// Checksums of model files: SHA-256 (what Hugging Face states for large files) and Git's blob id (what it
// states for small ones), computed while streaming so a multi-gigabyte file is read once.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

interface Expected {
  size: number | null;
  sha256: string | null;
  gitSha1: string | null;
}

/** Hashes bytes as they arrive; `digest()` gives what was fed so far. */
export class FileHasher {
  private sha256 = createHash('sha256');
  private git: Hash | null;
  bytes = 0;

  /** Git's blob id hashes a header carrying the final size, so it needs the size up front. */
  constructor(readonly expected: Expected) {
    this.git =
      expected.gitSha1 && expected.size !== null
        ? createHash('sha1').update(`blob ${expected.size}\0`)
        : null;
  }

  update(chunk: Buffer): void {
    this.sha256.update(chunk);
    this.git?.update(chunk);
    this.bytes += chunk.length;
  }

  /** The first difference from what was expected, in words; null when the file is right. */
  mismatch(): string | null {
    const { size, sha256, gitSha1 } = this.expected;
    if (size !== null && this.bytes !== size) return `${this.bytes} bytes instead of ${size}`;
    if (sha256) {
      const got = this.sha256.digest('hex');
      if (got !== sha256) return `SHA-256 ${got} instead of ${sha256}`;
    }
    if (gitSha1 && this.git) {
      const got = this.git.digest('hex');
      if (got !== gitSha1) return `Git blob id ${got} instead of ${gitSha1}`;
    }
    return null;
  }
}

/** Feeds the first `length` bytes of `file` to `hasher` (a partial download being resumed). */
export async function hashExisting(
  file: string,
  length: number,
  hasher: FileHasher,
  onBytes: (n: number) => void = () => {},
  signal?: AbortSignal,
): Promise<void> {
  if (length === 0) return;
  const stream = createReadStream(file, { start: 0, end: length - 1, highWaterMark: 1024 * 1024, signal });
  for await (const chunk of stream) {
    hasher.update(chunk as Buffer);
    onBytes((chunk as Buffer).length);
  }
}

// A bundle's content fingerprint: SHA-256 over the sorted list of its files' paths and SHA-256s,
// computed when a model is installed and kept in its install record. A library remembers the
// fingerprint of the bundle that made its vectors, so a changed bundle under the same id is noticed.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';

export interface HashedFile {
  path: string;
  size: number;
  sha256: string;
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Fills in the SHA-256 of each file that has none yet (small files a server vouched for otherwise). */
export async function hashFiles(
  dir: string,
  files: Array<{ path: string; size: number; sha256: string | null }>,
): Promise<HashedFile[]> {
  const out: HashedFile[] = [];
  for (const f of files) out.push({ ...f, sha256: f.sha256 ?? (await sha256OfFile(join(dir, f.path))) });
  return out;
}

/** Independent of the order files were listed or downloaded in. Dot-files (the install record, a
 *  tool's stamp) are bookkeeping beside the model, not part of it, and are left out. */
export function bundleFingerprint(files: Array<{ path: string; sha256: string }>): string {
  const lines = files
    .filter((f) => !f.path.split('/').some((segment) => segment.startsWith('.')))
    .map((f) => `${f.path}\0${f.sha256}\n`)
    .sort();
  return createHash('sha256').update(lines.join('')).digest('hex');
}

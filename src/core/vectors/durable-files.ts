// Durable file steps for the vector index: checksums, fsync, and whole-or-nothing replacement.
// Kept apart from the sidecar schema so the index worker loads them without zod.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** `sha256:<hex>` of a file's bytes, read as a stream so a large graph never sits in memory twice. */
export async function fileChecksum(path: string): Promise<string> {
  const hash = createHash('sha256');
  // 1 MiB reads: few enough syscalls for a 400 MB graph, small enough to interleave with other work.
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** Flushes a file's data to the disk. */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename inside `dir` durable; Windows cannot open a folder for this and needs no such step. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw e;
  } finally {
    await handle?.close();
  }
}

/** Writes via a temporary file, fsync and rename, so readers see the old or the new content, whole. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await fsyncDir(dirname(path));
}

/** Size of a file in bytes, or null if it does not exist. */
export async function fileSize(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

// Content-addressed thumbnail cache: one WebP per distinct photo content, named by its hash, written
// atomically so a crash never leaves a half-written thumbnail that later looks valid.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Longest side of a grid thumbnail: sharp on a 2× display at ~128 px tiles, ~10 KB each. */
export const THUMBNAIL_SIZE = 256;

interface ThumbnailUsage {
  files: number;
  bytes: number;
}

export class ThumbnailStore {
  /** Counted once (a walk of up to a million files), then kept current by put/remove/clear. */
  private counted: Promise<ThumbnailUsage> | null = null;

  constructor(readonly dir: string) {}

  private async adjust(files: number, bytes: number): Promise<void> {
    if (!this.counted) return;
    const u = await this.counted;
    u.files += files;
    u.bytes += bytes;
  }

  private async sizeOf(path: string): Promise<number | null> {
    return (await stat(path).catch(() => null))?.size ?? null;
  }

  /** thumbs/ab/abcdef….webp: 256 subfolders keep directory listings short at a million photos. */
  pathFor(hash: string): string {
    return join(this.dir, hash.slice(0, 2), `${hash}.webp`);
  }

  has(hash: string): boolean {
    return existsSync(this.pathFor(hash));
  }

  async put(hash: string, webp: Buffer): Promise<void> {
    const path = this.pathFor(hash);
    await mkdir(join(this.dir, hash.slice(0, 2)), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, webp);
    const before = await this.sizeOf(path);
    await rename(tmp, path);
    await this.adjust(before === null ? 1 : 0, webp.length - (before ?? 0));
  }

  async remove(hash: string): Promise<void> {
    const path = this.pathFor(hash);
    const before = await this.sizeOf(path);
    await rm(path, { force: true });
    if (before !== null) await this.adjust(-1, -before);
  }

  /** Bytes and files in the cache (for the settings panel and glimpse status). */
  usage(): Promise<ThumbnailUsage> {
    this.counted ??= this.count();
    return this.counted.then((u) => ({ ...u }));
  }

  private async count(): Promise<ThumbnailUsage> {
    let files = 0;
    let bytes = 0;
    if (!existsSync(this.dir)) return { files, bytes };
    for (const sub of await readdir(this.dir)) {
      for (const name of await readdir(join(this.dir, sub)).catch(() => [] as string[])) {
        const s = await stat(join(this.dir, sub, name)).catch(() => null);
        if (s?.isFile()) {
          files++;
          bytes += s.size;
        }
      }
    }
    return { files, bytes };
  }

  async clear(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    this.counted = Promise.resolve({ files: 0, bytes: 0 });
  }
}

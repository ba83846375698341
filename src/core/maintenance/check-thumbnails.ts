// Checks between the catalog and the thumbnail cache: every indexed content has its thumbnail, and
// every file in the cache is the thumbnail of an indexed content.
import { existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { remakeThumbnail } from '../indexer/remake-thumbnail';
import type { Check } from './check-types';
import { EXAMPLES } from './check-types';

const THUMBNAIL_NAME = /^([0-9a-f]{64})\.webp$/;
/** A temp file younger than this may be a thumbnail being written right now by this process. */
const TMP_GRACE_MS = 60 * 60 * 1000;

export const thumbnailsMissing: Check = {
  id: 'thumbnails-missing',
  title: 'every indexed photo has a thumbnail',
  async find(ctx) {
    const hashes = ctx.catalog.maintenance.indexedHashes();
    const missing: string[] = [];
    hashes.forEach((hash, i) => {
      if (!ctx.thumbnails.has(hash)) missing.push(hash);
      if ((i & 0xfff) === 0) ctx.progress(i, hashes.length);
    });
    return {
      found: missing.length,
      examples: missing.slice(0, EXAMPLES).map((h) => ctx.catalog.photosWithHash(h)[0]?.path ?? h),
      advice: 'no readable file has those bytes any more; the next glimpse index settles them',
      repair: async () => {
        for (const [i, hash] of missing.entries()) {
          ctx.signal?.throwIfAborted();
          await remakeThumbnail(ctx.catalog, ctx.thumbnails, ctx.preprocess, hash);
          ctx.progress(i + 1, missing.length);
        }
      },
    };
  },
};

export const thumbnailsOrphan: Check = {
  id: 'thumbnails-orphan',
  title: 'every thumbnail belongs to an indexed photo',
  async find(ctx) {
    const dir = ctx.thumbnails.dir;
    const orphans: string[] = [];
    if (existsSync(dir)) {
      const subs = await readdir(dir);
      for (const [i, sub] of subs.entries()) {
        const shard = join(dir, sub);
        if (!(await stat(shard).catch(() => null))?.isDirectory()) {
          orphans.push(shard); // a stray file where only shard folders belong
          continue;
        }
        for (const name of await readdir(shard).catch(() => [] as string[])) {
          const path = join(shard, name);
          const hash = THUMBNAIL_NAME.exec(name)?.[1];
          if (hash && hash.startsWith(sub) && ctx.catalog.hashInUse(hash)) continue;
          if (!hash && name.endsWith('.tmp')) {
            const age = Date.now() - ((await stat(path).catch(() => null))?.mtimeMs ?? 0);
            if (age < TMP_GRACE_MS) continue;
          }
          orphans.push(path);
        }
        ctx.progress(i + 1, subs.length);
      }
    }
    return {
      found: orphans.length,
      examples: orphans.slice(0, EXAMPLES),
      repair: async () => {
        await Promise.all(orphans.map((path) => rm(path, { force: true })));
      },
    };
  },
};

// Makes a missing thumbnail again (a cleared cache, a repair): from any file that still has the
// content's bytes, with the same decode and size the indexer uses.
import { readFile } from 'node:fs/promises';
import type { Catalog } from '../catalog/catalog';
import { fsPath } from '../fs/byte-path';
import { decodeForModel } from '../decode/cpu-decode';
import type { PreprocessSpec } from '../runtime/types';
import { contentHash } from './content';
import { THUMBNAIL_SIZE, type ThumbnailStore } from './thumbnails';

/** True when the thumbnail of `hash` is in the store afterwards; false when no readable file has those bytes. */
export async function remakeThumbnail(
  catalog: Catalog,
  thumbnails: ThumbnailStore,
  preprocess: PreprocessSpec,
  hash: string,
): Promise<boolean> {
  for (const photo of catalog.photosWithHash(hash)) {
    try {
      const bytes = await readFile(fsPath(photo.path));
      if ((await contentHash(bytes)) !== hash) continue; // changed since: the next index run handles it
      const { thumbnail } = await decodeForModel(bytes, preprocess, {
        thumbnailSize: THUMBNAIL_SIZE,
        name: photo.path,
      });
      if (!thumbnail) continue;
      await thumbnails.put(hash, thumbnail);
      return true;
    } catch {
      continue; // gone or unreadable: try another copy
    }
  }
  return false;
}

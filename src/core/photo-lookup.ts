// A library's photos as the app asks for them by catalog id: their details and the thumbnail of their
// content, so that no caller outside the core reads the catalog or the thumbnail cache itself.
import { existsSync } from 'node:fs';
import { remakeThumbnail } from './indexer/remake-thumbnail';
import type { Library } from './library';
import { isInside, isInsideReal } from './paths';
import type { PreprocessSpec } from './runtime/types';
import type { PhotoDetails } from '../shared/types';

export class PhotoLookup {
  constructor(
    private readonly library: Library,
    /** The model's decode settings, asked only when a thumbnail must be made again. */
    private readonly preprocess: () => PreprocessSpec,
  ) {}

  /** What the app shows of a photo; undefined for an id the catalog does not know. */
  details(photoId: number): PhotoDetails | undefined {
    const { catalog } = this.library;
    const row = catalog.photo(photoId);
    if (!row) return undefined;
    const folder = catalog.folders().find((f) => f.id === row.folderId);
    return {
      photoId: row.id,
      path: row.path,
      folder: folder?.path ?? '',
      size: row.size,
      width: row.width,
      height: row.height,
      format: row.format,
      takenAt: row.takenAt,
      mtimeMs: row.mtimeMs,
      camera: row.camera,
      status: row.status,
      error: row.error,
    };
  }

  /** The thumbnail the cache holds for a photo's content (links resolved, inside the cache), else null. */
  cachedThumbnail(photoId: number): string | null {
    const hash = this.library.catalog.photo(photoId)?.hash;
    const file = hash ? this.pathFor(hash) : null;
    return file && isInsideReal(file, this.library.thumbnails.dir) ? file : null;
  }

  /**
   * An indexed photo's thumbnail. One the cache has lost (a cleared cache) is made again from the
   * photo's file, by the library's writer only: a cleared cache fills again as thumbnails are shown.
   */
  async thumbnail(photoId: number): Promise<string | null> {
    const { catalog, thumbnails, readOnly } = this.library;
    const row = catalog.photo(photoId);
    const file = row?.hash && row.status === 'indexed' ? this.pathFor(row.hash) : null;
    if (!file || !row?.hash) return null;
    if (
      !existsSync(file) &&
      (readOnly || !(await remakeThumbnail(catalog, thumbnails, this.preprocess(), row.hash)))
    )
      return null;
    return isInsideReal(file, thumbnails.dir) ? file : null;
  }

  /** Where the cache keeps the thumbnail of `hash`; null when a damaged hash would lead outside it. */
  private pathFor(hash: string): string | null {
    const { thumbnails } = this.library;
    const file = thumbnails.pathFor(hash);
    return isInside(file, thumbnails.dir) ? file : null;
  }
}

// The files main's protocols serve for a catalog id — a thumbnail, the photo, the image the window can
// show — and the photo's details: only files inside a library folder (links resolved) or the thumbnail
// cache, never a path the window names.
import { PhotoNotFoundError, type LibraryOps } from '../core';
import type { PhotoDetails } from '../shared/types';
import { browserMime, inLibrary } from './window-paths';

/** The part of the library these lookups read. */
type PhotoSource = Pick<LibraryOps, 'photos' | 'folders'>;

export class PhotoFiles {
  /** `reader`: the library for reading (a read-only view beside another Glimpse works too). */
  constructor(private readonly reader: () => Promise<PhotoSource>) {}

  /** Throws PhotoNotFoundError (code NOT_FOUND) for an id the catalog does not know. */
  async details(photoId: number): Promise<PhotoDetails> {
    const details = (await this.reader()).photos.details(photoId);
    if (!details) throw new PhotoNotFoundError(photoId);
    return details;
  }

  /** An indexed photo's thumbnail (made again if the cache lost it). */
  async thumbnailFile(photoId: number): Promise<string | null> {
    return (await this.reader()).photos.thumbnail(photoId);
  }

  /** The photo's own file, when it is still inside a library folder. */
  async photoFile(photoId: number): Promise<string | null> {
    const library = await this.reader();
    const path = library.photos.details(photoId)?.path;
    return path && inLibrary(path, library.folders()) ? path : null;
  }

  /** The photo's file where the window can show its type, else its thumbnail as WebP. */
  async imageFile(photoId: number): Promise<{ path: string; mime: string } | null> {
    const library = await this.reader();
    const path = library.photos.details(photoId)?.path;
    if (!path || !inLibrary(path, library.folders())) return null;
    const mime = browserMime(path);
    if (mime) return { path, mime };
    const thumbnail = library.photos.cachedThumbnail(photoId);
    return thumbnail ? { path: thumbnail, mime: 'image/webp' } : null;
  }
}

// The engine's own checks on paths that come from the window through main (main checks them first; the
// engine does not rely on it): which library folders may be re-indexed, and which files of the catalog
// may be served.
import { extname } from 'node:path';
import { canonicalFolder, FolderError, isInsideReal } from '../core';
import { BROWSER_IMAGE_TYPES } from '../shared/photo-files';

/** Throws a FolderError naming the first path that is not a library folder (spelt as stored, or
 *  resolving to one). */
export function checkLibraryFolders(paths: string[], folders: Array<{ path: string }>): void {
  const known = folders.map((f) => f.path);
  for (const path of paths) {
    if (known.includes(path)) continue;
    let real: string | null = null;
    try {
      real = canonicalFolder(path);
    } catch {
      // not a folder at all: refused below like any other stranger
    }
    if (!real || !known.includes(real))
      throw new FolderError(`${path} is not a library folder (add it to the library first)`);
  }
}

/** Whether `path` exists inside a library folder with every symbolic link resolved (a link that leads
 *  out of the folder, to a file or to `/`, is not served). */
export function inLibrary(path: string, folders: Array<{ path: string }>): boolean {
  return folders.some((f) => isInsideReal(path, f.path));
}

/** The MIME type the window can show `path` as, or undefined when it needs the preview instead. */
export function browserMime(path: string): string | undefined {
  return BROWSER_IMAGE_TYPES[extname(path).toLowerCase()];
}

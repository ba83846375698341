// Which paths of a library folder a full scan would list, asked one path at a time: watch mode and
// scoped runs see single changed paths and must skip exactly what scanFolder skips.
import { extname, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { IMAGE_EXTENSIONS, SYSTEM_FOLDERS } from '../indexer/scan';

export const isPhotoName = (path: string): boolean => IMAGE_EXTENSIONS.has(extname(path).toLowerCase());

export class FolderRules {
  private readonly excluded: ((rel: string) => boolean) | null;

  constructor(
    readonly root: string,
    exclude: string[] = [],
  ) {
    // The same matcher and options scanFolder builds, so a pattern means the same thing in both.
    this.excluded = exclude.length ? picomatch(exclude, { dot: true }) : null;
  }

  /**
   * True when a full scan of the root would never list this path (or, for a folder, walk into it):
   * a hidden or system folder on the way, an exclusion pattern, or a file that is not a photo.
   * `path` is inside the root; the root itself is never skipped.
   */
  skips(path: string, kind: 'file' | 'dir'): boolean {
    const rel = relative(this.root, path);
    if (rel === '') return false;
    const parts = rel.split(sep);
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i]!;
      if (name.startsWith('.')) return true;
      const isDir = i < parts.length - 1 || kind === 'dir';
      if (isDir && SYSTEM_FOLDERS.has(name)) return true;
      if (this.excluded) {
        const sub = parts.slice(0, i + 1).join('/');
        if (this.excluded(sub) || (isDir && this.excluded(`${sub}/`))) return true;
      }
    }
    return kind === 'file' && !isPhotoName(path);
  }
}

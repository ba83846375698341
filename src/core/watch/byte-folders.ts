// Watch mode's eye on the folders chokidar cannot watch: chokidar lists folders by text, so a folder
// with a name on its path that is not valid UTF-8 gets no watcher, and its mtime is polled instead.
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hasEscapedBytes } from '../../shared/byte-path';
import { fsPath } from '../fs/byte-path';
import type { WatchTarget } from './watcher';

/**
 * The folders chokidar cannot watch because a name on their path is not valid UTF-8 (it lists folders
 * by text): each one's mtime is polled, which changes when a file in it is added, removed or renamed.
 * A photo edited in place there is seen by the next full run only.
 */
export class ByteFolders {
  private readonly mtimes = new Map<string, number | null>();
  private polling = false;

  constructor(
    private readonly target: Pick<WatchTarget, 'pathsWithEscapedBytes'>,
    private readonly changed: (dir: string) => void,
  ) {}

  /** Takes the list of folders from the library's paths again. */
  async refresh(): Promise<void> {
    const dirs = new Set<string>();
    for (const path of this.target.pathsWithEscapedBytes?.() ?? [])
      for (let dir = dirname(path); hasEscapedBytes(dir) && !dirs.has(dir); dir = dirname(dir)) dirs.add(dir);
    for (const dir of this.mtimes.keys()) if (!dirs.has(dir)) this.mtimes.delete(dir);
    for (const dir of dirs) if (!this.mtimes.has(dir)) this.mtimes.set(dir, await this.mtimeOf(dir));
  }

  /** Reports each folder whose mtime moved (or that vanished) since it was last looked at. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const [dir, before] of this.mtimes) {
        const now = await this.mtimeOf(dir);
        if (now === before) continue;
        this.mtimes.set(dir, now);
        this.changed(dir);
      }
    } finally {
      this.polling = false;
    }
  }

  private async mtimeOf(dir: string): Promise<number | null> {
    return (await stat(fsPath(dir)).catch(() => null))?.mtimeMs ?? null;
  }
}

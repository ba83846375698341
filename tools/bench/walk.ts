// The floor under any re-scan: a bare recursive readdir plus a stat of every file, with as many stats
// in flight as the scanner allows itself, and nothing else (no filters, no links, no catalog).
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The scanner's own STAT_CONCURRENCY (src/core/indexer/scan.ts), so the two differ only in what
 *  the scanner and indexer do beyond listing and stat'ing. */
const STATS_IN_FLIGHT = 32;

/** Files under `root` (every regular file, hidden ones included), each stat'ed once. */
export async function readdirStat(root: string): Promise<number> {
  const stack = [root];
  let files = 0;
  while (stack.length) {
    const dir = stack.pop()!;
    const paths: string[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isFile()) paths.push(path);
    }
    for (let i = 0; i < paths.length; i += STATS_IN_FLIGHT) {
      const stats = await Promise.all(paths.slice(i, i + STATS_IN_FLIGHT).map((p) => stat(p)));
      files += stats.length;
    }
  }
  return files;
}

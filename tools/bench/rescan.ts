// Re-scan of an unchanged library through the real indexing path (LibraryOps.index → runIndex: walk,
// stat, catalog lookups, sweep), paired with a bare readdir + stat of the same tree as its floor.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { contentHash } from '../../src/core/indexer/content';
import { scanFolder } from '../../src/core/indexer/scan';
import { Library } from '../../src/core/library';
import { LibraryOps } from '../../src/core/library-ops';
import { Embedder } from '../../src/core/runtime/embedder';
import type { ModelBundle } from '../../src/core/runtime/types';
import { ClusteredVectors, row } from '../../src/core/vectors/synthetic';
import { alternate, timed, type Pooled } from './paired';
import { SMALL_HEIGHT, SMALL_WIDTH, type SmallTree } from './small-tree';
import { clearStamp, ensureStamped } from './stamp';
import { readdirStat } from './walk';

const LIBRARY_VERSION = 1;
/** Files per catalog transaction while seeding: large enough that commits do not dominate. */
const SEED_BATCH = 1000;

interface RescanResult {
  files: number;
  /** Opening the cached library (catalog, saved vector index, catch-up check), before the re-scans. */
  libraryOpenSeconds: number;
  rescan: Pooled;
  readdirStat: Pooled;
  /** Median over rounds of rescan rate ÷ readdir + stat rate. */
  medianRatio: number;
  /** Seconds spent seeding the library in this run; 0 when reused. */
  seededSeconds: number;
}

/**
 * The state a finished index of `tree` leaves — a folder, a photo row per file with its real size,
 * mtime and SHA-256, and one vector per content — written through the catalog's own methods instead of
 * embedding every file: an unchanged re-scan reads none of the pixels or vectors, and the indexer would
 * take over 20 minutes (about 75 files/s) to produce the same rows for 100k files here. The vectors are
 * seeded stand-ins (clustered unit vectors), so the vector index file still has its real size.
 */
async function seedLibrary(dir: string, tree: SmallTree, bundle: ModelBundle): Promise<void> {
  const lib = await Library.open({ dir, modelId: bundle.id, dim: bundle.embedDim });
  try {
    const ops = new LibraryOps(lib, new Embedder(bundle, { providers: ['cpu'] }));
    const [folder] = ops.addFolders([tree.dir]);
    const gen = new ClusteredVectors({ dim: bundle.embedDim, seed: 7 });
    const { catalog } = lib;
    let batch: Array<{ path: string; size: number; mtimeMs: number }> = [];
    let written = 0;
    const flush = async () => {
      const hashes = await Promise.all(batch.map(async (f) => contentHash(await readFile(f.path))));
      const vectors = gen.sample(batch.length);
      const added: Array<{ label: number; vector: Float32Array }> = [];
      catalog.transaction(() => {
        batch.forEach((f, i) => {
          const vector = row(vectors, bundle.embedDim, i);
          added.push({ label: catalog.addEmbedding(bundle.id, hashes[i]!, vector), vector });
          catalog.writePhoto({
            folderId: folder!.id,
            ...f,
            hash: hashes[i]!,
            width: SMALL_WIDTH,
            height: SMALL_HEIGHT,
            format: 'jpeg',
            status: 'indexed',
          });
        });
      });
      lib.sink.add(added);
      written += batch.length;
      batch = [];
    };
    for await (const file of scanFolder(folder!.path)) {
      batch.push(file);
      if (batch.length === SEED_BATCH) await flush();
    }
    if (batch.length) await flush();
    catalog.markScanned(folder!.id);
    if (written !== tree.files)
      throw new Error(`${tree.dir}: the scanner found ${written} files, the tree should hold ${tree.files}`);
    await lib.vectors.flush();
  } finally {
    await lib.close();
  }
}

export async function benchRescan(
  cache: string,
  tree: SmallTree,
  bundle: ModelBundle,
  opts: { rounds: number; log: (line: string) => void },
): Promise<RescanResult> {
  const dir = join(cache, `library-${tree.files}-${bundle.id.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
  const t0 = performance.now();
  const seeded = await ensureStamped(
    dir,
    // A remade tree has new mtimes: rows seeded from the old one would all look changed.
    {
      version: LIBRARY_VERSION,
      files: tree.files,
      modelId: bundle.id,
      tree: tree.dir,
      treeMadeAt: tree.madeAt,
    },
    async (d) => {
      opts.log(`seeding a library of ${tree.files} photos in ${d}`);
      await seedLibrary(d, tree, bundle);
    },
  );
  const seededSeconds = seeded ? (performance.now() - t0) / 1000 : 0;

  const openStart = performance.now();
  const lib = await Library.open({ dir, modelId: bundle.id, dim: bundle.embedDim });
  const libraryOpenSeconds = (performance.now() - openStart) / 1000;
  // Never loaded: an unchanged re-scan has nothing to embed (a check below fails if it had).
  const embedder = new Embedder(bundle, { providers: ['cpu'] });
  try {
    const ops = new LibraryOps(lib, embedder);
    const rescan = async () => {
      const s = await ops.index([]);
      const changed = s.found - s.unchanged;
      if (s.found !== tree.files || changed || s.embedded || s.removed || s.failed.length) {
        await clearStamp(dir);
        throw new Error(
          `${dir}: re-scan was not of an unchanged library (found ${s.found} of ${tree.files}, ` +
            `${changed} changed, ${s.embedded} embedded, ${s.removed} removed, ${s.failed.length} failed); ` +
            'it will be seeded again on the next run',
        );
      }
      return s.found;
    };
    opts.log('warming the page cache with one walk of the tree');
    await timed(() => readdirStatOf(tree));
    const pair = await alternate(
      opts.rounds,
      () => timed(rescan),
      () => timed(() => readdirStatOf(tree)),
    );
    return {
      files: tree.files,
      libraryOpenSeconds,
      rescan: pair.measured,
      readdirStat: pair.baseline,
      medianRatio: pair.medianRatio,
      seededSeconds,
    };
  } finally {
    await lib.close();
    await embedder.close();
  }
}

/** The bare walk, counted as the tree's photos (it also stats the fixture's stamp file). */
async function readdirStatOf(tree: SmallTree): Promise<number> {
  const seen = await readdirStat(tree.dir);
  if (seen < tree.files)
    throw new Error(`${tree.dir}: readdir + stat saw ${seen} files, expected ${tree.files}`);
  return tree.files;
}

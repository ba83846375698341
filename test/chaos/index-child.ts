// A child process that indexes a photo folder into a library and reports each step as a JSON line on
// stdout, so chaos tests can kill it (SIGKILL) at any point and check what it leaves behind.
//
//   node --import tsx test/chaos/index-child.ts <modelDir> <libraryDir> <photosDir> <batchSize> [--no-save]
//
// --no-save runs the indexing pipeline without saving the vector index, then waits to be killed: the
// catalog is then newer than the index file, as after a crash at the end of a run.
import type { Library } from '../../src/core/library';
import { createWorkspace } from '../../src/core/workspace';
import { runIndex } from '../../src/core/indexer/indexer';
import { indexProblems } from './invariants';

const [modelDir, libraryDir, photosDir, batch, mode] = process.argv.slice(2);
if (!modelDir || !libraryDir || !photosDir || !batch) {
  process.stderr.write('usage: index-child.ts <modelDir> <libraryDir> <photosDir> <batchSize> [--no-save]\n');
  process.exit(2);
}

const say = (event: string, data: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);

const workspace = createWorkspace({
  modelDir,
  libraryDir,
  providers: ['cpu'],
  batchSize: Number(batch),
  // One thread per session: the parent test and this child share two cores.
  cpuThreads: 1,
});
say('starting');
const ops = await workspace.library();
// A model slower than the tiny test model (GLIMPSE_CHAOS_EMBED_MS per batch), so a run lasts long
// enough for kills to land among its batches rather than after its end.
const slowMs = Number(process.env.GLIMPSE_CHAOS_EMBED_MS ?? 0);
if (slowMs > 0) {
  const embedImages = ops.embedder.embedImages.bind(ops.embedder);
  ops.embedder.embedImages = async (batch, items) => {
    await new Promise((resolve) => setTimeout(resolve, slowMs));
    return embedImages(batch, items);
  };
}
const lib: Library = ops.library;
// The check the chaos test cares most about, made where the index lives: right after the open (and
// any catch-up), before this run changes anything.
say('open', { from: lib.indexReport.from, caughtUp: lib.indexReport.caughtUp, problems: indexProblems(lib) });

const onProgress = (p: { phase: string; toProcess: number; embedded: number; processed: number }) =>
  say('progress', { phase: p.phase, toProcess: p.toProcess, embedded: p.embedded, processed: p.processed });

if (mode === '--no-save') {
  ops.addFolders([photosDir]);
  const folders = lib.catalog.folders().map(({ id, path, exclude }) => ({ id, path, exclude }));
  const summary = await runIndex(
    { catalog: lib.catalog, embedder: ops.embedder, vectors: lib.sink, thumbnails: lib.thumbnails },
    folders,
    { onProgress },
  );
  say('indexed', { summary });
  // Hold everything open, unsaved, until the parent kills this process.
  setInterval(() => {}, 60_000);
} else {
  const summary = await ops.index([photosDir], { onProgress });
  say('indexed', { summary });
  await workspace.close();
  say('closed');
}

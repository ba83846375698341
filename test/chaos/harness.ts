// A real library for indexing tests: the workspace (createWorkspace) over the test model, a temp folder for
// photos and library files, and a count of the images the embedder was actually asked to embed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkspace, type Workspace } from '../../src/core/workspace';
import type { LibraryOps } from '../../src/core/library-ops';
import type { ImageBatch } from '../../src/core/runtime/embedder';
import { testModelDir } from '../helpers/test-model';

export interface TestLibrary {
  /** Temp folder holding everything below; removed by close(). */
  root: string;
  /** Where tests write photos (not created until a test writes one). */
  photos: string;
  libraryDir: string;
  modelDir: string;
  workspace: Workspace;
  ops: LibraryOps;
  /** Images per embedImages call since the library opened, in call order. */
  embedCalls: number[];
  /** Images the embedder was asked for since the library opened: the truth behind summary.embedded. */
  embeddedImages(): number;
  /** Closes the workspace (saving the index); the files stay until dispose(). */
  close(): Promise<void>;
  /** close(), then removes the temp folder. */
  dispose(): Promise<void>;
}

/** Small batches on the CPU: commits happen often and a cancellation lands between them. */
export const TEST_BATCH = 4;

interface TestLibraryOptions {
  batchSize?: number;
  /** Reuse a temp folder (reopen a library); a fresh one by default. */
  root?: string;
  /** Extra time each embedImages call takes, so the model rather than decoding is the bottleneck, as
   *  with a real ViT-H/14 (the tiny test model embeds a batch faster than two cores decode it). */
  slowEmbedMs?: number;
}

export async function openTestLibrary(opts: TestLibraryOptions = {}): Promise<TestLibrary> {
  const root = opts.root ?? (await mkdtemp(join(tmpdir(), 'glimpse-indexing-')));
  const modelDir = await testModelDir('float32');
  const libraryDir = join(root, 'library');
  const workspace = createWorkspace({
    modelDir,
    libraryDir,
    providers: ['cpu'],
    batchSize: opts.batchSize ?? TEST_BATCH,
    // The suite shares two cores between test files.
    cpuThreads: 1,
  });
  const ops = await workspace.library();
  const embedCalls: number[] = [];
  // Counted where the images enter the model, so a test can tell "reused" from "embedded again".
  const embedImages = ops.embedder.embedImages.bind(ops.embedder);
  const slow = opts.slowEmbedMs ?? 0;
  ops.embedder.embedImages = async <T extends ImageBatch>(batch: T, items: number) => {
    embedCalls.push(items);
    if (slow) await new Promise((resolve) => setTimeout(resolve, slow));
    return embedImages(batch, items);
  };
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await workspace.close();
  };
  return {
    root,
    photos: join(root, 'photos'),
    libraryDir,
    modelDir,
    workspace,
    ops,
    embedCalls,
    embeddedImages: () => embedCalls.reduce((s, n) => s + n, 0),
    close,
    async dispose() {
      await close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Paths of a text search's hits, best first (all photos, not just the first page). */
export async function searchPaths(ops: LibraryOps, text: string, limit = 1000): Promise<string[]> {
  return (await ops.searchText(text, { limit })).hits.map((h) => h.path);
}

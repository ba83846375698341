import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusteredVectors, row } from './synthetic';
import {
  VectorIndex,
  type IndexManifest,
  type SavedIndex,
  type VectorIndexOptions,
  type VectorItem,
  type VectorSource,
} from './vector-index';

// Every way a saved index can disagree with the database ends in a rebuild from the database's
// vectors, reported with a reason and progress, and never in a crash.

const N = 150;
let dir: string;
const opened: VectorIndex[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-vector-recovery-'));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((index) => index.close()));
  await rm(dir, { recursive: true, force: true });
});

type CountingSource = Omit<VectorSource, 'items'> & { reads: number; items: () => Generator<VectorItem> };

function source(dim: number, seed = 1): CountingSource {
  const rows = new ClusteredVectors({ dim, seed, clusters: 8 }).sample(N);
  const s = {
    count: N,
    reads: 0,
    *items() {
      s.reads++;
      for (let i = 0; i < N; i++) yield { label: 500 + i, vector: row(rows, dim, i) };
    },
  };
  return s;
}

const options = (over: Partial<VectorIndexOptions> = {}): VectorIndexOptions => ({
  dir,
  dim: 16,
  modelId: 'model-a',
  shards: 2,
  ...over,
});

/** Builds and saves an index of the default source, as a previous run would have. */
async function savedIndex(): Promise<SavedIndex> {
  const index = await VectorIndex.open(options(), null, source(16));
  await index.flush();
  const saved = await index.save();
  await index.close();
  return saved;
}

/** Opens, waits for the graph to catch up, and returns the index with the progress it reported. */
async function reopen(opts: VectorIndexOptions, expected: IndexManifest | null, src: VectorSource) {
  const progress: Array<[number, number]> = [];
  const index = await VectorIndex.open(opts, expected, src, (done, total) => progress.push([done, total]));
  opened.push(index);
  await index.flush();
  return { index, progress };
}

async function expectRebuilt(
  result: Awaited<ReturnType<typeof reopen>>,
  reason: RegExp,
  src: CountingSource,
): Promise<void> {
  const { index, progress } = result;
  expect(index.opened.from).toBe('rebuild');
  expect(index.opened.reason).toMatch(reason);
  expect(src.reads).toBe(1);
  expect(progress[0]).toEqual([0, N]);
  expect(progress.at(-1)).toEqual([N, N]);
  expect(progress.every(([done], i) => i === 0 || done >= progress[i - 1]![0])).toBe(true);
  expect(index.size).toBe(N);
  const probe = [...src.items()][42]!;
  expect((await index.search(probe.vector, 1))[0]!.label).toBe(probe.label);
}

describe('reopening a saved vector index', () => {
  it('loads it when generation, count, dim and model all match', async () => {
    const saved = await savedIndex();
    const src = source(16);
    const { index } = await reopen(options(), saved, src);
    expect(index.opened.from).toBe('file');
    expect(src.reads).toBe(0);
  });

  it('rebuilds when the database recorded another generation', async () => {
    const saved = await savedIndex();
    const src = source(16);
    await expectRebuilt(
      await reopen(options(), { ...saved, generation: saved.generation + 1 }, src),
      /generation 1, the database recorded 2/,
      src,
    );
  });

  it('rebuilds when the database has no record of the index', async () => {
    await savedIndex();
    const src = source(16);
    await expectRebuilt(await reopen(options(), null, src), /not recorded in the database/, src);
  });

  it('rebuilds for a model with another dimension', async () => {
    const saved = await savedIndex();
    const src = source(32);
    await expectRebuilt(await reopen(options({ dim: 32 }), saved, src), /dim is 16, the model gives 32/, src);
  });

  it('rebuilds for another model of the same dimension', async () => {
    const saved = await savedIndex();
    const src = source(16, 2);
    await expectRebuilt(
      await reopen(options({ modelId: 'model-b' }), saved, src),
      /model "model-a", not "model-b"/,
      src,
    );
  });

  it('rebuilds from a truncated graph file without handing it to hnswlib', async () => {
    const saved = await savedIndex();
    await truncate(saved.files[0]!.file, Math.floor(saved.files[0]!.bytes / 2));
    const src = source(16);
    await expectRebuilt(await reopen(options(), saved, src), /bytes, the sidecar says/, src);
  });

  it('rebuilds from a graph file overwritten with garbage of the same size', async () => {
    const saved = await savedIndex();
    await writeFile(saved.files[0]!.file, randomBytes(saved.files[0]!.bytes));
    const src = source(16);
    await expectRebuilt(
      await reopen(options(), saved, src),
      /checksum sha256:[0-9a-f]+, the sidecar says/,
      src,
    );
  });

  it('rebuilds when the graph file is gone or the sidecar is not JSON', async () => {
    const saved = await savedIndex();
    await rm(saved.files[0]!.file);
    const src = source(16);
    await expectRebuilt(await reopen(options(), saved, src), /missing/, src);
    await writeFile(join(dir, 'vectors.json'), '{ truncated');
    const again = source(16);
    await expectRebuilt(await reopen(options(), saved, again), /not JSON/, again);
  });

  it('discards the stale files when it rebuilds, and its next save starts above every old generation', async () => {
    const saved = await savedIndex();
    const before = (await stat(saved.files[0]!.file)).size;
    expect(before).toBe(saved.files[0]!.bytes);
    const { index } = await reopen(options(), { ...saved, generation: 7 }, source(16));
    expect(await readdir(dir)).toEqual([]);
    expect((await index.save()).generation).toBe(8);
  });

  it('rebuilds with the parameters its size asks for once a library outgrows its graph, losing nothing', async () => {
    const index = await VectorIndex.open(options({ M: 8, efConstruction: 50 }), null, source(16));
    await index.flush();
    const saved = await index.save();
    await index.close();
    const src = source(16);
    const result = await reopen(options(), saved, src);
    await expectRebuilt(
      result,
      /built with M=8 efConstruction=50, 150 photos need M=16 efConstruction=200/,
      src,
    );
    expect(result.index.buildParams).toEqual({ M: 16, efConstruction: 200 });
  });

  it('loads a graph whose parameters still suit the library when none are asked for', async () => {
    const index = await VectorIndex.open(options({ M: 32, efConstruction: 300 }), null, source(16));
    await index.flush();
    const saved = await index.save();
    await index.close();
    const { index: reopened } = await reopen(options(), saved, source(16));
    expect(reopened.opened.from).toBe('file');
    expect(reopened.buildParams).toEqual({ M: 32, efConstruction: 300 });
  });

  it('skips unusable vectors from the database and says which', async () => {
    const good = source(16);
    const src: VectorSource = {
      count: N + 1,
      *items() {
        yield* good.items();
        yield { label: 9999, vector: new Float32Array(16) }; // a zero vector: norm 0
      },
    };
    const { index, progress } = await reopen(options(), null, src);
    expect(index.opened).toMatchObject({ from: 'rebuild', skipped: 1 });
    expect(index.opened.skippedExamples[0]).toMatch(/label 9999 has norm 0/);
    expect(progress.at(-1)).toEqual([N, N]);
  });
});

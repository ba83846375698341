import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exactTopKRows } from './exact';
import { ClusteredVectors, row } from './synthetic';
import { VectorIndex, type VectorItem, type VectorSource } from './vector-index';

const DIM = 16;
let dir: string;
const opened: VectorIndex[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-vector-index-'));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((index) => index.close()));
  await rm(dir, { recursive: true, force: true });
});

/** `n` clustered unit vectors labelled 1000 + i (labels need not start at 0 or be dense). */
function dataset(n: number, dim = DIM, seed = 1) {
  const rows = new ClusteredVectors({ dim, seed, clusters: 10 }).sample(n);
  const labels = Array.from({ length: n }, (_, i) => 1000 + i);
  const items: VectorItem[] = labels.map((label, i) => ({ label, vector: row(rows, dim, i) }));
  return { rows, labels, items };
}

const nothing: VectorSource = { count: 0, items: () => [] };

/** Graphs side by side in the index under test: every behaviour must hold for one shard and for several. */
let shards = 1;

async function openEmpty(dim = DIM): Promise<VectorIndex> {
  const index = await VectorIndex.open({ dir, dim, modelId: 'test-model', shards }, null, nothing);
  opened.push(index);
  return index;
}

const labelsOf = (hits: Array<{ label: number }>) => hits.map((h) => h.label);

describe.each([1, 3])('the vector index with %i shard(s)', (shardCount) => {
  beforeEach(() => {
    shards = shardCount;
  });

  it('finds the exact top k of what was added, scored by inner product', async () => {
    const index = await openEmpty();
    const { rows, labels, items } = dataset(300);
    index.add(items);
    await index.flush();
    expect(index.pending).toBe(0);
    expect(index.size).toBe(300);
    const query = row(new ClusteredVectors({ dim: DIM, seed: 99, clusters: 10 }).sample(1), DIM, 0);
    const hits = await index.search(query, 5);
    const exact = exactTopKRows(query, rows, labels, 5);
    expect(labelsOf(hits)).toEqual(labelsOf(exact));
    hits.forEach((h, i) => expect(h.score).toBeCloseTo(exact[i]!.score, 5));
  });

  it('finds vectors the worker has not inserted yet', async () => {
    // 256-d vectors, 4000 of them: seconds of worker inserts, so the last one is still queued.
    const dim = 256;
    const index = await openEmpty(dim);
    const { items } = dataset(4000, dim);
    index.add(items);
    const last = items[3999]!;
    const hits = await index.search(last.vector, 3);
    expect(index.pending).toBeGreaterThan(0);
    expect(hits[0]!.label).toBe(last.label);
    expect(hits[0]!.score).toBeCloseTo(1, 5);
  });

  it('no longer returns removed labels, whether they were already in the graph or still queued', async () => {
    const index = await openEmpty();
    const { items } = dataset(200);
    index.add(items.slice(0, 100));
    await index.flush();
    index.add(items.slice(100));
    expect(index.remove([1005, 1150, 424242])).toBe(2); // an unknown label is ignored
    expect(index.size).toBe(198);
    for (const label of [1005, 1150]) {
      const hits = await index.search(items[label - 1000]!.vector, 10);
      expect(labelsOf(hits)).not.toContain(label);
    }
    await index.flush();
    const hits = await index.search(items[5]!.vector, 200);
    expect(hits).toHaveLength(198);
  });

  it('replaces the vector of a label added again', async () => {
    const index = await openEmpty();
    const { items } = dataset(100);
    index.add(items);
    await index.flush();
    index.add([{ label: 1000, vector: items[50]!.vector }]);
    // Before and after the graph takes the change in, label 1000 now scores as item 50's twin.
    for (const step of ['queued', 'applied']) {
      const hits = await index.search(items[50]!.vector, 2);
      expect({ step, labels: labelsOf(hits).sort() }).toEqual({ step, labels: [1000, 1050] });
      await index.flush();
    }
    expect(index.size).toBe(100);
  });

  it('restricts results to an allowed label set', async () => {
    const index = await openEmpty();
    const { rows, labels, items } = dataset(300);
    index.add(items.slice(0, 250));
    await index.flush();
    index.add(items.slice(250)); // some allowed labels are still queued
    const allow = new Set(labels.filter((l) => l % 3 === 0));
    const query = row(rows, DIM, 7);
    const exact = exactTopKRows(query, rows, labels, 300).filter((h) => allow.has(h.label));
    expect(labelsOf(await index.search(query, 10, allow))).toEqual(labelsOf(exact.slice(0, 10)));
    const ascending = Uint32Array.from(allow).sort(); // as a catalog query with ORDER BY gives them
    expect(labelsOf(await index.search(query, 10, ascending))).toEqual(labelsOf(exact.slice(0, 10)));
  });

  it('compacts the graph once a fifth of it is deleted, keeping every result', async () => {
    const index = await openEmpty();
    const { rows, labels, items } = dataset(500);
    index.add(items);
    await index.flush();
    const removed = labels.filter((l) => l % 3 === 0); // a third
    index.remove(removed);
    await index.flush(); // waits for the compaction too
    const stats = await index.stats();
    expect(stats).toMatchObject({
      compactions: 1,
      deleted: 0,
      count: 500 - removed.length,
      elements: 500 - removed.length,
    });
    const keptRows = labels.flatMap((l, i) => (l % 3 === 0 ? [] : [i]));
    const kept = new Float32Array(keptRows.flatMap((i) => [...row(rows, DIM, i)]));
    const keptLabels = keptRows.map((i) => labels[i]!);
    for (const q of [0, 1, 2, 250, 499]) {
      const query = row(rows, DIM, q);
      expect(labelsOf(await index.search(query, 10))).toEqual(
        labelsOf(exactTopKRows(query, kept, keptLabels, 10)),
      );
    }
  });

  it('saves and reopens without a rebuild when the database recorded that generation', async () => {
    const index = await openEmpty();
    const { items } = dataset(300);
    index.add(items);
    index.remove([1001, 1002, 1003]); // deletion marks survive the round trip
    const saved = await index.save();
    expect(saved).toMatchObject({ generation: 1, count: 297 });
    const before = await index.search(items[10]!.vector, 10);
    await index.close();

    const untouched: VectorSource = {
      count: 297,
      items: () => {
        throw new Error('a loaded index must not read the database');
      },
    };
    // No shard count asked for: the saved index keeps its own, whatever this machine would choose.
    const reopened = await VectorIndex.open({ dir, dim: DIM, modelId: 'test-model' }, saved, untouched);
    opened.push(reopened);
    expect(reopened.opened).toMatchObject({ from: 'file', reason: null });
    expect(reopened.shardCount).toBe(shardCount);
    expect(saved.files).toHaveLength(shardCount);
    expect(reopened.generation).toBe(1);
    expect(reopened.size).toBe(297);
    expect(reopened.has(1002)).toBe(false);
    expect(await reopened.search(items[10]!.vector, 10)).toEqual(before);
    expect(labelsOf(await reopened.search(items[2]!.vector, 5))).not.toContain(1002);
    expect((await reopened.save()).generation).toBe(2);
  });

  it('closes while the worker is mid-insert without taking the process down', async () => {
    // terminate() during an hnswlib call aborts the process; close() must wait for a slice boundary.
    const dim = 256;
    const { items } = dataset(2000, dim);
    for (let round = 0; round < 5; round++) {
      const index = await openEmpty(dim);
      index.add(items);
      await new Promise((resolve) => setTimeout(resolve, 20 * round));
      await index.close();
      expect(() => index.add(items.slice(0, 1))).toThrow(/the index was closed/);
    }
  });

  it('rejects a vector of the wrong length, an unnormalised one and a bad label, naming it', async () => {
    const index = await openEmpty();
    const unit = dataset(1).items[0]!.vector;
    expect(() => index.add([{ label: 7, vector: new Float32Array(DIM + 1) }])).toThrow(
      /label 7 has 17 floats/,
    );
    expect(() => index.add([{ label: 8, vector: unit.map((x) => x * 2) }])).toThrow(/label 8 has norm 2/);
    expect(() => index.add([{ label: -1, vector: unit }])).toThrow(/label -1 is not a uint32/);
    expect(index.size).toBe(0); // a bad item rejects the whole batch
    await expect(index.search(new Float32Array(3), 1)).rejects.toThrow(/query has 3 floats/);
  });
});

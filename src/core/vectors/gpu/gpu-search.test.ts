import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exactTopKRows } from '../exact';
import { row } from '../synthetic';
import { ClipLikeVectors } from '../synthetic-clip';
import { VectorIndex } from '../vector-index';
import type { VectorItem, VectorSource } from '../vector-types';
import { fp16Disagreement } from './agreement';
import { GpuSearch } from './gpu-search';

// The GPU search on the CPU provider (forced), beside a real vector index and a map standing in for
// the database: its answers must stay those of an exact scan of the library as it is now, through
// additions, replacements and removals after its snapshot, and across the background rebuild.

const DIM = 32;
let dir: string;
const closing: Array<{ close(): Promise<void> }> = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-gpu-search-'));
});
afterEach(async () => {
  for (const c of closing.splice(0).reverse()) await c.close();
  await rm(dir, { recursive: true, force: true });
});

/** The library as the database holds it: label → vector. */
class Catalog {
  readonly vectors = new Map<number, Float32Array>();
  source = (): VectorSource => ({
    count: this.vectors.size,
    items: () => [...this.vectors].map(([label, vector]) => ({ label, vector })),
  });
  add(index: VectorIndex, items: VectorItem[]): void {
    for (const { label, vector } of items) this.vectors.set(label, vector);
    index.add(items);
  }
  remove(index: VectorIndex, labels: number[]): void {
    for (const label of labels) this.vectors.delete(label);
    index.remove(labels);
  }
  exact(query: Float32Array, k: number) {
    const labels = [...this.vectors.keys()];
    const rows = new Float32Array(labels.length * DIM);
    labels.forEach((l, i) => rows.set(this.vectors.get(l)!, i * DIM));
    return exactTopKRows(query, rows, labels, k);
  }
}

const gen = new ClipLikeVectors({ dim: DIM, seed: 3 });
const items = (first: number, n: number): VectorItem[] => {
  const rows = gen.sample(n);
  return Array.from({ length: n }, (_, i) => ({ label: first + i, vector: row(rows, DIM, i) }));
};

async function setup(rebuildAfter = 10_000, force = true) {
  const catalog = new Catalog();
  const index = await VectorIndex.open({ dir: join(dir, 'index'), dim: DIM, modelId: 'm', shards: 2 }, null, {
    count: 0,
    items: () => [],
  });
  closing.push(index);
  catalog.add(index, items(0, 2000));
  const gpu = new GpuSearch(index, catalog.source, {
    dir: join(dir, 'gpu'),
    dim: DIM,
    provider: 'cpu',
    force,
    rebuildAfter,
  });
  closing.push(gpu);
  return { catalog, index, gpu };
}

/** The exact scan's answer, up to FP16 storage rounding (agreement.ts). */
async function expectExact(gpu: GpuSearch, catalog: Catalog, queries: Float32Array) {
  for (let q = 0; q < queries.length / DIM; q++) {
    const query = row(queries, DIM, q);
    expect(fp16Disagreement(await gpu.search(query, 10), catalog.exact(query, 40), 10)).toBeNull();
  }
}

describe('exact search on the GPU beside the vector index', () => {
  it('answers from its snapshot once built, and like an exact scan of the library', async () => {
    const { catalog, gpu } = await setup();
    await gpu.settled();
    expect(gpu.ready).toBe(true);
    expect(gpu.builds).toBe(1);
    await expectExact(gpu, catalog, gen.between(10));
  });

  it('scans vectors added since exactly, and drops labels removed or replaced since', async () => {
    const { catalog, index, gpu } = await setup();
    await gpu.settled();
    const queries = gen.sample(8);
    // Near-copies of the queries, added after the snapshot: they must rank first.
    const close = Array.from({ length: 8 }, (_, q) => ({
      label: 50_000 + q,
      vector: row(queries, DIM, q).slice(),
    }));
    catalog.add(index, close);
    const top = catalog.exact(row(queries, DIM, 0), 10);
    const victim = top.find((h) => h.label < 2000)!.label;
    catalog.remove(index, [victim]);
    // A label whose vector changes: its old snapshot row must not be returned.
    catalog.add(index, [{ label: 5, vector: row(gen.sample(1), DIM, 0).slice() }]);
    expect(gpu.pending).toEqual({ added: 9, stale: 10 });
    await expectExact(gpu, catalog, queries);
    expect((await gpu.search(row(queries, DIM, 0), 10)).map((h) => h.label)).not.toContain(victim);
  });

  it('builds a new snapshot in the background once enough has changed, answering throughout', async () => {
    const { catalog, index, gpu } = await setup(100);
    await gpu.settled();
    catalog.add(index, items(10_000, 150)); // past 100 changes: a rebuild starts
    const queries = gen.between(5);
    await expectExact(gpu, catalog, queries); // while it builds: the old snapshot and its overlay
    await gpu.settled();
    expect(gpu.builds).toBe(2);
    expect(gpu.pending.added).toBeLessThan(150);
    await expectExact(gpu, catalog, queries);
  });

  it('stays with the graph without CUDA unless forced, and for filtered searches', async () => {
    const { catalog, index, gpu } = await setup(10_000, false);
    await gpu.settled();
    expect(gpu.ready).toBe(false);
    const query = row(gen.between(1), DIM, 0);
    expect(await gpu.search(query, 10)).toEqual(await index.search(query, 10));
    const allow = new Set([1, 2, 3, 4, 5]);
    expect((await gpu.search(query, 3, allow)).every((h) => allow.has(h.label))).toBe(true);
    expect(catalog.vectors.size).toBe(2000);
  });
});

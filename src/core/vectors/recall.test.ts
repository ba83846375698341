import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactTopKRows } from './exact';
import { ClusteredVectors, row } from './synthetic';
import { VectorIndex } from './vector-index';

// The graph with the default parameters must find what an exact scan finds, on data shaped like photo
// embeddings: a few thousand points in clusters (small dim so the build takes seconds here).

const DIM = 64;
const COUNT = 4000;
const QUERIES = 200;
const K = 10;

let dir: string;
let index: VectorIndex;
const gen = new ClusteredVectors({ dim: DIM, seed: 11, clusters: 40 });
const data = gen.sample(COUNT);
const labels = Array.from({ length: COUNT }, (_, i) => i);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-recall-'));
  index = await VectorIndex.open({ dir, dim: DIM, modelId: 'recall' }, null, {
    count: COUNT,
    items: () => labels.map((label) => ({ label, vector: row(data, DIM, label) })),
  });
  await index.flush();
});
afterAll(async () => {
  await index.close();
  await rm(dir, { recursive: true, force: true });
});

async function recallAt10(queries: Float32Array): Promise<number> {
  let found = 0;
  for (let q = 0; q < QUERIES; q++) {
    const query = row(queries, DIM, q);
    const want = new Set(exactTopKRows(query, data, labels, K).map((h) => h.label));
    found += (await index.search(query, K)).filter((h) => want.has(h.label)).length;
  }
  return found / (QUERIES * K);
}

describe('HNSW recall against an exact scan', () => {
  it('reaches recall@10 ≥ 0.98 for queries drawn like the photos', async () => {
    expect(index.pending).toBe(0); // the graph answers, not the exact tail
    expect(await recallAt10(gen.sample(QUERIES))).toBeGreaterThanOrEqual(0.98);
  });

  it('reaches recall@10 ≥ 0.95 for queries between two clusters, far from every photo', async () => {
    expect(await recallAt10(gen.between(QUERIES))).toBeGreaterThanOrEqual(0.95);
  });
});

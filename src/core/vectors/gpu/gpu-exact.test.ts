import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exactTopKRows } from '../exact';
import { row } from '../synthetic';
import { ClipLikeVectors } from '../synthetic-clip';
import type { VectorItem } from '../vector-types';
import { fp16Disagreement } from './agreement';
import { GpuExactIndex } from './gpu-exact';
import { exactSearchModel } from './exact-model';

// The GPU path runs here on onnxruntime's CPU provider: same graph, same FP16 initializer (the CPU
// provider casts it to float32 once), so the answers must match an exact float32 scan up to FP16.

const DIM = 64;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-gpu-exact-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function library(n: number, seed = 1) {
  const gen = new ClipLikeVectors({ dim: DIM, seed });
  const rows = gen.sample(n);
  const labels = Array.from({ length: n }, (_, i) => 7000 + 3 * i);
  const items: VectorItem[] = labels.map((label, i) => ({ label, vector: row(rows, DIM, i) }));
  return { gen, rows, labels, items, source: { count: n, items: () => items } };
}

describe('exact search on the GPU, checked on the CPU provider', () => {
  it('counts an answer as exact only up to FP16 storage rounding', () => {
    const exact = [
      { label: 1, score: 0.9 },
      { label: 2, score: 0.8 },
      { label: 3, score: 0.7999 }, // a near-tie with label 2
      { label: 4, score: 0.5 },
    ];
    expect(fp16Disagreement([exact[0]!, exact[1]!], exact, 2)).toBeNull();
    expect(fp16Disagreement([exact[0]!, exact[2]!], exact, 2)).toBeNull(); // the tie may swap
    expect(fp16Disagreement([exact[0]!, exact[3]!], exact, 2)).toMatch(
      /label 2 of the exact top 2 is missing/,
    );
    expect(fp16Disagreement([exact[0]!, { label: 2, score: 0.79 }], exact, 2)).toMatch(/label 2 scored 0.79/);
    expect(fp16Disagreement([exact[0]!], exact, 2)).toMatch(/1 hits, the exact scan has 2/);
  });

  it('finds what the float32 exact scan finds, with its scores up to FP16 rounding', async () => {
    const { gen, rows, labels, source } = library(5000);
    const index = (await GpuExactIndex.build({ dir, dim: DIM, provider: 'cpu' }, source))!;
    try {
      expect(index.size).toBe(5000);
      const queries = new Float32Array([...gen.between(10), ...gen.sample(10)]);
      const answers = await index.search(queries, 10); // one batch of 20 queries
      expect(answers).toHaveLength(20);
      answers.forEach((got, q) => {
        expect(fp16Disagreement(got, exactTopKRows(row(queries, DIM, q), rows, labels, 40), 10)).toBeNull();
      });
    } finally {
      await index.close();
    }
  });

  it('writes the vectors once as FP16 beside a small graph, skipping unusable ones', async () => {
    const { items } = library(300);
    const bad = { label: 1, vector: new Float32Array(DIM) }; // norm 0: the graph skips it too
    const index = (await GpuExactIndex.build(
      { dir, dim: DIM, provider: 'cpu' },
      { count: 301, items: () => [...items, bad] },
    ))!;
    try {
      expect(index.size).toBe(300);
      const files = (await readdir(dir)).sort();
      expect(files).toHaveLength(2);
      expect(files[0]).toMatch(/^exact-search-[\w-]+\.onnx$/);
      expect(files[1]).toMatch(/^vectors-[\w-]+\.f16$/);
      const [all] = await index.search(items[5]!.vector, 1000); // more than it holds: all of it
      expect(all).toHaveLength(300);
      expect(all![0]!.label).toBe(items[5]!.label);
    } finally {
      await index.close();
    }
    expect(await readdir(dir)).toEqual([]); // a released snapshot takes its files with it
  });

  it('builds nothing for an empty library and refuses queries of the wrong length', async () => {
    expect(
      await GpuExactIndex.build({ dir, dim: DIM, provider: 'cpu' }, { count: 0, items: () => [] }),
    ).toBeNull();
    const index = (await GpuExactIndex.build({ dir, dim: DIM, provider: 'cpu' }, library(20).source))!;
    await expect(index.search(new Float32Array(DIM + 1), 5)).rejects.toThrow(
      /65 floats are not queries of 64/,
    );
    await index.close();
    expect(() => exactSearchModel(0, DIM, 'x.f16')).toThrow(/0 rows × 64 is not a matrix/);
  });
});

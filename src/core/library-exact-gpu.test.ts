import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from './catalog/catalog';
import { Library } from './library';
import { exactTopKRows } from './vectors/exact';
import { fp16Disagreement } from './vectors/gpu/agreement';
import { row } from './vectors/synthetic';
import { ClipLikeVectors } from './vectors/synthetic-clip';

// A library opened for exact search on the GPU (here the same graph on the CPU provider) snapshots
// every stored vector, reading the catalog a page at a time, and its searches answer exactly.

const DIM = 16;
const N = 5000; // more than one page of the catalog read
let dir: string;
let lib: Library | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-library-exact-'));
});
afterEach(async () => {
  await lib?.close();
  lib = null;
  await rm(dir, { recursive: true, force: true });
});

describe('a library with exact search on the GPU', () => {
  it('snapshots every stored vector and answers like an exact scan, new vectors included', async () => {
    const gen = new ClipLikeVectors({ dim: DIM, seed: 8 });
    const rows = gen.sample(N + 1);
    const catalog = Catalog.open(dir);
    const labels: number[] = [];
    catalog.writeBatch(() => {
      for (let i = 0; i < N; i++) labels.push(catalog.addEmbedding('m', `h${i}`, row(rows, DIM, i)));
    });
    catalog.close();

    lib = await Library.open({ dir, modelId: 'm', dim: DIM, exactGpu: { provider: 'cpu' } });
    await lib.exact!.settled();
    expect(lib.exact!.ready).toBe(true);
    expect(lib.exact!.lastError).toBeNull();

    const extra = row(rows, DIM, N);
    const label = lib.catalog.addEmbedding('m', 'new', extra);
    lib.sink.add([{ label, vector: extra }]);
    const all = new Float32Array(rows);
    const allLabels = [...labels, label];
    for (const query of [extra, ...Array.from({ length: 5 }, (_, q) => row(gen.between(5), DIM, q))]) {
      const exact = exactTopKRows(query, all, allLabels, 40);
      expect(fp16Disagreement(await lib.exact!.search(query, 10), exact, 10)).toBeNull();
    }
    expect((await lib.exact!.search(extra, 1))[0]!.label).toBe(label);
  });
});

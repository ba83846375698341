import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundle } from '../../src/core/runtime/bundle';
import { Embedder } from '../../src/core/runtime/embedder';
import type { ModelBundle } from '../../src/core/runtime/types';
import { testModelDir } from '../../test/helpers/test-model';
import { DirectOrt, imageLikeBatch } from './direct-ort';

function normalised(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

describe('the direct onnxruntime baseline', () => {
  let bundle: ModelBundle;
  let embedder: Embedder;
  let direct: DirectOrt;
  beforeAll(async () => {
    bundle = loadBundle(await testModelDir('float32'));
    embedder = new Embedder(bundle, { providers: ['cpu'] });
    direct = await DirectOrt.open(bundle);
  });
  afterAll(async () => {
    await direct.close();
    await embedder.close();
  });

  it('runs the same graph as the embedder: its outputs, normalised, are the worker’s vectors', async () => {
    const items = 3;
    const batch = imageLikeBatch(embedder, 4);
    const [raw] = await direct.run(batch, items);
    const { vectors, dim } = await embedder.embedImages(imageLikeBatch(embedder, 4), items);
    expect(dim).toBe(bundle.embedDim);
    expect(raw!.length).toBe(items * dim);
    for (let i = 0; i < items; i++) {
      const ours = Array.from(vectors.subarray(i * dim, (i + 1) * dim));
      const theirs = Array.from(normalised(raw!.subarray(i * dim, (i + 1) * dim)));
      theirs.forEach((x, j) => expect(x).toBeCloseTo(ours[j]!, 5));
    }
  });

  it('fills each image of a batch differently', () => {
    const batch = imageLikeBatch(embedder, 2);
    const len = embedder.imageLength;
    expect(batch.subarray(0, len)).not.toEqual(batch.subarray(len, 2 * len));
  });

  it('counts whole batches in the time it measured', async () => {
    const s = await direct.measure(imageLikeBatch(embedder, 2), 2, 0.05);
    expect(s.items % 2).toBe(0);
    expect(s.items).toBeGreaterThanOrEqual(6);
    expect(s.seconds).toBeGreaterThanOrEqual(0.05);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelDir } from '../../../test/helpers/test-model';
import { COLOURS } from '../../../tools/test-model/design';
import { normalisedTensor, syntheticPixels } from '../../../tools/test-model/synthetic';
import { loadBundle } from './bundle';
import { Embedder } from './embedder';
import { toFloat16 } from './float16';
import type { ModelBundle } from './types';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const row = (v: Float32Array, i: number, dim: number) => v.subarray(i * dim, (i + 1) * dim);

let fp32: ModelBundle;
let fp16: ModelBundle;
let immich: ModelBundle;
const open: Embedder[] = [];
const embedder = (
  bundle: ModelBundle,
  opts: ConstructorParameters<typeof Embedder>[1] = { providers: ['cpu'] },
) => {
  const e = new Embedder(bundle, opts);
  open.push(e);
  return e;
};

/** A batch of solid-colour images, one per name, in the bundle's input dtype. */
function colourBatch(e: Embedder, names: readonly string[], capacity = names.length) {
  const { mean, std } = e.bundle.preprocess;
  const batch = e.allocImageBatch(capacity);
  names.forEach((colour, i) => {
    const t = normalisedTensor(syntheticPixels({ colour: colour as (typeof COLOURS)[number] }), mean, std);
    if (batch instanceof Uint16Array) batch.set(toFloat16(t), i * e.imageLength);
    else batch.set(t, i * e.imageLength);
  });
  return batch;
}

beforeAll(async () => {
  fp32 = loadBundle(await testModelDir('float32'));
  fp16 = loadBundle(await testModelDir('float16'));
  immich = loadBundle(await testModelDir('float32', 'immich'));
});

afterAll(async () => {
  await Promise.all(open.map((e) => e.close()));
});

describe('the embedder', () => {
  it('falls back from CUDA to the CPU here and keeps the reason', async () => {
    const e = embedder(fp32, { providers: ['cuda', 'cpu'] });
    const info = await e.loadVisual();
    expect(info.requested).toEqual(['cuda', 'cpu']);
    expect(info.active).toBe('cpu');
    expect(info.fallbacks).toHaveLength(1);
    expect(info.fallbacks[0]!.provider).toBe('cuda');
    expect(info.fallbacks[0]!.reason).toMatch(/CUDA provider/);
    expect(e.info().visual?.active).toBe('cpu');
    expect(e.info().precision).toBe('fp32');
  });

  it('fails with every reason when no provider in the list can load', async () => {
    const e = embedder(fp32, { providers: ['cuda'] });
    await expect(e.loadVisual()).rejects.toThrow(/no execution provider could load it: cuda: CUDA provider/);
  });

  it('returns L2-normalised vectors that find each colour by its word', async () => {
    const e = embedder(fp32);
    const batch = colourBatch(e, COLOURS);
    const length = batch.length;
    const { vectors, dim, data } = await e.embedImages(batch, COLOURS.length);
    expect(batch.length).toBe(0); // transferred to the worker, not copied…
    expect(data).toBeInstanceOf(Float32Array);
    expect(data.length).toBe(length); // …and handed back for reuse
    const texts = await e.embedTexts([...COLOURS]);
    for (let i = 0; i < COLOURS.length; i++) {
      expect(dot(row(vectors, i, dim), row(vectors, i, dim))).toBeCloseTo(1, 5);
      const scores = COLOURS.map((_, j) => dot(row(texts, i, dim), row(vectors, j, dim)));
      expect(scores.indexOf(Math.max(...scores)), COLOURS[i]).toBe(i);
    }
  });

  it('gives float16 vectors equal to float32 within float16 tolerance', async () => {
    const a = embedder(fp32);
    const b = embedder(fp16);
    const names = ['red', 'gray', 'brown', 'pink'];
    const va = await a.embedImages(colourBatch(a, names), names.length);
    const vb = await b.embedImages(colourBatch(b, names), names.length);
    expect(vb.data).toBeInstanceOf(Uint16Array);
    for (let i = 0; i < names.length; i++)
      expect(dot(row(va.vectors, i, 64), row(vb.vectors, i, 64))).toBeGreaterThan(0.999);
    const ta = await a.embedTexts(['a red sofa', 'grey stripes', '']);
    const tb = await b.embedTexts(['a red sofa', 'grey stripes', '']);
    for (let i = 0; i < 3; i++) expect(dot(row(ta, i, 64), row(tb, i, 64))).toBeGreaterThan(0.999);
  });

  it('embeds only the items of a partly filled batch', async () => {
    const e = embedder(fp32);
    const full = await e.embedImages(colourBatch(e, ['red', 'blue', 'green']), 3);
    const part = await e.embedImages(colourBatch(e, ['red', 'blue'], 8), 2);
    expect(part.vectors.length).toBe(2 * 64);
    expect(Array.from(part.vectors)).toEqual(Array.from(full.vectors.subarray(0, 128)));
    await expect(e.embedImages(e.allocImageBatch(2), 3)).rejects.toThrow(/items must be 1\.\.2/);
  });

  it("runs Immich's batch-1 graphs one item per call with the same results", async () => {
    const a = embedder(fp32);
    const b = embedder(immich);
    expect(await b.imageBatchSize()).toBe(1);
    const names = ['orange', 'purple', 'white'];
    const va = await a.embedImages(colourBatch(a, names), 3);
    const vb = await b.embedImages(colourBatch(b, names), 3);
    for (let i = 0; i < 3 * 64; i++) expect(vb.vectors[i]).toBeCloseTo(va.vectors[i]!, 5);
    const ta = await a.embedTexts(['red', 'vertical stripes']);
    const tb = await b.embedTexts(['red', 'vertical stripes']);
    for (let i = 0; i < 2 * 64; i++) expect(tb[i]).toBeCloseTo(ta[i]!, 5);
  });

  it('answers text queries while an image batch is running', async () => {
    const e = embedder(fp32);
    await Promise.all([e.loadVisual(), e.loadTextual()]);
    const names = Array.from({ length: 64 }, (_, i) => COLOURS[i % COLOURS.length]!);
    const started = performance.now();
    let imageDone = 0;
    const images = e
      .embedImages(colourBatch(e, names), names.length)
      .then(() => (imageDone = performance.now()));
    const text = await e.embedTexts(['red']);
    const textDone = performance.now();
    await images;
    expect(text.length).toBe(64);
    // The text tower has its own worker: it never waits for the image batch to finish.
    expect(textDone - started).toBeLessThan(imageDone - started);
  });

  it('checks the bundle against the graph', async () => {
    const wrong: ModelBundle = { ...fp32, visual: { ...fp32.visual, dtype: 'float16' } };
    await expect(embedder(wrong).loadVisual()).rejects.toThrow(
      /input "pixel_values" is float32 in the graph but the bundle says float16/,
    );
    const badName: ModelBundle = { ...fp32, textual: { ...fp32.textual, output: 'pooled' } };
    await expect(embedder(badName).loadTextual()).rejects.toThrow(
      /no tensor input "input_ids" \/ output "pooled"/,
    );
  });

  it('uses a small batch on the CPU unless told otherwise', async () => {
    expect(await embedder(fp32).imageBatchSize()).toBe(16);
    expect(await embedder(fp32, { providers: ['cpu'], batchSize: 5 }).imageBatchSize()).toBe(5);
  });
});

describe('the GPU batch size', () => {
  it('fills the card without crowding small ones', async () => {
    const { gpuBatchSize } = await import('./embedder');
    expect(gpuBatchSize(81559)).toBe(64); // H100 80GB, as nvidia-smi reports it
    expect(gpuBatchSize(12288)).toBe(32);
    expect(gpuBatchSize(6144)).toBe(16);
    expect(gpuBatchSize(null)).toBe(64);
  });
});

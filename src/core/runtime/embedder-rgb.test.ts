import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelDir } from '../../../test/helpers/test-model';
import { COLOURS } from '../../../tools/test-model/design';
import { syntheticPixels } from '../../../tools/test-model/synthetic';
import { loadBundle } from './bundle';
import { Embedder } from './embedder';
import { writeTensor } from './preprocess';
import type { ModelBundle } from './types';

let bundles: Record<'fp32' | 'fp16' | 'immich', ModelBundle>;
const open: Embedder[] = [];
const embedder = (bundle: ModelBundle, batchSize?: number) => {
  const e = new Embedder(bundle, { providers: ['cpu'], batchSize });
  open.push(e);
  return e;
};

/** `names.length` images as decode.ts delivers them: packed uint8 RGB, one after another, each with a
 *  different pattern so no two are alike. */
function pixelsOf(e: Embedder, names: readonly string[]): Uint8Array {
  const s = e.bundle.preprocess.imageSize;
  const out = new Uint8Array(names.length * s * s * 3);
  const patterns = ['plain', 'horizontal', 'vertical', 'checker'] as const;
  names.forEach((colour, i) => {
    const image = { colour, second: 'white', pattern: patterns[i % 4] } as Parameters<
      typeof syntheticPixels
    >[0];
    out.set(syntheticPixels(image, s, s), i * s * s * 3);
  });
  return out;
}

/** The same images through the main-thread path: writeTensor into a batch, then embedImages. */
async function mainThreadVectors(e: Embedder, pixels: Uint8Array, count: number) {
  const s = e.bundle.preprocess.imageSize;
  const batch = e.allocImageBatch(count);
  for (let i = 0; i < count; i++)
    writeTensor(pixels.subarray(i * s * s * 3, (i + 1) * s * s * 3), e.bundle.preprocess, batch, i);
  return (await e.embedImages(batch, count)).vectors;
}

beforeAll(async () => {
  bundles = {
    fp32: loadBundle(await testModelDir('float32')),
    fp16: loadBundle(await testModelDir('float16')),
    immich: loadBundle(await testModelDir('float32', 'immich')),
  };
});
afterAll(async () => {
  await Promise.all(open.map((e) => e.close()));
});

describe('embedding uint8 pixels (the tensor filled off the main thread)', () => {
  for (const kind of ['fp32', 'fp16', 'immich'] as const) {
    it(`gives exactly the main-thread path's vectors (${kind})`, async () => {
      const e = embedder(bundles[kind], 4);
      const names = COLOURS.slice(0, 3);
      const pixels = pixelsOf(e, names);
      const expected = await mainThreadVectors(e, pixels, names.length);
      const bytes = pixels.length;
      const run = await e.embedRgb(pixels, names.length);
      expect(pixels.length).toBe(0); // transferred, not copied…
      expect(run.pixels.length).toBe(bytes); // …and handed back
      expect(run.vectors.length).toBe(names.length * run.dim);
      expect(Array.from(run.vectors)).toEqual(Array.from(expected));
      expect(run.fillMs).toBeGreaterThan(0);
      expect(run.runMs).toBeGreaterThan(0);
    });
  }

  it('keeps several batches in flight, each with its own results', async () => {
    const e = embedder(bundles.fp16, 2);
    const batches = [COLOURS.slice(0, 2), COLOURS.slice(2, 4), COLOURS.slice(4, 6), COLOURS.slice(1, 2)];
    const expected: Float32Array[] = [];
    for (const names of batches) expected.push(await mainThreadVectors(e, pixelsOf(e, names), names.length));
    const runs = await Promise.all(batches.map((names) => e.embedRgb(pixelsOf(e, names), names.length)));
    runs.forEach((run, i) => expect(Array.from(run.vectors), `batch ${i}`).toEqual(Array.from(expected[i]!)));
  });

  it('refuses a count the pixels cannot hold, naming both', async () => {
    const e = embedder(bundles.fp32);
    const s = e.bundle.preprocess.imageSize;
    await expect(e.embedRgb(new Uint8Array(s * s * 3), 2)).rejects.toThrow(
      /embedRgb: pixels hold \d+ bytes, fewer than 2 images of/,
    );
    await expect(e.embedRgb(new Uint8Array(s * s * 3), 0)).rejects.toThrow(/count must be/);
  });
});

describe('warming up', () => {
  it('runs each tower once at load and reports how long it took and where its nodes ran', async () => {
    const e = embedder(bundles.fp32);
    const [visual, textual] = await Promise.all([e.loadVisual(), e.loadTextual()]);
    expect(visual.warmMs).toBeGreaterThan(0);
    expect(textual.warmMs).toBeGreaterThan(0);
    expect(e.info().visual?.warmMs).toBe(visual.warmMs);
    // The warm-up run was profiled: here every node ran on the CPU, with no copies.
    expect(visual.placement?.nodes).toBeGreaterThan(5);
    expect(visual.placement).toMatchObject({ cpuNodes: 0, memcpyNodes: 0 });
    expect(Object.keys(visual.placement!.byProvider)).toEqual(['CPUExecutionProvider']);
    expect(textual.placement?.byProvider.CPUExecutionProvider).toBe(textual.placement?.nodes);
    // Loading is once: asking again neither reloads nor warms again.
    expect(await e.loadVisual()).toBe(visual);
  });
});

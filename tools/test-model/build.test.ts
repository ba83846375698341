// The test model finds each colour and pattern by its word, in both dtypes and both layouts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { testModelDir } from '../../test/helpers/test-model';
import { toFloat16, toFloat32 } from '../../src/core/runtime/float16';
import { CLIP_CONTEXT_LENGTH, CLIP_EOT, CLIP_SOT, VIT_H_14_PREPROCESS } from '../../src/core/runtime/types';
import { readClipVocab } from '../../src/core/runtime/clip-vocab';
import { CLIP_VOCAB_GZ, buildTestModel } from './build';
import { COLOURS, PATTERNS, TEST_EMBED_DIM, TEST_IMAGE_SIZE } from './design';
import type { PatternName } from './design';
import { OnnxDataType, decodeModelSummary } from '../../src/core/onnx/onnx-proto';
import { blackAndWhite, normalisedTensor, syntheticPixels } from './synthetic';
import type { SyntheticImage } from './synthetic';

const PIXELS = 3 * TEST_IMAGE_SIZE * TEST_IMAGE_SIZE;
const { mean, std } = VIT_H_14_PREPROCESS;

const vocab = new Map(readClipVocab(CLIP_VOCAB_GZ).vocab.map((t, i) => [t, i]));

/** open_clip's layout: start token, one token per word (every test word is a single token), end token,
 *  zero padding. */
function tokenIds(text: string): number[] {
  const words = text.split(' ').filter(Boolean);
  const ids = words.map((w) => {
    const id = vocab.get(`${w}</w>`);
    if (id === undefined) throw new Error(`"${w}" is not a single CLIP token`);
    return id;
  });
  const seq = [CLIP_SOT, ...ids, CLIP_EOT];
  return [...seq, ...new Array<number>(CLIP_CONTEXT_LENGTH - seq.length).fill(0)];
}

const imageTensor = (image: SyntheticImage): Float32Array =>
  normalisedTensor(syntheticPixels(image), mean, std);

function normalise(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const cosine = (a: Float32Array, b: Float32Array): number => {
  const [na, nb] = [normalise(a), normalise(b)];
  return na.reduce((sum, x, i) => sum + x * nb[i]!, 0);
};

function rows(data: Float32Array, n: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) => data.slice(i * TEST_EMBED_DIM, (i + 1) * TEST_EMBED_DIM));
}

/** Runs one tower of a bundle folder on a batch, whatever its dtypes and names. */
class Tower {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly input: string,
    private readonly output: string,
    private readonly kind: 'float32' | 'float16' | 'int64' | 'int32',
  ) {}

  static async open(file: string, input: string, output: string, kind: Tower['kind']): Promise<Tower> {
    const session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'] });
    return new Tower(session, input, output, kind);
  }

  async run(items: Array<Float32Array | number[]>): Promise<Float32Array[]> {
    const n = items.length;
    const imageDims = [n, 3, TEST_IMAGE_SIZE, TEST_IMAGE_SIZE];
    const idsDims = [n, CLIP_CONTEXT_LENGTH];
    const floats = (): Float32Array => {
      const flat = new Float32Array(n * PIXELS);
      items.forEach((x, i) => flat.set(x, i * PIXELS));
      return flat;
    };
    const ints = (): number[] => items.flatMap((x) => Array.from(x));
    const tensor =
      this.kind === 'float32'
        ? new ort.Tensor('float32', floats(), imageDims)
        : this.kind === 'float16'
          ? new ort.Tensor('float16', toFloat16(floats()), imageDims)
          : this.kind === 'int64'
            ? new ort.Tensor('int64', BigInt64Array.from(ints(), BigInt), idsDims)
            : new ort.Tensor('int32', Int32Array.from(ints()), idsDims);
    const out = (await this.session.run({ [this.input]: tensor }))[this.output]!;
    const data = out.type === 'float16' ? toFloat32(out.data as Uint16Array) : (out.data as Float32Array);
    expect(out.dims).toEqual([n, TEST_EMBED_DIM]);
    return rows(data, n);
  }
}

describe('the test model', () => {
  let fp32: { visual: Tower; textual: Tower; dir: string };
  let fp16: { visual: Tower; textual: Tower; dir: string };
  let immich: { visual: Tower; textual: Tower; dir: string };
  const text = async (query: string): Promise<Float32Array> =>
    (await fp32.textual.run([tokenIds(query)]))[0]!;

  beforeAll(async () => {
    const [d32, d16, dImmich] = await Promise.all([
      testModelDir('float32'),
      testModelDir('float16'),
      testModelDir('float32', 'immich'),
    ]);
    fp32 = {
      dir: d32,
      visual: await Tower.open(join(d32, 'visual.onnx'), 'pixel_values', 'image_embeds', 'float32'),
      textual: await Tower.open(join(d32, 'textual.onnx'), 'input_ids', 'text_embeds', 'int64'),
    };
    fp16 = {
      dir: d16,
      visual: await Tower.open(join(d16, 'visual.onnx'), 'pixel_values', 'image_embeds', 'float16'),
      textual: await Tower.open(join(d16, 'textual.onnx'), 'input_ids', 'text_embeds', 'int64'),
    };
    immich = {
      dir: dImmich,
      visual: await Tower.open(join(dImmich, 'visual', 'model.onnx'), 'image', 'embedding', 'float32'),
      textual: await Tower.open(join(dImmich, 'textual', 'model.onnx'), 'text', 'embedding', 'int32'),
    };
  });

  it('finds the solid image of every colour first by that colour word', async () => {
    const images = await fp32.visual.run(COLOURS.map((colour) => imageTensor({ colour })));
    for (const [query, expected] of [...COLOURS.map((c) => [c, c]), ['grey', 'gray'], ['violet', 'purple']]) {
      const q = await text(query!);
      const scores = images.map((img) => cosine(q, img));
      const best = COLOURS[scores.indexOf(Math.max(...scores))];
      expect(best, `query "${query}"`).toBe(expected);
    }
  });

  it('finds a colour named inside a sentence of unknown words', async () => {
    const images = await fp32.visual.run(COLOURS.map((colour) => imageTensor({ colour })));
    const q = await text('a photo of something blue');
    const ranked = COLOURS.map((c, i) => [c, cosine(q, images[i]!)] as const).sort((x, y) => y[1] - x[1]);
    expect(ranked[0]![0]).toBe('blue');
  });

  it('finds each pattern first by its words', async () => {
    const images = await fp32.visual.run(PATTERNS.map((p) => imageTensor(blackAndWhite(p))));
    const cases: Array<[string, PatternName]> = [
      ['horizontal stripes', 'horizontal'],
      ['vertical stripes', 'vertical'],
      ['striped horizontal', 'horizontal'],
      ['checker', 'checker'],
      ['grid', 'checker'],
      ['plaid', 'checker'],
      ['plain', 'plain'],
      ['solid', 'plain'],
    ];
    for (const [query, expected] of cases) {
      const q = await text(query);
      const scores = images.map((img) => cosine(q, img));
      expect(PATTERNS[scores.indexOf(Math.max(...scores))], `query "${query}"`).toBe(expected);
    }
  });

  it('ranks both stripe directions above checkers and plain images for a bare "stripes"', async () => {
    const q = await text('stripes');
    const images = await fp32.visual.run(PATTERNS.map((p) => imageTensor(blackAndWhite(p))));
    const score = Object.fromEntries(PATTERNS.map((p, i) => [p, cosine(q, images[i]!)])) as Record<
      PatternName,
      number
    >;
    expect(score.horizontal).toBeCloseTo(score.vertical, 3);
    expect(Math.min(score.horizontal, score.vertical)).toBeGreaterThan(Math.max(score.checker, score.plain));
  });

  it('gives words it does not know no weight, yet never a zero vector', async () => {
    const empty = await text('');
    const filler = await text('a photo of something');
    expect(Math.hypot(...empty)).toBeGreaterThan(0);
    for (let i = 0; i < TEST_EMBED_DIM; i++) expect(filler[i]).toBeCloseTo(empty[i]!, 6);
  });

  it('gives a batch of five the same vectors as five single runs', async () => {
    const specs: SyntheticImage[] = [
      { colour: 'red' },
      { colour: 'blue' },
      blackAndWhite('horizontal'),
      blackAndWhite('checker'),
      { colour: 'orange', second: 'purple', pattern: 'vertical', bandPx: 8 },
    ];
    const queries = ['red', 'a photo of something blue', 'horizontal stripes', 'grid', ''];
    for (const tower of [fp32, fp16]) {
      const batch = await tower.visual.run(specs.map(imageTensor));
      const textBatch = await tower.textual.run(queries.map(tokenIds));
      for (let i = 0; i < 5; i++) {
        const [single] = await tower.visual.run([imageTensor(specs[i]!)]);
        const [singleText] = await tower.textual.run([tokenIds(queries[i]!)]);
        expect(Array.from(batch[i]!)).toEqual(Array.from(single!));
        expect(Array.from(textBatch[i]!)).toEqual(Array.from(singleText!));
      }
    }
  });

  it('gives float16 vectors within float16 tolerance of float32 ones', async () => {
    const specs = [...COLOURS.map((colour): SyntheticImage => ({ colour })), ...PATTERNS.map(blackAndWhite)];
    const a = await fp32.visual.run(specs.map(imageTensor));
    const b = await fp16.visual.run(specs.map(imageTensor));
    specs.forEach((_, i) => expect(cosine(a[i]!, b[i]!)).toBeGreaterThanOrEqual(0.999));
    const queries = [...COLOURS, 'horizontal stripes', 'vertical stripes', 'checker', 'plain', ''];
    const ta = await fp32.textual.run(queries.map(tokenIds));
    const tb = await fp16.textual.run(queries.map(tokenIds));
    queries.forEach((_, i) => expect(cosine(ta[i]!, tb[i]!)).toBeGreaterThanOrEqual(0.999));
  });

  it('stores float16 weights and float16 inputs and outputs in the float16 variant', () => {
    for (const file of ['visual.onnx', 'textual.onnx']) {
      const m = decodeModelSummary(readFileSync(join(fp16.dir, file)));
      const weights = m.initializers.filter((t) => t.dims.length === 2 && t.dims[1] === TEST_EMBED_DIM);
      expect(weights.length, file).toBeGreaterThan(0);
      for (const w of weights) expect(w.dataType, `${file} ${w.name}`).toBe(OnnxDataType.float16);
      expect(m.outputs[0]!.elemType).toBe(OnnxDataType.float16);
    }
    const visual = decodeModelSummary(readFileSync(join(fp16.dir, 'visual.onnx')));
    expect(visual.inputs[0]!.elemType).toBe(OnnxDataType.float16);
  });

  it('declares opset 17 and a dynamic batch axis named "batch"', () => {
    for (const dir of [fp32.dir, fp16.dir]) {
      for (const file of ['visual.onnx', 'textual.onnx']) {
        const m = decodeModelSummary(readFileSync(join(dir, file)));
        expect(m.opset).toBe(17);
        expect(m.inputs[0]!.dims[0]).toBe('batch');
        expect(m.outputs[0]!.dims).toEqual(['batch', TEST_EMBED_DIM]);
      }
    }
  });

  it('gives the same vectors in the Immich layout as in the Glimpse one', async () => {
    const specs: SyntheticImage[] = [{ colour: 'pink' }, blackAndWhite('vertical')];
    for (const spec of specs) {
      const [a] = await fp32.visual.run([imageTensor(spec)]);
      const [b] = await immich.visual.run([imageTensor(spec)]);
      expect(Array.from(b!)).toEqual(Array.from(a!));
    }
    for (const query of ['a photo of something brown', 'vertical stripes']) {
      const [a] = await fp32.textual.run([tokenIds(query)]);
      const [b] = await immich.textual.run([tokenIds(query)]);
      expect(Array.from(b!)).toEqual(Array.from(a!));
    }
    const m = decodeModelSummary(readFileSync(join(immich.dir, 'textual', 'model.onnx')));
    expect(m.inputs[0]).toEqual({
      name: 'text',
      elemType: OnnxDataType.int32,
      dims: [1, CLIP_CONTEXT_LENGTH],
    });
  });

  it('writes every file a bundle reader needs, each .onnx under 1 MB', () => {
    const glimpse = ['model.json', 'visual.onnx', 'textual.onnx', 'tokenizer.json'];
    const immichFiles = [
      'config.json',
      'visual/model.onnx',
      'visual/preprocess_cfg.json',
      'textual/model.onnx',
      'textual/tokenizer.json',
      'textual/tokenizer_config.json',
    ];
    for (const [dir, files] of [
      [fp32.dir, glimpse],
      [fp16.dir, glimpse],
      [immich.dir, immichFiles],
    ] as const) {
      for (const f of files) {
        const size = statSync(join(dir, f)).size;
        expect(size, f).toBeGreaterThan(0);
        if (f.endsWith('.onnx')) expect(size, f).toBeLessThan(1024 * 1024);
      }
    }
    const manifest = JSON.parse(readFileSync(join(fp16.dir, 'model.json'), 'utf8'));
    expect(manifest).toMatchObject({ id: 'glimpse-test-tiny-fp16', embedDim: TEST_EMBED_DIM });
    expect(manifest.visual.dtype).toBe('float16');
  });

  it('refuses a float16 Immich layout, which Immich never publishes', async () => {
    const out = join(tmpdir(), `glimpse-never-written-${process.pid}`);
    await expect(buildTestModel({ out, dtype: 'float16', layout: 'immich' })).rejects.toThrow(
      /immich.*float32 only/,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe('the test model command', () => {
  const script = fileURLToPath(new URL('./build.ts', import.meta.url));
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8' });

  it('writes a float16 bundle where --out says', () => {
    const out = mkdtempSync(join(tmpdir(), 'glimpse-test-model-'));
    try {
      const result = run(['--out', out, '--dtype', 'float16']);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const manifest = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
      expect(manifest).toMatchObject({ id: 'glimpse-test-tiny-fp16', visual: { dtype: 'float16' } });
      expect(statSync(join(out, 'tokenizer.json')).size).toBeGreaterThan(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('fails naming the flag when a value is not one it knows', () => {
    const result = run(['--out', join(tmpdir(), 'unused'), '--dtype', 'float64']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--dtype');
  });
});

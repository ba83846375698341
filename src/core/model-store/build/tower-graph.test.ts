// The builder's graphs against PyTorch: small random checkpoints (fixtures/, made by
// tools/export/builder_fixtures.py) run through onnxruntime's CPU provider must give the embeddings the
// PyTorch towers gave for the same inputs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { toFloat16, toFloat32 } from '../../runtime/float16';
import { decodeModelSummary } from '../../onnx/onnx-proto';
import { inferArchitecture, type Activation } from './architecture';
import { SafetensorsFile } from './safetensors';
import { CheckpointSource } from './source';
import { writeTower, type BuildDtype } from './tower-graph';
import { checkTensorNames } from './weights';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const NAMES = ['openclip-gelu-f32', 'hf-quickgelu-f16', 'openclip-gelu-bf16'];
const dir = mkdtempSync(join(tmpdir(), 'glimpse-tower-graph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Probes {
  pixels: Float32Array;
  pixelDims: number[];
  ids: BigInt64Array;
  idDims: number[];
  image: Float32Array;
  text: Float32Array;
  embedDim: number;
}

async function readProbes(name: string): Promise<Probes> {
  const f = await SafetensorsFile.open(join(FIXTURES, `${name}.probes.safetensors`));
  const idsInfo = f.tensors.get('input_ids')!;
  const raw = readFileSync(f.path).subarray(idsInfo.begin, idsInfo.end);
  const probes = {
    pixels: await f.readFloat32('pixel_values'),
    pixelDims: f.tensors.get('pixel_values')!.shape,
    ids: new BigInt64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length)),
    idDims: idsInfo.shape,
    image: await f.readFloat32('image_embeds'),
    text: await f.readFloat32('text_embeds'),
    embedDim: f.tensors.get('image_embeds')!.shape[1]!,
  };
  await f.close();
  return probes;
}

async function build(name: string, dtype: BuildDtype): Promise<{ visual: string; text: string }> {
  const meta = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as {
    activation: Activation;
    headDim: number;
  };
  const file = await SafetensorsFile.open(join(FIXTURES, `${name}.safetensors`));
  const shapes = new Map([...file.tensors].map(([k, v]) => [k, v.shape]));
  const { arch, naming } = inferArchitecture(file.path, shapes, meta);
  checkTensorNames(file.path, new Set(shapes.keys()), arch, naming);
  const source = new CheckpointSource(file, arch, naming);
  const out = {
    visual: join(dir, `${name}-${dtype}-visual.onnx`),
    text: join(dir, `${name}-${dtype}-text.onnx`),
  };
  await writeTower({ kind: 'visual', arch, dtype, source, onnxPath: out.visual });
  await writeTower({ kind: 'text', arch, dtype, source, onnxPath: out.text });
  await source.close();
  return out;
}

function cosines(a: Float32Array, b: Float32Array, dim: number): number[] {
  const out: number[] = [];
  for (let r = 0; r * dim < a.length; r++) {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = r * dim; i < (r + 1) * dim; i++) {
      ab += a[i]! * b[i]!;
      aa += a[i]! * a[i]!;
      bb += b[i]! * b[i]!;
    }
    out.push(ab / Math.sqrt(aa * bb));
  }
  return out;
}

async function run(path: string, input: ort.Tensor): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(path, { executionProviders: ['cpu'] });
  try {
    const result = await session.run({ [session.inputNames[0]!]: input });
    const out = result[session.outputNames[0]!]!;
    return out.type === 'float16' ? toFloat32(out.data as Uint16Array) : (out.data as Float32Array);
  } finally {
    await session.release();
  }
}

describe.each(NAMES)('the graphs built from %s', (name) => {
  it.each([
    ['float32', 0.99999],
    ['float16', 0.999],
  ] as const)('in %s agree with PyTorch to a cosine of at least %d', async (dtype, floor) => {
    const p = await readProbes(name);
    const paths = await build(name, dtype);
    const pixels =
      dtype === 'float16'
        ? new ort.Tensor('float16', toFloat16(p.pixels), p.pixelDims)
        : new ort.Tensor('float32', p.pixels, p.pixelDims);
    const image = await run(paths.visual, pixels);
    const text = await run(paths.text, new ort.Tensor('int64', p.ids, p.idDims));
    expect(image.length).toBe(p.image.length);
    for (const c of cosines(image, p.image, p.embedDim)) expect(c).toBeGreaterThanOrEqual(floor);
    for (const c of cosines(text, p.text, p.embedDim)) expect(c).toBeGreaterThanOrEqual(floor);
  });
});

describe('a built graph', () => {
  it('uses onnxruntime fused operators, keeps a dynamic batch axis and stores its weights outside the protobuf', async () => {
    const paths = await build('openclip-gelu-f32', 'float16');
    const summary = decodeModelSummary(readFileSync(paths.visual));
    expect(summary.inputs[0]!.dims[0]).toBe('batch');
    expect(summary.outputs[0]!.dims[0]).toBe('batch');
    expect(new Set(summary.contribOps)).toEqual(
      new Set(['com.microsoft:Attention', 'com.microsoft:SkipLayerNormalization', 'com.microsoft:BiasGelu']),
    );
    expect(readFileSync(paths.visual).length).toBeLessThan(64 * 1024);
    const quick = decodeModelSummary(readFileSync((await build('hf-quickgelu-f16', 'float32')).text));
    expect(quick.contribOps).toContain('com.microsoft:QuickGelu');
  });
});

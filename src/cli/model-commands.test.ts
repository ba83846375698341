import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { glimpse } from '../../test/helpers/cli';
import { writeSolidPhoto } from '../../test/helpers/images';
import { testModelDir } from '../../test/helpers/test-model';
import { createWorkspace } from '../core/workspace';
import { describePlacement } from './model-commands';

let model: string;
let dir: string;
const cli = (...args: string[]) =>
  glimpse(['--model', model, '--providers', 'cuda,cpu', '--library', join(dir, 'lib'), ...args]);

beforeAll(async () => {
  model = await testModelDir('float16');
  dir = mkdtempSync(join(tmpdir(), 'glimpse-cli-model-'));
  await writeSolidPhoto(join(dir, 'red.jpg'), [255, 0, 0], { width: 320, height: 240 });
  await writeSolidPhoto(join(dir, 'blue.png'), [0, 0, 255], { width: 200, height: 300 });
  writeFileSync(join(dir, 'notes.jpg'), 'not an image');
});

describe('glimpse tokenize', () => {
  it('prints the CLIP ids of a text', async () => {
    const r = await cli('tokenize', 'a photo of a cat');
    expect(r).toMatchObject({ code: 0, out: '49406 320 1125 539 320 2368 49407\n' });
  });

  it('reads one text per line from stdin and prints one JSON array per line', async () => {
    const r = await glimpse(['--model', model, 'tokenize'], { stdin: 'a photo of a cat\nred\n' });
    expect(
      r.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      [49406, 320, 1125, 539, 320, 2368, 49407],
      [49406, 736, 49407],
    ]);
  });

  it('keeps the padding with --full', async () => {
    const ids = JSON.parse((await cli('tokenize', 'red', '--json', '--full')).out);
    expect(ids).toHaveLength(77);
    expect(ids.slice(0, 4)).toEqual([49406, 736, 49407, 0]);
  });
});

describe('glimpse preprocess', () => {
  it('writes the float32 NCHW tensor the image tower receives', async () => {
    const out = join(dir, 'red.f32');
    const r = await cli('preprocess', join(dir, 'red.jpg'), '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/float32 \[1,3,224,224\], 602112 bytes/);
    const bytes = readFileSync(out);
    const tensor = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    const workspace = createWorkspace({ modelDir: model, providers: ['cpu'] });
    try {
      expect(Array.from(tensor)).toEqual(Array.from(await workspace.preprocessFile(join(dir, 'red.jpg'))));
    } finally {
      await workspace.close();
    }
    // Pure red, normalised with CLIP's mean and std: (1 - 0.48145466) / 0.26862954 in the red plane.
    expect(tensor[0]).toBeCloseTo((1 - 0.48145466) / 0.26862954, 1);
  });
});

describe('glimpse embed-text and embed-image', () => {
  it('print L2-normalised vectors as JSON', async () => {
    const r = await cli('embed-text', 'red', 'a blue photo', '--json');
    const rows = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { text: string; vector: number[] });
    expect(rows.map((x) => x.text)).toEqual(['red', 'a blue photo']);
    for (const { vector } of rows) expect(Math.hypot(...vector)).toBeCloseTo(1, 3);
  });

  it('embeds the images it can read and reports the others', async () => {
    const r = await cli(
      'embed-image',
      join(dir, 'red.jpg'),
      join(dir, 'notes.jpg'),
      join(dir, 'blue.png'),
      '--json',
    );
    const rows = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; vector?: number[]; code?: string });
    expect(rows.filter((x) => x.vector).map((x) => x.file)).toEqual([
      join(dir, 'red.jpg'),
      join(dir, 'blue.png'),
    ]);
    expect(rows.find((x) => x.file.endsWith('notes.jpg'))).toMatchObject({ code: 'not-image' });
    const text = JSON.parse((await cli('embed-text', 'red', '--json')).out).vector as number[];
    const [red, blue] = rows.filter((x) => x.vector).map((x) => x.vector!);
    const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
    expect(dot(text, red!)).toBeGreaterThan(dot(text, blue!) + 0.5);
  });
});

describe('glimpse doctor', () => {
  it('says the CUDA provider was passed over, why, and that the model runs on the CPU', async () => {
    const r = await cli('doctor');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Providers\s+requested cuda → cpu/);
    expect(r.out).toMatch(/image tower\s+running on cpu \(passed over — cuda: CUDA provider/);
    expect(r.out).toMatch(/Model\s+Glimpse test model \(tiny, float16\)/);
    // One line either way: what decodes photos on the GPU, or why nothing does.
    expect(r.out).toMatch(/\nPhoto decode\s+(GPU decoding off: |photos decode on )[^\n]+\n/);
    expect(r.out).toMatch(/loaded in \d+ ms, warmed in \d+ ms/);
    expect(r.out).toMatch(/\d+ graph nodes, all on CPUExecutionProvider/);
  });

  it('names the nodes a GPU session left on the CPU and the copies around them', () => {
    const line = describePlacement({
      nodes: 9,
      byProvider: { CUDAExecutionProvider: 6, CPUExecutionProvider: 3 },
      cpuNodes: 3,
      cpuOps: { Shape: 2, Gather: 1 },
      memcpyNodes: 2,
    });
    expect(line).toBe(
      '9 graph nodes, 6 on CUDAExecutionProvider, 3 on CPUExecutionProvider; 3 left on the CPU (Shape ×2, Gather); 2 memory copies',
    );
  });

  it('reports the same as JSON, with the reason per tower', async () => {
    const { runtime } = JSON.parse((await cli('doctor', '--json')).out);
    expect(runtime.embedder.visual).toMatchObject({ requested: ['cuda', 'cpu'], active: 'cpu' });
    expect(runtime.embedder.visual.fallbacks[0]).toMatchObject({ provider: 'cuda' });
    expect(runtime.model).toMatchObject({ valid: true, precision: 'fp16', embedDim: 64 });
  });

  it('names a missing model folder and how to choose one', async () => {
    const r = await glimpse(['--model', join(dir, 'nowhere'), 'doctor', '--no-load']);
    expect(r.out).toMatch(
      /Model\s+not usable: no model at .*nowhere \(pass --model <dir>, or set GLIMPSE_MODEL\)/,
    );
  });
});

describe('usage errors', () => {
  it('exit with 2 and a message naming the option', async () => {
    expect(await glimpse(['--providers', 'tpu', 'doctor'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/unknown execution provider "tpu"/),
    });
    expect((await glimpse(['frobnicate'])).code).toBe(2);
    expect(await glimpse(['--model', model, '--batch-size', 'many', 'doctor'])).toMatchObject({ code: 2 });
  });

  it('exit with 1 for a failure, naming the file', async () => {
    const r = await glimpse(['--model', join(dir, 'nowhere'), 'embed-text', 'red']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nowhere: no model here \(pass --model/);
  });
});

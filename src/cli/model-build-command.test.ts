// glimpse model build, run in process as a user would type it: a checkpoint becomes a bundle that
// `--model <dir>` searches with, the random-weight twin the device script asks for, and clear refusals.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRandomCheckpoint } from '../../tools/checkpoint/random-checkpoint';
import { glimpse } from '../../test/helpers/cli';
import { writeColourPhotos } from '../../test/helpers/corpus';
import { diagnoseCudaProvider } from '../core/runtime/cuda-check';
import { PRESETS } from '../core/model-store/build/architecture';

let root: string;
const cudaProblem = diagnoseCudaProvider();

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'glimpse-cli-build-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('glimpse model build', () => {
  it('builds a checkpoint into a bundle that passes its self-check and that --model accepts', async () => {
    const checkpoint = join(root, 'tiny.safetensors');
    await writeRandomCheckpoint(checkpoint, PRESETS.tiny!);
    const out = join(root, 'bundle');
    const built = await glimpse(['model', 'build', '--from', checkpoint, '--out', out, '--dtype', 'float32']);
    expect(built.err).toMatch(/building: image tower/);
    expect(built.out).toMatch(/Built tiny-fp32 in .*bundle/);
    expect(built.out).toMatch(/Self-check passed/);
    expect(built.code).toBe(0);
    await writeColourPhotos(join(root, 'photos'), 3);
    const withModel = ['--library', join(root, 'lib'), '--model', out, '--providers', 'cpu'];
    const indexed = await glimpse([...withModel, 'index', join(root, 'photos')]);
    expect(indexed.out).toMatch(/3 embedded/);
    const search = await glimpse([...withModel, 'search', 'a red car', '--json']);
    expect(search.code).toBe(0);
    expect(JSON.parse(search.out).hits).toHaveLength(3);
  });

  it('writes the random-weight twin without a checkpoint and without a self-check, into an empty folder', async () => {
    const out = join(root, 'twin');
    mkdirSync(out);
    const run = await glimpse([
      'model',
      'build',
      '--random-weights',
      'tiny',
      '--dtype',
      'float16',
      '--out',
      out,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.out);
    expect(result).toMatchObject({ id: 'random-tiny-fp16', check: null });
    expect(readdirSync(out).sort()).toEqual([
      'model.json',
      'textual.onnx',
      'textual.onnx.data',
      'tokenizer.json',
      'visual.onnx',
      'visual.onnx.data',
    ]);
  });

  it('refuses a checkpoint with unknown tensors, naming them, and leaves no folder behind', async () => {
    const checkpoint = join(root, 'odd.safetensors');
    await writeRandomCheckpoint(checkpoint, PRESETS.tiny!, { extra: { 'text.adapter.weight': [8, 8] } });
    const out = join(root, 'odd');
    const run = await glimpse(['model', 'build', '--from', checkpoint, '--out', out]);
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(/text\.adapter\.weight/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((n) => n.includes('.building-'))).toEqual([]);
  });

  it('runs the self-check on a twin when asked, and skips it on a checkpoint when told to', async () => {
    const twin = await glimpse([
      'model',
      'build',
      '--random-weights',
      'tiny',
      '--self-check',
      '--out',
      join(root, 'checked'),
      '--json',
    ]);
    const check = JSON.parse(twin.out).check;
    expect(check.textCosine).toBeGreaterThanOrEqual(0.999);
    expect(check).toMatchObject({ provider: 'cpu', imagesEmbedded: 2, batchCosine: null });
    const checkpoint = join(root, 'skip.safetensors');
    await writeRandomCheckpoint(checkpoint, PRESETS.tiny!);
    const run = await glimpse([
      'model',
      'build',
      '--from',
      checkpoint,
      '--no-self-check',
      '--out',
      join(root, 'unchecked'),
    ]);
    expect(run.out).toMatch(/Self-check skipped/);
  });

  // On a machine whose onnxruntime has no CUDA provider (as here), asking for CUDA ends on the CPU.
  it.skipIf(cudaProblem === null)(
    'checks on the providers given, and says which ran the check and why CUDA did not',
    async () => {
      const args = ['--providers', 'cuda,cpu', 'model', 'build', '--random-weights', 'tiny', '--self-check'];
      const json = await glimpse([...args, '--out', join(root, 'on-cuda-json'), '--json']);
      expect(JSON.parse(json.out).check).toMatchObject({
        provider: 'cpu',
        fallbacks: [{ provider: 'cuda', reason: cudaProblem }],
      });
      const text = await glimpse([...args, '--out', join(root, 'on-cuda-text')]);
      expect(text.out).toContain(`Self-check passed on cpu (passed over cuda: ${cudaProblem}) in `);
    },
  );

  it('refuses to write into a folder that has files in it', async () => {
    const out = join(root, 'busy');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const run = await glimpse(['model', 'build', '--random-weights', 'tiny', '--out', out]);
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(/is not empty/);
    expect(readdirSync(out)).toEqual(['notes.txt']);
  });

  it('asks for a checkpoint when given neither --from nor --random-weights', async () => {
    const run = await glimpse(['model', 'build', '--out', join(root, 'none')]);
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(/--from <file>/);
  });
});

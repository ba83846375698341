// Whole bundles from the builder: a random twin and a checkpoint build load as bundles and pass the
// self-check; bad checkpoints fail naming the problem; a corrupted graph fails the self-check.
import { closeSync, mkdtempSync, openSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeRandomCheckpoint } from '../../../../tools/checkpoint/random-checkpoint';
import { loadBundle } from '../../runtime/bundle';
import { parameterCount, PRESETS } from './architecture';
import { buildFromCheckpoint, buildRandom, openCheckpoint } from './build-bundle';
import { RandomSource } from './source';
import { selfCheck } from './self-check';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-build-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tiny = PRESETS.tiny!;

describe('buildRandom', () => {
  it('writes a float16 bundle with a dynamic batch that loadBundle accepts and the self-check passes', async () => {
    const out = join(dir, 'twin');
    const phases = new Set<string>();
    const result = await buildRandom('tiny', {
      out,
      dtype: 'float16',
      onProgress: (p) => phases.add(p.phase),
    });
    const bundle = loadBundle(out);
    expect(bundle.id).toBe('random-tiny-fp16');
    expect(bundle.visual).toMatchObject({ dtype: 'float16', dynamicBatch: true });
    expect(bundle.embedDim).toBe(tiny.embedDim);
    expect([...phases]).toEqual(['visual', 'text', 'tokenizer', 'done']);
    const dataBytes =
      statSync(join(out, 'visual.onnx.data')).size + statSync(join(out, 'textual.onnx.data')).size;
    // Aligned tensors leave gaps, never overlaps: the files hold at least every byte written.
    expect(dataBytes).toBeGreaterThanOrEqual(result.bytesWritten);
    expect(result.bytesWritten).toBeGreaterThan(
      2 * (parameterCount(tiny).vision + parameterCount(tiny).text),
    );
    const report = await selfCheck(out, new RandomSource(tiny, 0), { providers: ['cpu'], aloneImage: true });
    expect(report.textCosine).toBeGreaterThanOrEqual(0.999);
    expect(report.batchCosine).toBeGreaterThanOrEqual(0.999);
  });

  it('refuses an architecture it does not know, and a folder that is not empty', async () => {
    await expect(buildRandom('vit-z-99', { out: join(dir, 'z'), dtype: 'float16' })).rejects.toThrow(
      /unknown architecture "vit-z-99"/,
    );
    await expect(buildRandom('tiny', { out: join(dir, 'twin'), dtype: 'float16' })).rejects.toThrow(
      /is not empty/,
    );
  });
});

describe('buildFromCheckpoint', () => {
  it.each(['open_clip', 'transformers'] as const)(
    'builds a %s checkpoint in float32 that passes the self-check',
    async (naming) => {
      const file = join(dir, `tiny-${naming}.safetensors`);
      await writeRandomCheckpoint(file, tiny, { naming, dtype: 'F16' });
      const out = join(dir, `built-${naming}`);
      const result = await buildFromCheckpoint(file, { out, dtype: 'float32' });
      expect(result.id).toBe(`tiny-${naming}-fp32`);
      expect(result.activationFrom).toBe('default');
      expect(result.arch).toEqual(tiny);
      const { source } = await openCheckpoint(file);
      try {
        const report = await selfCheck(out, source, { providers: ['cpu'] });
        expect(report.textCosine).toBeGreaterThanOrEqual(0.99999);
      } finally {
        await source.close();
      }
    },
  );

  it('refuses a checkpoint with a tensor this design does not have, naming it', async () => {
    const file = join(dir, 'extra.safetensors');
    await writeRandomCheckpoint(file, tiny, { extra: { 'visual.attn_pool.query': [4, 128] } });
    await expect(buildFromCheckpoint(file, { out: join(dir, 'extra'), dtype: 'float16' })).rejects.toThrow(
      /not part of a CLIP ViT of this design: visual\.attn_pool\.query/,
    );
  });

  it('refuses a truncated checkpoint before writing anything', async () => {
    const file = join(dir, 'cut.safetensors');
    const size = await writeRandomCheckpoint(file, tiny);
    truncateSync(file, size - 1000);
    await expect(buildFromCheckpoint(file, { out: join(dir, 'cut'), dtype: 'float16' })).rejects.toThrow(
      /truncated/,
    );
  });

  it('reads the activation from a transformers config.json beside the checkpoint', async () => {
    const sub = join(dir, 'hf');
    const file = join(sub, 'model.safetensors');
    await import('node:fs/promises').then((fs) => fs.mkdir(sub));
    await writeRandomCheckpoint(file, tiny, { naming: 'transformers' });
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(join(sub, 'config.json'), JSON.stringify({ vision_config: { hidden_act: 'quick_gelu' } })),
    );
    const { source, activationFrom } = await openCheckpoint(file);
    await source.close();
    expect(source.arch.activation).toBe('quick_gelu');
    expect(activationFrom).toBe('config.json');
  });
});

describe('selfCheck', () => {
  it('fails a bundle whose weights were damaged after the build', async () => {
    const out = join(dir, 'damaged');
    await buildRandom('tiny', { out, dtype: 'float32' });
    const data = join(out, 'textual.onnx.data');
    const fd = openSync(data, 'r+');
    // Overwrite a stretch of the last block's weights (the data file ends with them) with a large constant.
    writeSync(fd, Buffer.alloc(64 * 1024, 0x41), 0, 64 * 1024, statSync(data).size - 300 * 1024);
    closeSync(fd);
    await expect(selfCheck(out, new RandomSource(tiny, 0), { providers: ['cpu'] })).rejects.toThrow(
      /self-check failed: the text tower disagrees/,
    );
  });
});

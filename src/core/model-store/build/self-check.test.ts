// The install-time self-check: it runs on the providers the app will use, says which one ran it and why
// others were passed over, keeps the CPU's share small, and still fails a graph with a wrong causal mask
// or activation.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseCudaProvider } from '../../runtime/cuda-check';
import { PRESETS } from './architecture';
import { buildRandom } from './build-bundle';
import { checkedOn, cosineFloor, selfCheck } from './self-check';
import { RandomSource } from './source';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-self-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tiny = PRESETS.tiny!;
const source = () => new RandomSource(tiny, 0);
const noCuda = () => 'CUDA provider is not installed (a stand-in for this test)';
let twin: string;

beforeAll(async () => {
  twin = join(dir, 'twin');
  await buildRandom('tiny', { out: twin, dtype: 'float16' });
});

describe('selfCheck on the providers the app will use', () => {
  it('falls back from CUDA to the CPU when CUDA cannot load, and says so', async () => {
    const report = await selfCheck(twin, source(), { providers: ['cuda', 'cpu'], diagnoseCuda: noCuda });
    expect(report.provider).toBe('cpu');
    expect(report.textProvider).toBe('cpu');
    // Both towers passed CUDA over for the same reason: it is said once.
    expect(report.fallbacks).toEqual([{ provider: 'cuda', reason: noCuda() }]);
    expect(checkedOn(report)).toBe(`cpu (passed over cuda: ${noCuda()})`);
  });

  // Where CUDA really loads (the GPU host) there is nothing to fall back from.
  it.skipIf(diagnoseCudaProvider() === null)(
    "records onnxruntime's own reason when the CUDA libraries look present but the session cannot open",
    async () => {
      // No GPU build of onnxruntime here: creating a CUDA session fails, as on a machine with a broken install.
      const report = await selfCheck(twin, source(), {
        providers: ['cuda', 'cpu'],
        diagnoseCuda: () => null,
      });
      expect(report.provider).toBe('cpu');
      expect(report.fallbacks).toHaveLength(1);
      expect(report.fallbacks[0]!.provider).toBe('cuda');
      expect(report.fallbacks[0]!.reason).toMatch(/CUDA provider/);
    },
  );

  it('fails naming every provider passed over when none can load the bundle', async () => {
    await expect(selfCheck(twin, source(), { providers: ['cuda'], diagnoseCuda: noCuda })).rejects.toThrow(
      /no execution provider could load it \(cuda: CUDA provider is not installed/,
    );
  });

  it('embeds two images in one batch on the CPU, and compares one alone only when asked', async () => {
    const cpu = await selfCheck(twin, source(), { providers: ['cpu'] });
    expect(cpu).toMatchObject({ provider: 'cpu', fallbacks: [], imagesEmbedded: 2, batchCosine: null });
    expect(cpu.textCosine).toBeGreaterThanOrEqual(0.999);
    expect(cpu.distinctCosine).toBeLessThan(0.9999);
    const full = await selfCheck(twin, source(), { providers: ['cpu'], aloneImage: true });
    expect(full.imagesEmbedded).toBe(3);
    expect(full.batchCosine).toBeGreaterThanOrEqual(0.999);
  });
});

describe('cosineFloor', () => {
  it("holds float32 bundles to float32's floor on the CPU and to float16's on a device (TF32)", () => {
    expect(cosineFloor('float32', 'cpu')).toBe(0.99999);
    expect(cosineFloor('float32', 'cuda')).toBe(0.999);
    expect(cosineFloor('float16', 'cpu')).toBe(0.999);
  });
});

describe('selfCheck on a wrong graph', () => {
  it('fails a text tower whose attention is not causal', async () => {
    const out = join(dir, 'not-causal');
    await buildRandom('tiny', { out, dtype: 'float16' });
    const file = join(out, 'textual.onnx');
    const bytes = readFileSync(file);
    // The Attention nodes' attribute unidirectional = 1 (name, then field 3 varint 1): set it to 0.
    const attr = Buffer.concat([
      Buffer.from([0x0a, 14]),
      Buffer.from('unidirectional'),
      Buffer.from([0x18, 1]),
    ]);
    let patched = 0;
    for (let at = bytes.indexOf(attr); at >= 0; at = bytes.indexOf(attr, at + 1)) {
      bytes[at + attr.length - 1] = 0;
      patched++;
    }
    expect(patched).toBe(tiny.text.layers);
    writeFileSync(file, bytes);
    await expect(selfCheck(out, source(), { providers: ['cpu'] })).rejects.toThrow(
      /self-check failed: the text tower disagrees with a float32 computation of the same weights on cpu/,
    );
  });

  it('fails a bundle whose activation is not the one its weights were trained with', async () => {
    // Built with GELU; the same weights under QuickGELU (OpenAI's models) are another network. Random
    // weights keep activations small, where the two curves nearly meet (cosine 0.99995 here): float32's
    // floor sees it, float16's 0.999 would not; trained weights differ by far more.
    const out = join(dir, 'gelu-fp32');
    await buildRandom('tiny', { out, dtype: 'float32' });
    const quick = new RandomSource({ ...tiny, activation: 'quick_gelu' }, 0);
    await expect(selfCheck(out, quick, { providers: ['cpu'] })).rejects.toThrow(/the text tower disagrees/);
    await expect(selfCheck(out, source(), { providers: ['cpu'] })).resolves.toMatchObject({
      provider: 'cpu',
    });
  });
});

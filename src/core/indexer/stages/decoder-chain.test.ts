import { describe, expect, it } from 'vitest';
import { ImageDecodeError, type ModelInput } from '../../decode/cpu-decode';
import type { PreprocessSpec } from '../../runtime/types';
import type { DecodeFile, DecodeOutcome, DecoderName, PhotoDecoder } from './decoder';
import { DecoderChain } from './decoder-chain';

const SPEC: PreprocessSpec = {
  imageSize: 2,
  mean: [0, 0, 0],
  std: [1, 1, 1],
  resize: 'squash',
  interpolation: 'bilinear',
};

/** A model input whose first byte says which file it came from. */
function inputFor(file: DecodeFile): ModelInput {
  return {
    rgb: Uint8Array.of(file.bytes[0]!, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    info: { width: 2, height: 2, format: 'jpeg', hasAlpha: false },
  };
}

/** Decodes every file, or hands it back when `handBack` names a reason for it. */
function decoder(
  name: DecoderName,
  preferredBatch: number,
  handBack: (f: DecodeFile) => DecodeOutcome | null = () => null,
): PhotoDecoder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    name,
    preferredBatch,
    calls,
    async decode(files) {
      calls.push(files.map((f) => f.name));
      return files.map((f) => handBack(f) ?? { ok: true, input: inputFor(f), decoder: name });
    },
  };
}

const files = Array.from({ length: 7 }, (_, i) => ({ name: `f${i}.jpg`, bytes: Buffer.from([i]) }));

describe('a chain of decoders', () => {
  it('gives each file the first decoder that takes it, in the files’ order, and counts by reason', async () => {
    const gpu = decoder('gpu', 4, (f) => {
      const i = f.bytes[0]!;
      if (i === 1 || i === 5) return { ok: false, fallback: 'progressive' };
      if (i === 2) return { ok: false, fallback: 'cmyk' };
      if (i === 6) return { ok: false, error: new ImageDecodeError('corrupt', f.name, 'bad huffman') };
      return null;
    });
    const cpu = decoder('cpu', 1);
    const chain = new DecoderChain([gpu, cpu]);
    const out = await chain.decode(files, SPEC, {});

    expect(out.map((o) => (o.ok ? `${o.decoder}:${o.input.rgb[0]}` : o.error.code))).toEqual([
      'gpu:0',
      'cpu:1',
      'cpu:2',
      'gpu:3',
      'gpu:4',
      'cpu:5',
      'corrupt',
    ]);
    expect(gpu.calls).toEqual([
      ['f0.jpg', 'f1.jpg', 'f2.jpg', 'f3.jpg'],
      ['f4.jpg', 'f5.jpg', 'f6.jpg'],
    ]);
    expect(cpu.calls).toEqual([['f1.jpg'], ['f2.jpg'], ['f5.jpg']]);
    expect(chain.tally.snapshot()).toEqual({
      decoded: { gpu: 3, cpu: 3 },
      fallbacks: { gpu: { progressive: 2, cmyk: 1 } },
    });
  });

  it('reports a file every decoder handed back as unsupported, with the last reason', async () => {
    const chain = new DecoderChain([decoder('gpu', 8, () => ({ ok: false, fallback: 'png' }))]);
    const [o] = await chain.decode(files.slice(0, 1), SPEC, {});
    expect(o).toMatchObject({ ok: false, error: { code: 'unsupported', file: 'f0.jpg' } });
    expect(o!.ok === false && o!.error.detail).toMatch(/png/);
  });

  it('rejects a decoder that answers for the wrong number of files', async () => {
    const short: PhotoDecoder = {
      name: 'gpu',
      preferredBatch: 4,
      decode: async () => [],
    };
    await expect(new DecoderChain([short]).decode(files, SPEC, {})).rejects.toThrow(
      /decoder gpu returned 0 outcomes for 4 files/,
    );
  });

  it('hands the files of a call that fails as a whole to the next decoder, counted as call-failed', async () => {
    let calls = 0;
    const lost: PhotoDecoder = {
      name: 'gpu',
      preferredBatch: 4,
      async decode(batch) {
        if (++calls === 1) throw new Error('device lost');
        return batch.map((f) => ({ ok: true, input: inputFor(f), decoder: 'gpu' }));
      },
    };
    const chain = new DecoderChain([lost, decoder('cpu', 1)]);
    const out = await chain.decode(files, SPEC, {});
    expect(out.map((o) => o.ok && o.decoder)).toEqual(['cpu', 'cpu', 'cpu', 'cpu', 'gpu', 'gpu', 'gpu']);
    expect(chain.tally.snapshot().fallbacks).toEqual({ gpu: { 'call-failed': 4 } });
  });

  it('refuses an empty list and a preferred batch that is not a whole number', () => {
    expect(() => new DecoderChain([])).toThrow(/at least one decoder/);
    expect(() => new DecoderChain([decoder('gpu', 0)])).toThrow(/decoder gpu: preferredBatch/);
  });
});

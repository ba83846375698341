import { describe, expect, it } from 'vitest';
import type { ModelInput } from '../../decode/cpu-decode';
import type { PreprocessSpec } from '../../runtime/types';
import type { WorkItem } from '../diff';
import { BATCH_SLOTS, runDecode, type Decoded } from './decode';
import type { DecodeFile, DecodeOutcome, DecoderName, PhotoDecoder } from './decoder';
import { DecoderChain } from './decoder-chain';
import type { RunLedger } from './ledger';
import { AsyncQueue } from './queue';
import type { ToDecode } from './read-hash';

// How the decode stage groups files for its decoders: a batch decoder (the GPU) gets full batches
// while files keep coming, and the CPU keeps decoding the files it hands back meanwhile.

const SPEC: PreprocessSpec = {
  imageSize: 2,
  mean: [0, 0, 0],
  std: [1, 1, 1],
  resize: 'squash',
  interpolation: 'bilinear',
};
const LEDGER = { progress: { emit() {} } } as unknown as RunLedger;
const tick = () => new Promise((resolve) => setImmediate(resolve));

function toDecode(i: number): ToDecode {
  const item = { path: `/photos/${i}.jpg`, folderId: 1, size: 3, mtimeMs: 0 } as WorkItem;
  return { item, hash: `h${i}`, bytes: Buffer.of(i % 256, 1, 2), readMs: 0 };
}

const input = (file: DecodeFile): ModelInput => ({
  rgb: new Uint8Array(12).fill(file.bytes[0]!),
  info: { width: 2, height: 2, format: 'jpeg', hasAlpha: false },
});

/** A decoder that records each call's size and how many of its calls ran at once; `handBack` files
 *  go to the next decoder. A batch decoder takes its calls one after another, as one device does. */
function recording(name: DecoderName, preferredBatch: number, handBack = (_f: DecodeFile) => false) {
  const calls: number[] = [];
  let running = 0;
  let device: Promise<unknown> = Promise.resolve();
  const decoder: PhotoDecoder & {
    calls: number[];
    mostAtOnce: number;
    running: () => number;
    decodeNow(files: DecodeFile[]): Promise<DecodeOutcome[]>;
  } = {
    name,
    preferredBatch,
    calls,
    mostAtOnce: 0,
    running: () => running,
    async decode(files) {
      calls.push(files.length);
      if (preferredBatch > 1) {
        const turn = device;
        let done = () => {};
        device = new Promise<void>((resolve) => (done = resolve));
        await turn;
        try {
          return await this.decodeNow(files);
        } finally {
          done();
        }
      }
      return this.decodeNow(files);
    },
    async decodeNow(files: DecodeFile[]): Promise<DecodeOutcome[]> {
      decoder.mostAtOnce = Math.max(decoder.mostAtOnce, ++running);
      try {
        // A device batch takes a while, as on a GPU: the files behind it keep arriving.
        for (let k = 0; k < 5; k++) await tick();
        return files.map((f): DecodeOutcome =>
          handBack(f) ? { ok: false, fallback: 'progressive' } : { ok: true, input: input(f), decoder: name },
        );
      } finally {
        running--;
      }
    },
  };
  return decoder;
}

/** Feeds `count` files (one per event-loop turn when `trickle`, as slow reading does), runs the stage,
 *  returns its output. */
async function decodeAll(
  chain: DecoderChain,
  count: number,
  concurrency: number,
  trickle = true,
): Promise<Decoded[]> {
  const read = new AsyncQueue<ToDecode>(Math.max(2 * concurrency, 2 * chain.groupSize));
  const ready = new AsyncQueue<Decoded>(count);
  const feeding = (async () => {
    for (let i = 0; i < count; i++) {
      await read.push(toDecode(i));
      if (trickle) await tick();
    }
    read.close();
  })();
  const signal = new AbortController().signal;
  await Promise.all([
    feeding,
    runDecode(read, ready, { chain, spec: SPEC, ledger: LEDGER, signal }, concurrency),
  ]);
  return ready.pull(count, count);
}

describe('the decode stage', () => {
  it('gives a batch decoder full batches while files trickle in, and a short one only at the end', async () => {
    const gpu = recording('gpu', 32);
    const out = await decodeAll(new DecoderChain([gpu]), 100, 8);
    expect(out).toHaveLength(100);
    expect([...gpu.calls].sort((a, b) => a - b)).toEqual([4, 32, 32, 32]);
    expect(gpu.mostAtOnce).toBeLessThanOrEqual(BATCH_SLOTS);
  });

  it('decodes the files a batch decoder hands back on the CPU while its next batch decodes', async () => {
    const gpu = recording('gpu', 32, (f) => f.bytes[0]! % 4 === 0);
    const cpu = recording('cpu', 1);
    let overlapped = false;
    const watching = cpu.decode.bind(cpu);
    cpu.decode = (files, spec, opts) => {
      overlapped ||= gpu.running() > 0;
      return watching(files, spec, opts);
    };
    const out = await decodeAll(new DecoderChain([gpu, cpu]), 128, 8, false);
    expect(out.map((d) => d.decoder).filter((d) => d === 'cpu')).toHaveLength(32);
    expect(gpu.calls).toEqual([32, 32, 32, 32]);
    // Each hand-back is its own CPU call, many at once.
    expect(cpu.calls.every((n) => n === 1)).toBe(true);
    expect(cpu.mostAtOnce).toBeGreaterThan(1);
    expect(overlapped).toBe(true);
  });

  it('keeps one call per slot for a one-file decoder, `concurrency` of them at once', async () => {
    const cpu = recording('cpu', 1);
    const out = await decodeAll(new DecoderChain([cpu]), 40, 4);
    expect(out.map((d) => d.rgb[0])).toEqual(expect.arrayContaining([0, 17, 39]));
    expect(cpu.calls.every((n) => n === 1)).toBe(true);
    expect(cpu.mostAtOnce).toBeLessThanOrEqual(4);
  });
});

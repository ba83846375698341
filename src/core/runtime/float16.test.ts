import { describe, expect, it } from 'vitest';
import {
  float16BitsToFloat32,
  float32ToFloat16Bits,
  float32ToFloat16BitsNaive,
  toFloat16,
  toFloat32,
} from './float16';

const isNaNBits = (h: number): boolean => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

/** Deterministic float32 bit patterns (xorshift32) so a failure reproduces. */
function randomBits(count: number, seed = 0x9e3779b9): Uint32Array {
  const out = new Uint32Array(count);
  let x = seed;
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 0;
  }
  return out;
}

describe('float32 → float16', () => {
  it('gives the same bits as numpy for values it rounds', () => {
    // Expected bits printed by numpy: np.array([v], np.float32).astype(np.float16).view(np.uint16).
    const numpy: Array<[number, number]> = [
      [0.1, 0x2e66],
      [1 / 3, 0x3555],
      [-2.5, 0xc100],
      [65504, 0x7bff],
      [65519.996, 0x7bff],
      [6.1035156e-5, 0x0400],
      [5.9604645e-8, 0x0001],
      [2.9802322e-8, 0x0000],
      [4.4703484e-8, 0x0001],
      [1e-4, 0x068e],
      [3.14159265, 0x4248],
    ];
    for (const [value, bits] of numpy) expect(float32ToFloat16Bits(value), `${value}`).toBe(bits);
  });

  it('maps overflow to infinity, keeps signed zero, and keeps NaN a NaN', () => {
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00);
    expect(float32ToFloat16Bits(1e9)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-Infinity)).toBe(0xfc00);
    expect(float32ToFloat16Bits(-0)).toBe(0x8000);
    expect(float32ToFloat16Bits(1e-30)).toBe(0);
    expect(isNaNBits(float32ToFloat16Bits(NaN))).toBe(true);
  });

  it('round-trips every float16 value exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      const back = float32ToFloat16Bits(float16BitsToFloat32(h));
      if (isNaNBits(h)) expect(isNaNBits(back)).toBe(true);
      else if (back !== h) expect(back, `0x${h.toString(16)}`).toBe(h);
    }
  });

  it('rounds every exact midpoint between neighbours to the even one', () => {
    // Midpoints need 12 significant bits, so they are exact float32 values; subnormals included.
    for (let h = 0; h < 0x7bff; h++) {
      const mid = (float16BitsToFloat32(h) + float16BitsToFloat32(h + 1)) / 2;
      const even = h % 2 === 0 ? h : h + 1;
      const got = float32ToFloat16Bits(mid);
      if (got !== even) expect(got, `midpoint after 0x${h.toString(16)}`).toBe(even);
      const gotNeg = float32ToFloat16Bits(-mid);
      if (gotNeg !== (even | 0x8000)) expect(gotNeg).toBe(even | 0x8000);
    }
  });

  it('agrees with the plain-arithmetic version on a million random float32 bit patterns', () => {
    const bits = randomBits(1_000_000);
    const floats = new Float32Array(bits.buffer);
    const fast = toFloat16(floats);
    for (let i = 0; i < floats.length; i++) {
      const naive = float32ToFloat16BitsNaive(floats[i]!);
      if (fast[i] !== naive && !(isNaNBits(naive) && isNaNBits(fast[i]!))) {
        expect(fast[i], `bits 0x${bits[i]!.toString(16)} (${floats[i]})`).toBe(naive);
      }
    }
  });

  it('converts a subarray view and refuses an output that is too short', () => {
    const whole = new Float32Array([1, 2, 0.5, -4]);
    expect([...toFloat16(whole.subarray(1, 3))]).toEqual([0x4000, 0x3800]);
    expect(() => toFloat16(whole, new Uint16Array(2))).toThrow(/output holds 2 values, input has 4/);
  });
});

describe('float16 → float32', () => {
  it('widens raw bits in a Uint16Array', () => {
    const out = toFloat32(new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7bff, 0x7c00, 0x8000]));
    expect([...out]).toEqual([1, -2, 2 ** -24, 65504, Infinity, -0]);
    expect(Number.isNaN(toFloat32(new Uint16Array([0x7e00]))[0])).toBe(true);
  });

  it('accepts a Float16Array-like view by reading its bytes, offset included', () => {
    // Stands in for the Float16Array newer runtimes return: only the buffer, offset and length are read.
    class Float16Array {
      readonly BYTES_PER_ELEMENT = 2;
      constructor(
        readonly buffer: ArrayBuffer,
        readonly byteOffset: number,
        readonly length: number,
      ) {}
    }
    const raw = new Uint16Array([0xffff, 0x3c00, 0x3555]);
    const out = toFloat32(new Float16Array(raw.buffer, 2, 2));
    expect([...out]).toEqual([1, float16BitsToFloat32(0x3555)]);
  });

  it.runIf('Float16Array' in globalThis)('accepts the runtime Float16Array when there is one', () => {
    const F16 = (globalThis as unknown as Record<string, new (values: number[]) => Uint16Array>)[
      'Float16Array'
    ]!;
    expect([...toFloat32(new F16([0.5, -3]))]).toEqual([0.5, -3]);
  });

  it('refuses data that is not two bytes an element', () => {
    expect(() => toFloat32(new Float32Array(2) as unknown as Uint16Array)).toThrow(
      /expected float16 data \(2 bytes per element\), got Float32Array with 4/,
    );
  });
});

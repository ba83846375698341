import { describe, expect, it } from 'vitest';
import { x86Level } from './cpu-level.mjs';

const V3 = 'fpu sse sse2 ssse3 sse4_1 sse4_2 avx avx2 bmi1 bmi2 f16c fma abm movbe xsave';
const V4 = `${V3} avx512f avx512bw avx512cd avx512dq avx512vl avx512_vnni`;
const cpuinfo = (...flags: string[]) =>
  flags.map((f, i) => `processor\t: ${i}\nmodel name\t: test\nflags\t\t: ${f}\n`).join('\n');

describe('the x86-64 level hnswlib-node is built for', () => {
  it('is v4 where every CPU has AVX-512 F, BW, CD, DQ and VL', () => {
    expect(x86Level(cpuinfo(V4, V4))).toBe('x86-64-v4');
  });

  it('is v3 where AVX2 and FMA are there but part of AVX-512 is not', () => {
    expect(x86Level(cpuinfo(V3))).toBe('x86-64-v3');
    expect(x86Level(cpuinfo(V4.replace(' avx512vl', '')))).toBe('x86-64-v3');
  });

  it('is the lowest that every CPU reaches when they differ', () => {
    expect(x86Level(cpuinfo(V4, V3))).toBe('x86-64-v3');
  });

  it('is null without AVX2 and FMA, or without flags to read', () => {
    expect(x86Level(cpuinfo('fpu sse sse2 sse4_2 avx'))).toBeNull();
    expect(x86Level(cpuinfo(V3.replace(' fma', '')))).toBeNull();
    expect(x86Level('')).toBeNull();
  });

  it('reads this machine without throwing', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
    expect([null, 'x86-64-v3', 'x86-64-v4']).toContain(x86Level(text));
  });
});

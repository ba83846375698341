import { describe, expect, it } from 'vitest';
import { defaultProviders, explainProviderError, parseProviders } from './providers';

describe('execution provider preferences', () => {
  it('prefer CUDA, then the CPU, where onnxruntime-node offers CUDA', () => {
    expect(defaultProviders('linux')).toEqual(['cuda', 'cpu']);
    expect(defaultProviders('win32')).toEqual(['cuda', 'dml', 'cpu']);
    expect(defaultProviders('darwin')).toEqual(['cpu']);
  });

  it('parse a comma list, ignoring case, blanks and repeats', () => {
    expect(parseProviders(' CUDA, cpu,,cuda ')).toEqual(['cuda', 'cpu']);
  });

  it('reject an unknown provider by name', () => {
    expect(() => parseProviders('cuda,tpu')).toThrow(/unknown execution provider "tpu"/);
    expect(() => parseProviders(' , ')).toThrow(/empty/);
  });
});

describe('provider errors in plain words', () => {
  it('name the missing CUDA library', () => {
    const msg =
      'Failed to load library libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file: No such file or directory';
    expect(explainProviderError('cuda', msg)).toBe('CUDA provider missing libcublasLt.so.13');
  });

  it('say when the provider itself is not installed', () => {
    const msg = 'libonnxruntime_providers_cuda.so: cannot open shared object file: No such file or directory';
    expect(explainProviderError('cuda', msg)).toMatch(/CUDA provider is not installed .*setup:gpu/);
  });

  it('recognise a machine without a usable GPU', () => {
    expect(explainProviderError('cuda', 'CUDA failure 100: no CUDA-capable device is detected')).toMatch(
      /no usable NVIDIA GPU/,
    );
  });

  it('say when this build has no such backend', () => {
    expect(explainProviderError('dml', 'no available backend found. ERR: [dml] backend not found.')).toBe(
      'dml provider is not available in this onnxruntime-node build',
    );
  });
});

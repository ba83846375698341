import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Io } from './common';
import { untilInterrupted } from './interrupt';

function captureIo(): Io & { errors: string[] } {
  const errors: string[] = [];
  return { out: () => {}, err: (s: string) => errors.push(s), errors } as unknown as Io & {
    errors: string[];
  };
}

afterEach(() => vi.restoreAllMocks());

describe('Ctrl-C during a long command', () => {
  it('first aborts the work, saying what happens now', async () => {
    const io = captureIo();
    const result = await untilInterrupted(io, 'stopping after the batch in flight', async (signal) => {
      process.emit('SIGINT');
      return signal.aborted;
    });
    expect(result).toBe(true);
    expect(io.errors).toEqual(['\nstopping after the batch in flight (Ctrl-C again to quit at once)…\n']);
  });

  it('quits with 130 when pressed again', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    await untilInterrupted(captureIo(), 'stopping', async () => {
      process.emit('SIGINT');
      process.emit('SIGINT');
    });
    expect(exit).toHaveBeenCalledWith(130);
  });

  it('leaves no handler behind once the work has ended, interrupted or not', async () => {
    const before = process.listenerCount('SIGINT');
    await untilInterrupted(captureIo(), 'stopping', async () => {});
    await untilInterrupted(captureIo(), 'stopping', async () => void process.emit('SIGINT'));
    await expect(
      untilInterrupted(captureIo(), 'stopping', () => Promise.reject(new Error('disk full'))),
    ).rejects.toThrow('disk full');
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { duration, terminalBar } from './progress-bar';

/** A stream that passes for a terminal and keeps what is drawn on it. */
function fakeTerminal() {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
  let written = '';
  stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
  return { stream, written: () => written };
}

describe('the terminal progress bar', () => {
  it('draws nothing, and needs no stop, until it is given figures', () => {
    const terminal = fakeTerminal();
    const bar = terminalBar('{phase} {value}/{total}', terminal.stream);
    expect(bar.started).toBe(false);
    bar.stop();
    expect(terminal.written()).toBe('');
  });

  it('draws the figures it is given, a total of 0 as 1, and follows a total that grows', () => {
    const terminal = fakeTerminal();
    const bar = terminalBar('{phase} {value}/{total}', terminal.stream);
    bar.show(0, 0, { phase: 'scanning' });
    expect(bar.started).toBe(true);
    bar.show(3, 40, { phase: 'indexing' });
    bar.stop();
    expect(terminal.written()).toContain('scanning 0/1');
    expect(terminal.written()).toContain('indexing 3/40');
  });
});

describe('the time left, as a progress line shows it', () => {
  it.each([
    [null, '--'],
    [Infinity, '--'],
    [44.6, '45s'],
    [187, '3m07s'],
    [7500, '2h05m'],
  ])('%s seconds reads %s', (seconds, text) => {
    expect(duration(seconds)).toBe(text);
  });
});

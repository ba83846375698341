import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from './contract';
import { commandArgs, parseArgs } from './contract-schemas';

// Bad input through the real contract validation: every command, with random and hostile arguments as
// a compromised page could send them (anything structured clone carries). Each call either parses or
// throws the one clean validation error naming the command; nothing else escapes and nothing pollutes
// a prototype.

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

const HOSTILE_STRINGS = [
  '',
  '/',
  '../../../../etc/passwd',
  'C:\\Windows\\System32',
  '\\\\server\\share',
  '/dev/zero',
  'a\0b',
  '\u202e\ufeff',
  '%2e%2e%2f',
  'x'.repeat(4097),
  'y'.repeat(1_000_000),
  '__proto__',
  'constructor',
];
const HOSTILE_NUMBERS = [0, -1, 1, 1.5, NaN, Infinity, -Infinity, -0, 2 ** 53 + 1, 1e308, Number.MIN_VALUE];
const POLLUTERS = [
  () => JSON.parse('{"__proto__": {"polluted": true, "limit": 1}}') as unknown,
  () => JSON.parse('{"constructor": {"prototype": {"polluted": true}}}') as unknown,
  () => JSON.parse('{"filters": {"__proto__": {"polluted": true}}}') as unknown,
  () => Object.assign(Object.create(null), { limit: 1 }) as unknown,
];

function value(rand: () => number, depth = 0): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  switch (Math.floor(rand() * (depth > 3 ? 6 : 9))) {
    case 0:
      return pick(HOSTILE_STRINGS);
    case 1:
      return pick(HOSTILE_NUMBERS);
    case 2:
      return pick([true, false, null, undefined]);
    case 3:
      return Math.floor(rand() * 2 ** 31);
    case 4:
      return pick(POLLUTERS)();
    case 5:
      return pick(['cpu', 'cuda', 'dark', 'relevance', 'adaptive', 'vit-b-32', 'red sofa']);
    case 6:
      return Array.from({ length: Math.floor(rand() * 4) }, () => value(rand, depth + 1));
    case 7: {
      const keys = ['limit', 'offset', 'filters', 'folders', 'providers', 'modelDir', 'theme', 'sort', 'x'];
      return Object.fromEntries(
        Array.from({ length: Math.floor(rand() * 4) }, () => [pick(keys), value(rand, depth + 1)]),
      );
    }
    default:
      return new Array(Math.floor(rand() * 3) * 5_000).fill(pick(HOSTILE_STRINGS));
  }
}

function expectCleanOutcome(name: (typeof COMMAND_NAMES)[number], args: unknown[]) {
  try {
    parseArgs(name, args);
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect((e as { code?: string }).code).toBe('BAD_ARGUMENTS');
    expect((e as Error).message.startsWith(`${name}: argument `)).toBe(true);
    expect((e as Error).message.length).toBeLessThan(600);
  }
}

describe('IPC payloads through the contract validation', () => {
  it('every command answers random and hostile arguments with a parse or a clean validation error', () => {
    const rand = rng(13);
    for (const name of COMMAND_NAMES)
      for (let i = 0; i < 300; i++) {
        const args = Array.from({ length: Math.floor(rand() * 4) }, () => value(rand));
        expectCleanOutcome(name, args);
      }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect((Object.prototype as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('every command refuses extra arguments and wrong types in each place', () => {
    for (const name of COMMAND_NAMES) {
      const arity = (commandArgs[name] as unknown as { def: { items: unknown[] } }).def.items.length;
      expect(() => parseArgs(name, Array(arity + 1).fill(1))).toThrow(`${name}: argument`);
      for (const bad of [Symbol.for('x'), () => 1, new Map(), 10n])
        for (let i = 0; i < Math.max(arity, 1); i++) {
          const args: unknown[] = Array(arity).fill(undefined);
          args[i] = bad;
          expectCleanOutcome(name, args);
        }
    }
  });

  it('refuses prototype-pollution keys rather than carrying them to the engine', () => {
    for (const polluter of POLLUTERS.slice(0, 3)) {
      expect(() => parseArgs('searchText', ['red', polluter()])).toThrow(/searchText: argument 1/);
      expect(() => parseArgs('updateSettings', [polluter()])).toThrow(/updateSettings: argument 0/);
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('refuses huge strings and lists without slowing down', () => {
    const start = performance.now();
    expect(() => parseArgs('searchText', ['x'.repeat(10_000_000), {}])).toThrow(/searchText: argument 0/);
    expect(() => parseArgs('startIndexing', [Array(100_000).fill('/a')])).toThrow(
      /startIndexing: argument 0/,
    );
    expect(() => parseArgs('addFolder', ['/'.repeat(5000)])).toThrow(/addFolder: argument 0/);
    expect(() => parseArgs('listFailures', [1e12])).toThrow(/listFailures: argument 0/);
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('does not let the window set the model folder', () => {
    expect(() => parseArgs('updateSettings', [{ modelDir: '/tmp/evil-model' }])).toThrow(
      /updateSettings: argument 0/,
    );
    expect(() => parseArgs('updateSettings', [{ modelDir: null }])).toThrow(/updateSettings: argument 0/);
    expect(parseArgs('updateSettings', [{ theme: 'dark' }])).toEqual([{ theme: 'dark' }]);
  });
});

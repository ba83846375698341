import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearStamp, ensureStamped, stampMatches } from './stamp';

describe('stamped fixture folders', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'glimpse-stamp-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('are made once and reused while their parameters stay the same', async () => {
    const dir = join(root, 'set');
    let made = 0;
    const make = async (d: string) => {
      made++;
      await writeFile(join(d, 'a.txt'), 'x');
    };
    expect(await ensureStamped(dir, { count: 2 }, make)).toBe(true);
    expect(await ensureStamped(dir, { count: 2 }, make)).toBe(false);
    expect(made).toBe(1);
    expect(stampMatches(dir, { count: 2 })).toBe(true);
  });

  it('are made again from empty when the parameters change or the stamp is cleared', async () => {
    const dir = join(root, 'set');
    await ensureStamped(dir, { count: 2 }, (d) => writeFile(join(d, 'old.txt'), 'x'));
    await ensureStamped(dir, { count: 3 }, (d) => writeFile(join(d, 'new.txt'), 'x'));
    expect(existsSync(join(dir, 'old.txt'))).toBe(false);
    expect(existsSync(join(dir, 'new.txt'))).toBe(true);
    await clearStamp(dir);
    expect(stampMatches(dir, { count: 3 })).toBe(false);
  });

  it('are not reused when making them failed half way', async () => {
    const dir = join(root, 'set');
    await expect(
      ensureStamped(dir, { count: 1 }, async () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(stampMatches(dir, { count: 1 })).toBe(false);
  });
});

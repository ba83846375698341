import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirStat } from './walk';

describe('the bare readdir + stat walk', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'glimpse-walk-'));
    await mkdir(join(root, 'a', 'b', 'c'), { recursive: true });
    await mkdir(join(root, 'empty'));
    for (let i = 0; i < 70; i++) await writeFile(join(root, 'a', `f${i}.jpg`), 'x');
    await writeFile(join(root, 'a', 'b', 'c', 'deep.jpg'), 'x');
    await writeFile(join(root, '.hidden'), 'x');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('counts every regular file in every folder, hidden ones too', async () => {
    expect(await readdirStat(root)).toBe(72);
  });

  it('fails on a root that does not exist', async () => {
    await expect(readdirStat(join(root, 'nope'))).rejects.toThrow(/ENOENT/);
  });
});

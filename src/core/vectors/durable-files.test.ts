import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileChecksum, fileSize, fsyncDir, writeFileAtomic } from './durable-files';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-durable-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('durable file steps', () => {
  it('checksums a file as sha256', async () => {
    const path = join(dir, 'f');
    await writeFile(path, 'abc');
    expect(await fileChecksum(path)).toBe(
      'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('replaces a file whole, leaving no temporary file behind', async () => {
    const path = join(dir, 'sidecar.json');
    await writeFileAtomic(path, 'old');
    await writeFileAtomic(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['sidecar.json']);
  });

  it('reports a missing file as having no size', async () => {
    expect(await fileSize(join(dir, 'nope'))).toBeNull();
    await writeFile(join(dir, 'four'), '1234');
    expect(await fileSize(join(dir, 'four'))).toBe(4);
  });

  it('syncs a folder', async () => {
    await expect(fsyncDir(dir)).resolves.toBeUndefined();
  });
});

import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IndexFiles, sidecarMismatch, SIDECAR_FORMAT, type Sidecar } from './index-files';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-index-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sidecar(files: IndexFiles, generation: number, over: Partial<Sidecar> = {}): Sidecar {
  return {
    format: SIDECAR_FORMAT,
    space: 'ip',
    dim: 16,
    modelId: 'model-a',
    M: 16,
    efConstruction: 200,
    generation,
    count: 3,
    elements: 4,
    file: files.graphFile(generation),
    bytes: 5,
    checksum: `sha256:${'0'.repeat(64)}`,
    savedAt: '2026-11-27T00:00:00.000Z',
    ...over,
  };
}

const shape = { dim: 16, modelId: 'model-a', M: 16, efConstruction: 200 };

describe('the index files', () => {
  it('commits a graph and its sidecar, and removes older generations', async () => {
    const files = new IndexFiles(dir, 'vectors');
    await writeFile(files.tempGraphPath(1), 'one');
    await files.commit(sidecar(files, 1));
    await writeFile(files.tempGraphPath(2), 'two');
    await writeFile(join(dir, 'vectors-extra-1.hnsw'), 'another index'); // not this index's file
    await files.commit(sidecar(files, 2));
    expect((await readdir(dir)).sort()).toEqual(['vectors-2.hnsw', 'vectors-extra-1.hnsw', 'vectors.json']);
    expect(await files.readSidecar()).toEqual({ sidecar: sidecar(files, 2) });
  });

  it('says why a sidecar is missing, not JSON, or malformed', async () => {
    const files = new IndexFiles(dir, 'vectors');
    expect(await files.readSidecar()).toEqual({ problem: expect.stringMatching(/no saved index/) });
    await writeFile(files.sidecarPath, '{"format": 1,');
    expect(await files.readSidecar()).toEqual({ problem: expect.stringMatching(/not JSON/) });
    await writeFile(files.sidecarPath, JSON.stringify({ ...sidecar(files, 1), dim: -4 }));
    expect(await files.readSidecar()).toEqual({ problem: expect.stringMatching(/field "dim"/) });
    await writeFile(files.sidecarPath, JSON.stringify({ ...sidecar(files, 1), file: '../elsewhere.hnsw' }));
    expect(await files.readSidecar()).toEqual({
      problem: expect.stringMatching(/not this index's generation file/),
    });
  });

  it('discards the sidecar and every graph generation', async () => {
    const files = new IndexFiles(dir, 'vectors');
    await writeFile(files.tempGraphPath(1), 'one');
    await files.commit(sidecar(files, 1));
    await writeFile(files.tempGraphPath(2), 'half-written');
    await files.discard();
    expect(await readdir(dir)).toEqual([]);
  });

  it('accepts a sidecar only for the same dim, model, parameters, generation and count', () => {
    const files = new IndexFiles(dir, 'vectors');
    const s = sidecar(files, 4);
    const path = files.sidecarPath;
    expect(sidecarMismatch(path, s, shape, { generation: 4, count: 3 })).toBeNull();
    expect(sidecarMismatch(path, s, { ...shape, dim: 32 }, { generation: 4, count: 3 })).toMatch(
      /dim is 16, the model gives 32/,
    );
    expect(sidecarMismatch(path, s, { ...shape, modelId: 'b' }, { generation: 4, count: 3 })).toMatch(
      /model "model-a", not "b"/,
    );
    expect(sidecarMismatch(path, s, { ...shape, M: 8 }, { generation: 4, count: 3 })).toMatch(/M=16/);
    expect(sidecarMismatch(path, s, shape, null)).toMatch(/not recorded in the database/);
    expect(sidecarMismatch(path, s, shape, { generation: 5, count: 3 })).toMatch(
      /generation 4, the database recorded 5/,
    );
    expect(sidecarMismatch(path, s, shape, { generation: 4, count: 9 })).toMatch(
      /holds 3 vectors, the database recorded 9/,
    );
  });

  it('refuses a file stem that could escape the folder', () => {
    expect(() => new IndexFiles(dir, '../x')).toThrow(/use letters, digits/);
  });
});

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
    shards: [
      {
        file: files.graphFile(generation, 0),
        bytes: 5,
        checksum: `sha256:${'0'.repeat(64)}`,
        count: 2,
        elements: 2,
      },
      {
        file: files.graphFile(generation, 1),
        bytes: 6,
        checksum: `sha256:${'1'.repeat(64)}`,
        count: 1,
        elements: 2,
      },
    ],
    savedAt: '2026-11-27T00:00:00.000Z',
    ...over,
  };
}

const shape = { dim: 16, modelId: 'model-a', M: 16, efConstruction: 200, count: 3 };

describe('the index files', () => {
  it('commits every shard graph and the sidecar, and removes older generations', async () => {
    const files = new IndexFiles(dir, 'vectors');
    await writeFile(files.tempGraphPath(1, 0), 'one');
    await writeFile(files.tempGraphPath(1, 1), 'one, shard 1');
    await files.commit(sidecar(files, 1));
    await writeFile(files.tempGraphPath(2, 0), 'two');
    await writeFile(files.tempGraphPath(2, 1), 'two, shard 1');
    await writeFile(join(dir, 'vectors-1.hnsw'), 'format 1, unsharded'); // left by an older version
    await writeFile(join(dir, 'vectors-extra-1.hnsw'), 'another index'); // not this index's file
    await files.commit(sidecar(files, 2));
    expect((await readdir(dir)).sort()).toEqual([
      'vectors-2-0.hnsw',
      'vectors-2-1.hnsw',
      'vectors-extra-1.hnsw',
      'vectors.json',
    ]);
    expect(await files.readSidecar()).toEqual({ sidecar: sidecar(files, 2) });
  });

  it('says why a sidecar is missing, not JSON, or malformed', async () => {
    const files = new IndexFiles(dir, 'vectors');
    expect(await files.readSidecar()).toEqual({ problem: expect.stringMatching(/no saved index/) });
    await writeFile(files.sidecarPath, '{"format": 1,');
    expect(await files.readSidecar()).toEqual({ problem: expect.stringMatching(/not JSON/) });
    await writeFile(files.sidecarPath, JSON.stringify({ ...sidecar(files, 1), dim: -4 }));
    expect(await files.readSidecar()).toEqual({ problem: expect.stringMatching(/field "dim"/) });
    const good = sidecar(files, 1);
    const elsewhere = {
      ...good,
      shards: [{ ...good.shards[0]!, file: '../elsewhere.hnsw' }, good.shards[1]],
    };
    await writeFile(files.sidecarPath, JSON.stringify(elsewhere));
    expect(await files.readSidecar()).toEqual({
      problem: expect.stringMatching(/not this index's generation file/),
    });
    await writeFile(files.sidecarPath, JSON.stringify({ ...good, count: 4 }));
    expect(await files.readSidecar()).toEqual({ problem: expect.stringMatching(/do not add up/) });
    await writeFile(files.sidecarPath, JSON.stringify({ ...good, format: 1 }));
    expect(await files.readSidecar()).toEqual({ problem: expect.stringMatching(/field "format"/) });
  });

  it('discards the sidecar and every graph generation', async () => {
    const files = new IndexFiles(dir, 'vectors');
    await writeFile(files.tempGraphPath(1, 0), 'one');
    await writeFile(files.tempGraphPath(1, 1), 'one, shard 1');
    await files.commit(sidecar(files, 1));
    await writeFile(files.tempGraphPath(2, 0), 'half-written');
    await writeFile(join(dir, 'vectors-1.hnsw'), 'format 1');
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
    // Parameters left to the library's size: any graph that still suits its count is loaded.
    const bySize = { ...shape, M: null, efConstruction: null };
    expect(sidecarMismatch(path, s, bySize, { generation: 4, count: 3 })).toBeNull();
    expect(sidecarMismatch(path, s, { ...bySize, count: 2_000_000 }, { generation: 4, count: 3 })).toMatch(
      /built with M=16 efConstruction=200, 2000000 photos need M=24/,
    );
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

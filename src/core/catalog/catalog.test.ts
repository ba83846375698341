import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog, type PhotoWrite } from './catalog';

// Embeddings are keyed by content: a vector lives while at least one indexed photo shows that content,
// and every vector released is journaled so the vector index can drop it too.

const MODEL = 'model-a';
const OTHER_MODEL = 'model-b';
let dir: string;
let catalog: Catalog;
let folderId: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-catalog-'));
  catalog = Catalog.open(dir);
  folderId = catalog.addFolder('/photos');
});
afterEach(async () => {
  catalog.close();
  await rm(dir, { recursive: true, force: true });
});

const vec = (seed: number) => Float32Array.from({ length: 4 }, (_, i) => Math.sin(seed + i));

function photo(path: string, hash: string | null, over: Partial<PhotoWrite> = {}): PhotoWrite {
  return { folderId, path, size: 100, mtimeMs: 1, hash, status: hash ? 'indexed' : 'failed', ...over };
}

/** An indexed photo of `hash`, embedding the content first if it is new. */
function addPhoto(path: string, hash: string, model = MODEL): number {
  const label = catalog.labelFor(model, hash) ?? catalog.addEmbedding(model, hash, vec(path.length));
  catalog.writePhoto(photo(path, hash));
  return label;
}

const journal = (model = MODEL) => catalog.deletionsAfter(model, 0).map((d) => d.label);

describe('the catalog', () => {
  it('keeps a vector while any photo shows its content, and frees and journals it with the last', () => {
    const label = addPhoto('/photos/a.jpg', 'x');
    addPhoto('/photos/copy of a.jpg', 'x');
    const [a, copy] = ['/photos/a.jpg', '/photos/copy of a.jpg'].map((p) => catalog.photoByPath(p)!.id);

    expect(catalog.deletePhotos([a!])).toEqual([]);
    expect(catalog.labelFor(MODEL, 'x')).toBe(label);
    expect(journal()).toEqual([]);

    expect(catalog.deletePhotos([copy!])).toEqual([{ label, modelId: MODEL, hash: 'x' }]);
    expect(catalog.labelFor(MODEL, 'x')).toBeUndefined();
    expect(catalog.vector(label)).toBeUndefined();
    expect(journal()).toEqual([label]);
  });

  it('frees the old content of a photo whose bytes changed, unless another photo shows it', () => {
    const x = addPhoto('/photos/a.jpg', 'x');
    addPhoto('/photos/b.jpg', 'y');
    const y = addPhoto('/photos/c.jpg', 'y');
    catalog.addEmbedding(MODEL, 'z', vec(9));

    expect(catalog.writePhoto(photo('/photos/a.jpg', 'z'))).toEqual([
      { label: x, modelId: MODEL, hash: 'x' },
    ]);
    expect(catalog.writePhoto(photo('/photos/b.jpg', 'z'))).toEqual([]);
    expect(catalog.labelFor(MODEL, 'y')).toBe(y);
    expect(journal()).toEqual([x]);
  });

  it('frees the content of a photo that now fails to read', () => {
    const x = addPhoto('/photos/a.jpg', 'x');
    const freed = catalog.writePhoto(
      photo('/photos/a.jpg', null, { errorCode: 'truncated', error: 'cut short' }),
    );
    expect(freed).toEqual([{ label: x, modelId: MODEL, hash: 'x' }]);
    expect(catalog.photoByPath('/photos/a.jpg')).toMatchObject({
      status: 'failed',
      errorCode: 'truncated',
      hash: null,
    });
  });

  it('moves a photo by keeping its row, its content and so its vector', () => {
    const x = addPhoto('/photos/a.jpg', 'x');
    const { id } = catalog.photoByPath('/photos/a.jpg')!;
    const other = catalog.addFolder('/elsewhere');
    catalog.movePhoto(id, { path: '/elsewhere/a.jpg', folderId: other, size: 100, mtimeMs: 2 });
    expect(catalog.photoByPath('/photos/a.jpg')).toBeUndefined();
    expect(catalog.photo(id)).toMatchObject({
      path: '/elsewhere/a.jpg',
      folderId: other,
      hash: 'x',
      mtimeMs: 2,
    });
    expect(catalog.labelFor(MODEL, 'x')).toBe(x);
    expect(journal()).toEqual([]);
  });

  it('frees the vectors of every model for a content, each journaled for its own index', () => {
    const a = addPhoto('/photos/a.jpg', 'x');
    const b = catalog.addEmbedding(OTHER_MODEL, 'x', vec(2));
    const freed = catalog.deletePhotos([catalog.photoByPath('/photos/a.jpg')!.id]);
    expect(freed).toEqual(
      expect.arrayContaining([
        { label: a, modelId: MODEL, hash: 'x' },
        { label: b, modelId: OTHER_MODEL, hash: 'x' },
      ]),
    );
    expect(journal(MODEL)).toEqual([a]);
    expect(journal(OTHER_MODEL)).toEqual([b]);
  });

  it('removing a folder frees only the contents no photo elsewhere shows', () => {
    const shared = addPhoto('/photos/a.jpg', 'shared');
    const own = addPhoto('/photos/b.jpg', 'own');
    const elsewhere = catalog.addFolder('/elsewhere');
    catalog.writePhoto(photo('/elsewhere/a.jpg', 'shared', { folderId: elsewhere }));
    expect(catalog.removeFolder('/photos')).toEqual([{ label: own, modelId: MODEL, hash: 'own' }]);
    expect(catalog.labelFor(MODEL, 'shared')).toBe(shared);
    expect(catalog.photosInFolder(folderId)).toEqual([]);
  });

  it('forgets journal entries up to a saved position, for that model only', () => {
    const a = addPhoto('/photos/a.jpg', 'x');
    const b = catalog.addEmbedding(OTHER_MODEL, 'x', vec(2));
    const c = addPhoto('/photos/c.jpg', 'y');
    catalog.deletePhotos([catalog.photoByPath('/photos/a.jpg')!.id]);
    const saved = catalog.lastDeletionSeq();
    catalog.deletePhotos([catalog.photoByPath('/photos/c.jpg')!.id]);
    expect(journal(MODEL)).toEqual([a, c]);
    catalog.pruneDeletions(MODEL, saved);
    expect(journal(MODEL)).toEqual([c]);
    expect(journal(OTHER_MODEL)).toEqual([b]);
  });

  it('never hands out a freed label again', () => {
    const first = addPhoto('/photos/a.jpg', 'x');
    catalog.deletePhotos([catalog.photoByPath('/photos/a.jpg')!.id]);
    expect(addPhoto('/photos/a.jpg', 'x')).toBeGreaterThan(first);
  });
});

describe('a write batch', () => {
  it('keeps content that one write takes from its last photo and another gives to a new one', () => {
    const x = addPhoto('/photos/a.jpg', 'x');
    const y = addPhoto('/photos/b.jpg', 'y');
    // The two files swapped names: each path now shows the other's content.
    const freed = catalog.writeBatch(() => {
      expect(catalog.writePhoto(photo('/photos/a.jpg', 'y'))).toEqual([]);
      catalog.writePhoto(photo('/photos/b.jpg', 'x'));
    });
    expect(freed).toEqual([]);
    expect(catalog.labelFor(MODEL, 'x')).toBe(x);
    expect(catalog.labelFor(MODEL, 'y')).toBe(y);
    expect(journal()).toEqual([]);
  });

  it('frees, at its end, the contents that no photo shows after all its writes', () => {
    const x = addPhoto('/photos/a.jpg', 'x');
    addPhoto('/photos/b.jpg', 'y');
    const freed = catalog.writeBatch(() => {
      catalog.deletePhotos([catalog.photoByPath('/photos/a.jpg')!.id]);
      catalog.writePhoto(photo('/photos/b.jpg', 'y', { mtimeMs: 5 }));
    });
    expect(freed).toEqual([{ label: x, modelId: MODEL, hash: 'x' }]);
    expect(journal()).toEqual([x]);
  });

  it('writes nothing when it throws, and leaves the catalog releasing at once again', () => {
    addPhoto('/photos/a.jpg', 'x');
    expect(() =>
      catalog.writeBatch(() => {
        catalog.deletePhotos([catalog.photoByPath('/photos/a.jpg')!.id]);
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(catalog.photoByPath('/photos/a.jpg')).toBeDefined();
    expect(catalog.deletePhotos([catalog.photoByPath('/photos/a.jpg')!.id])).toHaveLength(1);
  });

  it('does not nest', () => {
    expect(() => catalog.writeBatch(() => catalog.writeBatch(() => {}))).toThrow(/do not nest/);
  });
});

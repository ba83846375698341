import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog, releaseFreed, type PhotoWrite } from './catalog';

// The named queries every module outside the catalog asks instead of writing SQL of its own.

const MODEL = 'model-a';
let dir: string;
let catalog: Catalog;
let holiday: number;
let work: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-queries-'));
  catalog = Catalog.open(dir);
  holiday = catalog.addFolder('/photos/holiday');
  work = catalog.addFolder('/photos/work');
});
afterEach(async () => {
  catalog.close();
  await rm(dir, { recursive: true, force: true });
});

const vec = (seed: number) => Float32Array.from({ length: 4 }, (_, i) => Math.sin(seed + i));

function write(folderId: number, path: string, hash: string | null, over: Partial<PhotoWrite> = {}) {
  if (hash && catalog.labelFor(MODEL, hash) === undefined)
    catalog.addEmbedding(MODEL, hash, vec(path.length));
  catalog.writePhoto({
    folderId,
    path,
    size: 100,
    mtimeMs: 1,
    hash,
    status: hash ? 'indexed' : 'failed',
    ...(hash ? {} : { errorCode: 'DECODE', error: 'not an image' }),
    ...over,
  });
}

describe("the catalog's reports", () => {
  it('count indexed and failed photos per folder, and list the failures by path with their reason', () => {
    write(holiday, '/photos/holiday/a.jpg', 'a');
    write(holiday, '/photos/holiday/z.jpg', null);
    write(work, '/photos/work/b.jpg', null);

    const counts = new Map(catalog.reports.folderCounts().map((c) => [c.id, c]));
    expect(counts.get(holiday)).toMatchObject({ photos: 1, failed: 1 });
    expect(counts.get(work)).toMatchObject({ photos: 0, failed: 1 });
    expect(catalog.reports.failures(10)).toEqual([
      { path: '/photos/holiday/z.jpg', code: 'DECODE', reason: 'not an image' },
      { path: '/photos/work/b.jpg', code: 'DECODE', reason: 'not an image' },
    ]);
    expect(catalog.reports.failures(1)).toHaveLength(1);
    expect(catalog.reports.photoCount([holiday, work])).toBe(3);
    expect(catalog.reports.photoCount([])).toBe(0);
  });

  it('say how many indexed photos have a vector for the model asked about', () => {
    write(holiday, '/photos/holiday/a.jpg', 'a');
    write(holiday, '/photos/holiday/b.jpg', 'b');
    expect(catalog.reports.coverage(MODEL)).toEqual({ photos: 2, withVector: 2 });
    expect(catalog.reports.coverage('another-model')).toEqual({ photos: 2, withVector: 0 });
  });
});

describe("the catalog's search queries", () => {
  it('hydrate labels into indexed photos that pass the filters, and list the labels a filter keeps', () => {
    write(holiday, '/photos/holiday/a.png', 'a', { format: 'png' });
    write(work, '/photos/work/b.jpg', 'b', { format: 'jpeg' });
    const [a, b] = ['a', 'b'].map((h) => catalog.labelFor(MODEL, h)!);

    expect(
      catalog.search
        .photosOf([a!, b!], undefined)
        .map((p) => p.path)
        .sort(),
    ).toEqual(['/photos/holiday/a.png', '/photos/work/b.jpg']);
    expect(catalog.search.photosOf([a!, b!], { formats: ['jpg'] }).map((p) => p.label)).toEqual([b]);
    expect(catalog.search.matchingLabelCount(MODEL, undefined)).toBeNull();
    expect(catalog.search.matchingLabelCount(MODEL, { folders: ['/photos/holiday'] })).toBe(1);
    expect([...catalog.search.matchingLabels(MODEL, { folders: ['/photos/holiday'] })]).toEqual([a]);
  });
});

describe("the catalog's maintenance queries", () => {
  it('find embeddings no indexed photo shows, and copies shown by two photos', () => {
    write(holiday, '/photos/holiday/a.jpg', 'a');
    write(work, '/photos/work/a copy.jpg', 'a');
    catalog.addEmbedding(MODEL, 'orphan', vec(9));

    expect(catalog.maintenance.orphanEmbeddings()).toEqual([
      expect.objectContaining({ modelId: MODEL, hash: 'orphan' }),
    ]);
    expect(catalog.maintenance.labelsShownTwice(MODEL)).toEqual([catalog.labelFor(MODEL, 'a')]);
    expect(catalog.maintenance.indexedHashes()).toEqual(['a']);
  });

  it('remember the highest label ever issued after its vector is gone', () => {
    write(holiday, '/photos/holiday/a.jpg', 'a');
    const label = catalog.labelFor(MODEL, 'a')!;
    catalog.deletePhotos([catalog.photoByPath('/photos/holiday/a.jpg')!.id]);
    expect(catalog.labels(MODEL)).toEqual([]);
    expect(catalog.maintenance.highestLabelEver()).toBe(label);
  });

  it('page through a folder by id and report a clean database as free of problems', () => {
    for (const name of ['a', 'b', 'c']) write(holiday, `/photos/holiday/${name}.jpg`, name);
    const first = catalog.maintenance.photoFilesPage(holiday, 0, 2);
    expect(first.map((r) => r.path)).toEqual(['/photos/holiday/a.jpg', '/photos/holiday/b.jpg']);
    const rest = catalog.maintenance.photoFilesPage(holiday, first[1]!.id, 2);
    expect(rest.map((r) => r.path)).toEqual(['/photos/holiday/c.jpg']);
    expect(catalog.maintenance.integrityProblems()).toEqual([]);
    expect(catalog.maintenance.foreignKeyViolations()).toEqual([]);
  });

  it('leave out of the file checks a photo whose name is stored in a display form stat() cannot open', () => {
    write(holiday, '/photos/holiday/a.jpg', 'a');
    write(holiday, '/photos/holiday/b\uFFFD.jpg', null, { errorCode: 'bad-name', error: 'not UTF-8' });
    write(work, '/photos/work/c.jpg', null);
    expect(catalog.maintenance.openablePhotoCount([holiday, work])).toBe(2);
    expect(catalog.maintenance.openablePhotoCount([])).toBe(0);
    expect(catalog.maintenance.photoFilesPage(holiday, 0, 10).map((r) => r.path)).toEqual([
      '/photos/holiday/a.jpg',
    ]);
  });
});

describe('releasing freed vectors', () => {
  it("drops the active model's labels from the index and every freed content's thumbnail", async () => {
    const removedLabels: number[][] = [];
    const removedThumbs: string[] = [];
    const to = {
      modelId: MODEL,
      sink: { remove: (labels: number[]) => void removedLabels.push(labels) },
      thumbnails: { remove: async (hash: string) => void removedThumbs.push(hash) },
    };
    await releaseFreed(
      [
        { label: 1, modelId: MODEL, hash: 'x' },
        { label: 2, modelId: 'other-model', hash: 'y' },
      ],
      to,
    );
    expect(removedLabels).toEqual([[1]]);
    expect(removedThumbs.sort()).toEqual(['x', 'y']);

    await releaseFreed([], to);
    expect(removedLabels).toHaveLength(1);
  });

  it('passes a thumbnail that could not be removed on to the caller', async () => {
    const to = {
      modelId: MODEL,
      sink: { remove: () => {} },
      thumbnails: { remove: () => Promise.reject(new Error('disk gone')) },
    };
    await expect(releaseFreed([{ label: 1, modelId: MODEL, hash: 'x' }], to)).rejects.toThrow('disk gone');
  });
});

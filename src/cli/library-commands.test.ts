import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { glimpse } from '../../test/helpers/cli';
import { writeSolidPhoto, writeStripedPhoto } from '../../test/helpers/images';
import { testModelDir } from '../../test/helpers/test-model';
import { COLOUR_PROTOTYPES } from '../../tools/test-model/design';

let root: string;
let photos: string;
let cli: (...args: string[]) => ReturnType<typeof glimpse>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glimpse-cli-library-'));
  photos = join(root, 'photos');
  const colours = ['red', 'green', 'blue', 'yellow', 'orange', 'purple'] as const;
  for (const [i, c] of colours.entries()) {
    // Different sizes so no two photos have the same bytes.
    await writeSolidPhoto(join(photos, `${c}.jpg`), COLOUR_PROTOTYPES[c], { width: 200 + i, height: 150 });
    await writeSolidPhoto(join(photos, 'more', `${c}-2.png`), COLOUR_PROTOTYPES[c], {
      width: 160 + i,
      height: 120,
    });
  }
  await writeStripedPhoto(join(photos, 'stripes.png'), {
    width: 240,
    height: 240,
    colours: [COLOUR_PROTOTYPES.white, COLOUR_PROTOTYPES.black],
    stripeWidth: 12,
    direction: 'horizontal',
  });
  writeFileSync(join(photos, 'broken.jpg'), 'definitely not a jpeg');
  const model = await testModelDir('float32');
  cli = (...args) =>
    glimpse(['--model', model, '--library', join(root, 'library'), '--providers', 'cpu', ...args]);
});

describe('glimpse index', () => {
  it('ends with one JSON summary, the bad file named with its reason', async () => {
    const r = await cli('index', photos, '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out);
    expect(summary).toMatchObject({
      found: 14,
      embedded: 13,
      reused: 0,
      unchanged: 0,
      removed: 0,
      cancelled: false,
    });
    expect(summary.failed).toEqual([
      { path: join(photos, 'broken.jpg'), code: 'not-image', reason: expect.stringMatching(/not an image/) },
    ]);
    expect(summary.seconds).toBeGreaterThan(0);
    expect(summary.decoders).toEqual({ decoded: { cpu: 13 }, fallbacks: {} });
    expect(summary.pipeline.recent.reduce((n: number, b: { items: number }) => n + b.items, 0)).toBe(13);
    expect(['read', 'decode', 'fill', 'embed', 'commit']).toContain(summary.pipeline.limitedBy);
  });

  it('embeds nothing the second time, and reuses vectors for moved files', async () => {
    expect(JSON.parse((await cli('index', '--json')).out)).toMatchObject({ embedded: 0, unchanged: 14 });
    renameSync(join(photos, 'more'), join(photos, 'moved'));
    expect(JSON.parse((await cli('index', '--json')).out)).toMatchObject({
      embedded: 0,
      reused: 6,
      unchanged: 8,
      removed: 0,
    });
  });

  it('prints a readable summary without --json', async () => {
    const r = await cli('index', photos);
    expect(r.out).toMatch(
      /^Done in [\d.]+ s: 14 found, 0 embedded, 0 reused, 14 unchanged, 0 removed, 0 failed/,
    );
  });
});

describe('glimpse search', () => {
  it('ranks the photos of a colour word first', async () => {
    const r = await cli('search', 'red', '-k', '3');
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ {2}1\. 0\.7\d\d {2}.*red/);
    expect(lines[1]).toMatch(/red/);
    expect(lines[2]).not.toMatch(/red/);
    expect(lines.at(-1)).toMatch(/^3 of 13 in \d+ ms; --offset 3 for more$/);
  });

  it('ranks a shape word first too', async () => {
    const { hits } = JSON.parse((await cli('search', 'horizontal stripes', '-k', '1', '--json')).out);
    expect(hits[0].path).toBe(join(photos, 'stripes.png'));
  });

  it('gives stable JSON with the parsed query arithmetic', async () => {
    const page = JSON.parse((await cli('search', 'yellow + red - red', '-k', '2', '--json')).out);
    expect(page.terms).toEqual([
      { text: 'yellow', weight: 1 },
      { text: 'red', weight: 1 },
      { text: 'red', weight: -1 },
    ]);
    expect(page.hits.map((h: { path: string }) => h.path).every((p: string) => p.includes('yellow'))).toBe(
      true,
    );
    expect(Object.keys(page.hits[0]).sort()).toEqual([
      'camera',
      'format',
      'hash',
      'height',
      'mtimeMs',
      'path',
      'photoId',
      'score',
      'size',
      'takenAt',
      'width',
    ]);
  });

  it('filters by type and folder', async () => {
    const png = JSON.parse((await cli('search', 'red', '--type', 'png', '-k', '50', '--json')).out);
    expect(png.hits.every((h: { format: string }) => h.format === 'png')).toBe(true);
    const moved = JSON.parse((await cli('search', 'blue', '--folder', photos, '-k', '1', '--json')).out);
    expect(moved.hits[0].path).toMatch(/blue/);
  });

  it('refuses bad options with exit code 2', async () => {
    expect((await cli('search', 'red', '--from', 'last year')).code).toBe(2);
    expect((await cli('search', 'red', '--cutoff', '7')).code).toBe(2);
  });
});

describe('glimpse similar, status, failures and remove', () => {
  it('finds photos like an image file', async () => {
    const probe = await writeSolidPhoto(join(root, 'probe.png'), COLOUR_PROTOTYPES.green, {
      width: 90,
      height: 90,
    });
    const { hits } = JSON.parse((await cli('similar', probe, '-k', '2', '--json')).out);
    expect(hits.map((h: { path: string }) => h.path).every((p: string) => p.includes('green'))).toBe(true);
  });

  it('finds photos like a library photo, by id', async () => {
    const { hits } = JSON.parse((await cli('search', 'purple', '-k', '1', '--json')).out);
    const similar = JSON.parse((await cli('similar', String(hits[0].photoId), '-k', '1', '--json')).out);
    expect(similar.hits[0].path).toMatch(/purple/);
    expect(similar.hits[0].photoId).not.toBe(hits[0].photoId);
  });

  it('says why it cannot search by a file that will not decode, or an id the library does not know', async () => {
    const broken = await cli('similar', join(photos, 'broken.jpg'));
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/^glimpse: .*broken\.jpg: the file is not an image/);
    const unknown = await cli('similar', '424242');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe('glimpse: no photo with id 424242\n');
  });

  it('reports the library state', async () => {
    const s = JSON.parse((await cli('status', '--json')).out);
    expect(s).toMatchObject({ photos: 13, failed: 1, vectors: 13, coverage: { photos: 13, withVector: 13 } });
    expect(s.folders.map((f: { path: string }) => f.path)).toEqual([photos]);
    expect((await cli('status')).out).toMatch(/Photos\s+13 indexed, 1 skipped; 13 distinct vectors/);
  });

  it('lists skipped files with reasons', async () => {
    expect((await cli('failures')).out).toBe(
      `${join(photos, 'broken.jpg')}\tnot-image\tthe file is not an image (no known image format matches its first bytes)\n`,
    );
  });

  it('forgets a removed folder, and a deleted photo is gone from results', async () => {
    rmSync(join(photos, 'red.jpg'));
    await cli('index');
    const { hits } = JSON.parse((await cli('search', 'red', '-k', '1', '--json')).out);
    expect(hits[0].path).toBe(join(photos, 'moved', 'red-2.png'));
    // 12 photos and the skipped file's row.
    expect((await cli('remove', photos)).out).toMatch(/removed .* and its 13 photos/);
    expect(JSON.parse((await cli('status', '--json')).out)).toMatchObject({ photos: 0, folders: [] });
  });
});

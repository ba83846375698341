import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestLibrary, type TestLibrary } from '../../../test/chaos/harness';
import { writeSolidPhoto, writeStripedPhoto } from '../../../test/helpers/images';
import { COLOUR_PROTOTYPES } from '../../../tools/test-model/design';

// Near-duplicates with the test model, which sees colour and pattern: photos of one colour are near
// identical to it (whatever their size or shade), other colours and striped photos are not.

let lib: TestLibrary;
let dir: string;
const p = (name: string) => join(dir, name);

beforeAll(async () => {
  lib = await openTestLibrary();
  dir = lib.photos;
  await writeSolidPhoto(p('red-small.jpg'), COLOUR_PROTOTYPES.red, { width: 40, height: 30 });
  await writeSolidPhoto(p('red-large.png'), [250, 6, 4], { width: 64, height: 48 });
  await copyFile(p('red-small.jpg'), p('red-small-copy.jpg'));
  await writeSolidPhoto(p('blue-a.jpg'), COLOUR_PROTOTYPES.blue, { width: 30, height: 30 });
  await writeSolidPhoto(p('blue-b.webp'), [4, 2, 250], { width: 32, height: 30 });
  await writeSolidPhoto(p('green.jpg'), COLOUR_PROTOTYPES.green, { width: 30, height: 30 });
  await copyFile(p('green.jpg'), p('green-copy.jpg'));
  await writeSolidPhoto(p('yellow.jpg'), COLOUR_PROTOTYPES.yellow, { width: 30, height: 30 });
  await writeStripedPhoto(p('red-stripes.png'), {
    width: 64,
    height: 64,
    colours: [COLOUR_PROTOTYPES.red, COLOUR_PROTOTYPES.black],
    stripeWidth: 8,
  });
  await lib.ops.index([dir]);
});
afterAll(async () => {
  await lib?.dispose();
});

const names = (paths: Array<{ path: string }>) => paths.map((x) => x.path.slice(dir.length + 1));

describe('near-duplicate groups', () => {
  it('groups photos of one colour, never photos of different colours or patterns', async () => {
    const { groups } = await lib.ops.duplicates();
    const sets = groups.map((g) => names(g.photos).sort());
    expect(sets).toEqual([
      ['red-large.png', 'red-small-copy.jpg', 'red-small.jpg'],
      ['blue-a.jpg', 'blue-b.webp'],
      ['green-copy.jpg', 'green.jpg'],
    ]);
  });

  it('puts the photo with the most pixels first and scores the rest against it', async () => {
    const red = (await lib.ops.duplicates()).groups[0]!;
    expect(names(red.photos)[0]).toBe('red-large.png');
    expect(red.photos[0]!.score).toBe(1);
    expect(red.identical).toBe(false);
    // The two copies share their bytes, so they score alike.
    expect(red.photos[1]!.score).toBeCloseTo(red.photos[2]!.score, 6);
    expect(red.minScore).toBeGreaterThan(0.95);
    expect(red.minScore).toBeLessThanOrEqual(1);
  });

  it('groups exact copies even when nothing else is near them', async () => {
    const green = (await lib.ops.duplicates()).groups.find((g) => g.photos[0]!.path.includes('green'))!;
    expect(green.identical).toBe(true);
    expect(green.photos.map((x) => x.score)).toEqual([1, 1]);
  });

  it('joins what a looser threshold calls alike', async () => {
    // Plain photos of different colours share "plain" in the test model's space (cosine ≈ 0.5); the
    // striped photo shares nothing with them (it reads as brown stripes).
    const loose = await lib.ops.duplicates({ threshold: 0.4 });
    expect(loose.groups.map((g) => names(g.photos).sort())).toEqual([
      [
        'blue-a.jpg',
        'blue-b.webp',
        'green-copy.jpg',
        'green.jpg',
        'red-large.png',
        'red-small-copy.jpg',
        'red-small.jpg',
        'yellow.jpg',
      ],
    ]);
    expect(loose.groups[0]!.minScore).toBeLessThan(0.6);
  });

  it('reports progress to the end and refuses a threshold that is not a similarity', async () => {
    const seen: Array<[number, number]> = [];
    const report = await lib.ops.duplicates({ onProgress: (done, total) => seen.push([done, total]) });
    expect(report.vectors).toBe(7); // 9 files, two of them copies
    expect(seen.at(-1)).toEqual([7, 7]);
    await expect(lib.ops.duplicates({ threshold: 1.5 })).rejects.toThrow(/threshold 1.5/);
    await expect(lib.ops.duplicates({ neighbours: 0 })).rejects.toThrow(/neighbours 0/);
  });

  it('finds nothing among photos of distinct colours', async () => {
    const other = await openTestLibrary();
    try {
      for (const c of ['red', 'green', 'blue'] as const)
        await writeSolidPhoto(join(other.photos, `${c}.png`), COLOUR_PROTOTYPES[c], {
          width: 20,
          height: 20,
        });
      await other.ops.index([other.photos]);
      expect((await other.ops.duplicates()).groups).toEqual([]);
    } finally {
      await other.dispose();
    }
  });
});

// kill -9 of an indexing process, again and again at random points — while it opens the library and
// catches the index up, while it scans, between and inside batch commits, while it saves the index —
// with files renamed, moved, copied, edited, added and deleted between the kills. After every kill
// the library opens and the catalog and the vector index agree; after a final complete run every
// file is indexed exactly once.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/core/catalog/catalog';
import { loadBundle } from '../../src/core/runtime/bundle';
import { writeColourPhotos } from '../helpers/corpus';
import { writeSolidPhoto } from '../helpers/images';
import { testModelDir } from '../helpers/test-model';
import { COLOURS, COLOUR_PROTOTYPES } from '../../tools/test-model/design';
import { bundleChild, killHard, startChild, type Child } from './child';
import { openTestLibrary, searchPaths } from './harness';
import { catalogProblems, indexProblems } from './invariants';
import { mulberry32 } from '../../src/core/random';

const PHOTOS = 120;
const KILLS = 18;
/** Two images per batch: a commit every few tens of milliseconds, so kills land between and inside them. */
const BATCH = 2;
/** Photos added between two kills (two more are edited): enough new content for a few batch commits. */
const NEW_PER_ROUND = 10;
/** Per batch: the pipeline keeps two batches with the model, so a tiny model alone would finish the
 *  few photos of a late round before most kills land. */
const SLOW_MODEL_MS = 60;
/** Seed of the kill points and file changes: a failure can be replayed. */
const SEED = 20_261_127;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Event = { event: string; phase?: string; toProcess?: number; processed?: number; problems?: string[] };
const parse = (line: string) => JSON.parse(line) as Event;
const is = (check: (e: Event) => boolean) => (line: string) => check(parse(line));

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out.sort();
}

let root: string;
let photos: string;
let libraryDir: string;
let modelDir: string;
let modelId: string;
let child: { file: string; dispose: () => void };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'glimpse-crash-'));
  photos = join(root, 'photos');
  libraryDir = join(root, 'library');
  modelDir = await testModelDir('float32');
  modelId = loadBundle(modelDir).id;
  await writeColourPhotos(photos, PHOTOS);
  child = bundleChild('index-child');
});
afterAll(async () => {
  child?.dispose();
  await rm(root, { recursive: true, force: true });
});

/** Where a kill lands, and how often each kind is drawn. */
const KILL_POINTS = [
  { name: 'opening', weight: 2 }, // loading the index, catching it up from the catalog
  { name: 'scan-end', weight: 2 }, // just after the scan, as the pipeline starts
  { name: 'batches', weight: 10 }, // somewhere among the batch commits
  { name: 'saving', weight: 3 }, // the sweep, then the index save and its catalog record
] as const;
type KillPoint = (typeof KILL_POINTS)[number]['name'];

function drawKillPoint(rand: () => number): KillPoint {
  let r = rand() * KILL_POINTS.reduce((s, k) => s + k.weight, 0);
  for (const k of KILL_POINTS) if ((r -= k.weight) < 0) return k.name;
  return 'batches';
}

/** Runs the child until the drawn point, then kills it. Returns whether it was killed before finishing. */
async function runAndKill(point: KillPoint, rand: () => number): Promise<{ killed: boolean; proc: Child }> {
  const proc = startChild(child.file, [modelDir, libraryDir, photos, String(BATCH)], {
    GLIMPSE_CHAOS_EMBED_MS: String(SLOW_MODEL_MS),
  });
  try {
    if (point === 'opening') {
      // Opening takes a few hundred milliseconds: the catalog, the index file, the catch-up.
      await proc.waitFor(is((e) => e.event === 'starting'));
      await sleep(rand() * 400);
    } else {
      await proc.waitFor(is((e) => e.event === 'open'));
      const start = parse(await proc.waitFor(is((e) => e.phase === 'indexing')));
      if (point === 'scan-end') await sleep(rand() * 10);
      else if (point === 'batches') {
        // Short of the last batch: a kill drawn there would mostly land after the end.
        const target = Math.floor(rand() * Math.max(0, (start.toProcess ?? 0) - BATCH));
        await proc.waitFor(is((e) => (e.processed ?? 0) >= target || e.phase === 'done'));
        // Progress lines come at most every 100 ms: land anywhere in between.
        await sleep(rand() * 100);
      } else {
        await proc.waitFor(is((e) => e.phase === 'sweeping'));
        await sleep(rand() * 40);
      }
    }
  } catch {
    // It finished (or failed) before the kill point: the checks below say which.
  }
  const finished = proc.lines.some(is((e) => e.event === 'closed'));
  await killHard(proc);
  return { killed: !finished, proc };
}

/** Renames, moves, copies, edits, adds and deletes a few photos, as a user would between two runs. */
async function changeFiles(rand: () => number, round: number): Promise<void> {
  const pick = async () => {
    const all = await filesUnder(photos);
    return all[Math.floor(rand() * all.length)]!;
  };
  await rename(await pick(), join(photos, `renamed-${round}.jpg`));
  await mkdir(join(photos, `sub-${round % 3}`), { recursive: true });
  await rename(await pick(), join(photos, `sub-${round % 3}`, `moved-${round}.jpg`));
  await copyFile(await pick(), join(photos, `copy-${round}.jpg`));
  await rm(await pick());
  for (const edit of [0, 1]) {
    // New content: a size no other photo has.
    const colour = COLOURS[(round + edit) % COLOURS.length]!;
    await writeSolidPhoto(await pick(), COLOUR_PROTOTYPES[colour], {
      width: 300 + 2 * round + edit,
      height: 20,
    });
  }
  await writeColourPhotos(photos, NEW_PER_ROUND, 1000 + NEW_PER_ROUND * round);
}

describe('kill -9 during indexing', () => {
  it('never leaves a library that cannot open or whose index disagrees with its catalog', async () => {
    const rand = mulberry32(SEED);
    const log: string[] = [];
    let killedMidRun = 0;
    for (let round = 0; round < KILLS; round++) {
      const point = drawKillPoint(rand);
      const { killed, proc } = await runAndKill(point, rand);
      if (killed) killedMidRun++;
      const open = proc.lines.map(parse).find((e) => e.event === 'open');
      const last = proc.lines.map(parse).findLast((e) => e.event === 'progress');
      const where = last
        ? `${last.phase} ${last.processed}/${last.toProcess}`
        : 'before the first progress line';
      log.push(`round ${round}: ${point}, ${killed ? 'killed' : 'finished'} (${where})`);
      // The agreement check the child made right after opening (and catching up from the last kill).
      if (open) expect(open.problems, `round ${round} (${point}): index after open`).toEqual([]);
      else expect(proc.stderr(), `round ${round}: the child failed before opening`).not.toMatch(/Error/);

      // A reader opens the catalog the killed writer left (no lock needed) and finds it consistent.
      if (existsSync(join(libraryDir, 'library.db'))) {
        const reader = Catalog.open(libraryDir, { readonly: true });
        try {
          expect(catalogProblems(reader.db, modelId), `round ${round} (${point}): catalog`).toEqual([]);
        } finally {
          reader.close();
        }
      }
      await changeFiles(rand, round);
    }
    if (process.env.CHAOS_LOG) console.log(log.join('\n')); // CHAOS_LOG=1: where each kill landed
    // Most kills must land before the child finished, or this test proves little.
    expect(killedMidRun, log.join('\n')).toBeGreaterThanOrEqual(KILLS * 0.7);
  }, 180_000); // about 30 s on two idle cores; room for a machine busy with other test files

  it('leaves every photo indexed exactly once after a final complete run', async () => {
    const lib = await openTestLibrary({ root });
    try {
      expect(indexProblems(lib.ops.library), 'index as opened').toEqual([]);
      const summary = await lib.ops.index([photos]);
      expect(summary.cancelled).toBe(false);
      expect(summary.failed).toEqual([]);

      const files = await filesUnder(photos);
      const hashes = new Map<string, string>();
      for (const f of files)
        hashes.set(
          f,
          createHash('sha256')
            .update(await readFile(f))
            .digest('hex'),
        );
      const rows = lib.ops.library.catalog.db
        .prepare(`SELECT path, hash, status FROM photos ORDER BY path`)
        .all() as Array<{ path: string; hash: string; status: string }>;
      expect(rows.map((r) => r.path)).toEqual(files);
      for (const r of rows)
        expect(r, r.path).toEqual({ path: r.path, hash: hashes.get(r.path), status: 'indexed' });

      const distinct = new Set(hashes.values()).size;
      // A thumbnail is written before its batch commits, so no kill leaves an indexed photo without one.
      const thumbnails = lib.ops.library.thumbnails;
      expect([...new Set(hashes.values())].filter((h) => !thumbnails.has(h))).toEqual([]);
      const status = await lib.ops.status();
      expect(status.vectors).toBe(distinct);
      expect(status.index.size).toBe(distinct);
      expect(catalogProblems(lib.ops.library.catalog.db, modelId)).toEqual([]);
      expect(indexProblems(lib.ops.library)).toEqual([]);
      expect((await searchPaths(lib.ops, 'red')).sort()).toEqual(files);

      const again = await lib.ops.index([]);
      expect(again).toMatchObject({ embedded: 0, reused: 0, removed: 0, unchanged: files.length });
    } finally {
      await lib.close();
    }
  });
});

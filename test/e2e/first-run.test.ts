// A new user in real Chromium: a fresh Glimpse folder with no model, the first-run screen, the model this
// machine is recommended downloaded from a loopback server that behaves like Hugging Face (cancelled and
// resumed on the way), then the first folder, indexing, and a search that finds the right photos.
// Screenshots go to test-results/e2e/first-run-*.png for a person to look at.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGpuStatus } from '../../src/core/gpu/nvidia-smi';
import { builtInModelList, type ModelListEntry } from '../../src/core/model-store/model-list';
import { recommendModel } from '../../src/core/model-store/recommend';
import { filesOf, startModelServer, type ModelServer, type ServedFile } from '../helpers/model-server';
import { testModelDir } from '../helpers/test-model';
import { chromiumMissing, startHarness, type Harness, type PageWindow } from './harness';
import { writePhotoFolder, type PhotoFolder } from './photos';
import * as read from './reading';
import { STEP_TIMEOUT_MS } from './reading';
import { TEST_EMBED_DIM } from '../../tools/test-model/design';

// The real model list, but each model's embedding size is the test model's and its files are unpinned: the
// download checks a bundle against its model-list entry, and the test model is 64-d with bytes of its own.
const modelList = (() => {
  const real = builtInModelList();
  const unpinned = (files: ModelListEntry['source']['files']) => files?.map(({ path }) => ({ path }));
  return {
    ...real,
    models: real.models.map((m) => ({
      ...m,
      embedDim: TEST_EMBED_DIM,
      source: { ...m.source, files: unpinned(m.source.files) },
    })),
  };
})();

const SHOTS = resolve('test-results/e2e');
/** Where the download holds still long enough to be seen (bytes of the bundle's largest file). */
const FIRST_STALL_BYTES = 500_000;
const SECOND_STALL_BYTES = 300_000;

const missing = chromiumMissing('first-run e2e');

let h: Harness;
let page: Page;
let root: string;
let server: ModelServer;
let entry: ModelListEntry;
let bundle: ServedFile[];
let bigFile: ServedFile;
let photos: PhotoFolder;

/** Transitions jump to their end: a bar caught mid-slide would misreport the progress in the picture. */
const shot = (name: string, of: Page | Locator = page) =>
  of === page
    ? page.screenshot({ path: join(SHOTS, `first-run-${name}.png`), animations: 'disabled', fullPage: true })
    : of.screenshot({ path: join(SHOTS, `first-run-${name}.png`), animations: 'disabled' });
const byTest = (id: string, within: Page | Locator = page) => read.byTest(within, id);

/** Paths of the first `n` result tiles, in rank order. */
const topPaths = async (n: number) => (await read.shownTiles(page)).slice(0, n).map((t) => t.path);

/** The bundle served as `e` would be: its layout and precision; our layout carries its id in model.json. */
async function bundleFor(e: ModelListEntry): Promise<ServedFile[]> {
  if (e.layout === 'immich') return filesOf(await testModelDir('float32', 'immich'));
  const files = filesOf(await testModelDir(e.precision === 'fp16' ? 'float16' : 'float32', 'glimpse'));
  return files.map((f) =>
    f.path === 'model.json'
      ? { path: f.path, bytes: Buffer.from(JSON.stringify({ ...JSON.parse(f.bytes.toString()), id: e.id })) }
      : f,
  );
}

describe.skipIf(missing !== null)('a new user’s first run in Chromium', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'glimpse-first-run-e2e-'));
    photos = await writePhotoFolder(join(root, 'Pictures'), {
      count: 33,
      prefix: 'IMG_',
      firstDate: new Date(2023, 3, 1),
      daysApart: 3,
    });
    const recommended = recommendModel(await readGpuStatus(), modelList);
    entry = modelList.models.find((m) => m.id === recommended.id)!;
    bundle = await bundleFor(entry);
    bigFile = bundle.reduce((a, b) => (b.bytes.length > a.bytes.length ? b : a));
    server = await startModelServer({ files: bundle, repo: 'glimpse-mirror/first-run' });
    // Hold the largest file twice: once to watch and cancel, once to see the resumed download.
    server.fault(bigFile.path, { stallAfter: FIRST_STALL_BYTES });
    server.fault(bigFile.path, { stallAfter: SECOND_STALL_BYTES });

    // Only this run's pictures: an old one left beside them would be taken for today's.
    mkdirSync(SHOTS, { recursive: true });
    for (const f of readdirSync(SHOTS)) if (f.startsWith('first-run-')) rmSync(join(SHOTS, f));
    h = await startHarness({
      pickedFolder: photos.dir,
      modelList,
      settings: { modelSources: { [entry.id]: server.hubUrl } },
    });
    page = h.page;
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
  });

  afterAll(async () => {
    server?.release();
    await h?.close();
    await server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('opens on the first-run screen, recommending a model for this machine with its size and why', async () => {
    await byTest('first-run').waitFor();
    expect(await page.getByRole('heading', { name: 'Welcome to Glimpse' }).isVisible()).toBe(true);
    expect(await page.getByRole('navigation', { name: 'Views' }).count()).toBe(0);
    const rec = byTest('recommended-model');
    await rec.waitFor();
    expect(await rec.getAttribute('data-model-id')).toBe(entry.id);
    expect(await rec.textContent()).toContain(entry.name);
    expect(await byTest('model-spec', rec).textContent()).toMatch(
      /^about [\d.]+ (MB|GB) · 64 dimensions · FP(16|32)/,
    );
    const reason = await byTest('recommended-reason', rec).textContent();
    expect(reason!.length).toBeGreaterThan(20);
    expect(await rec.getByRole('radio').isChecked()).toBe(true);
    await shot('01-choose');
  });

  it('downloads it with visible progress, cancels, and resumes where it stopped', async () => {
    await page.getByRole('button', { name: /^Download / }).click();
    const progress = byTest('download-progress');
    // The largest file holds after its first bytes: the screen shows it in flight.
    await expect
      .poll(
        () =>
          byTest('download-file', progress)
            .textContent()
            .catch(() => null),
        { timeout: STEP_TIMEOUT_MS },
      )
      .toBe(bigFile.path);
    expect(await byTest('download-bytes', progress).textContent()).toMatch(
      /^[\d.]+ (B|KB|MB) of [\d.]+ (KB|MB) \(\d+%\)$/,
    );
    expect(await byTest('download-files', progress).textContent()).toMatch(/^file \d of \d$/);
    const bar = progress.getByRole('progressbar', { name: 'Download progress' });
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
    await shot('02-downloading');

    await progress.getByRole('button', { name: 'Cancel download' }).click();
    const stopped = byTest('download-stopped');
    await stopped.waitFor();
    expect(await stopped.textContent()).toContain('Download cancelled');
    expect(await stopped.textContent()).toContain('What has arrived is kept');
    await shot('03-cancelled');

    await stopped.getByRole('button', { name: 'Resume download' }).click();
    await byTest('download-resumed').waitFor();
    expect(await byTest('download-resumed').textContent()).toMatch(/^Resumed: [\d.]+ (B|KB|MB) came from/);
    await shot('04-resumed');
    const ranged = server.fileRequests(bigFile.path).map((r) => r.range);
    expect(ranged[0]).toBeNull();
    expect(ranged.at(-1)).toMatch(/^bytes=[1-9]\d*-$/);

    server.release();
    await byTest('folder-step').waitFor({ timeout: STEP_TIMEOUT_MS });
    const state = await page.evaluate(() => (globalThis as unknown as PageWindow).api.getModelState());
    expect(state).toMatchObject({ ok: true, dir: join(h.home, 'models', entry.id), embedDim: 64 });
    expect(await byTest('model-ready').textContent()).toContain(`${entry.name} is ready`);
    await shot('05-add-folder');
  });

  it('adds the first folder, indexes it with progress, and finds photos by colour', async () => {
    await byTest('folder-step').getByRole('button', { name: 'Add folder…' }).click();
    const nav = page.getByRole('navigation', { name: 'Views' });
    await nav.waitFor();
    expect(await nav.getByRole('button', { name: 'Library' }).getAttribute('aria-current')).toBe('page');
    await read.someIndexed(page);
    await shot('06-indexing');
    await read.indexingDone(page);
    const status = await page.evaluate(() => (globalThis as unknown as PageWindow).api.getLibraryStatus());
    expect(status.photos).toBe(photos.photos.length);
    expect(status.coverage).toMatchObject({ photos: photos.photos.length, withVector: photos.photos.length });

    await nav.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('searchbox', { name: 'Search photos' }).fill('red');
    await read.results(page, '“red”');
    const reds = photos.photos.filter((p) => p.colour === 'red');
    await expect
      .poll(() => byTest('result-tile').count(), { timeout: STEP_TIMEOUT_MS })
      .toBeGreaterThanOrEqual(reds.length);
    expect(new Set(await topPaths(reds.length))).toEqual(new Set(reds.map((p) => p.path)));
    expect(await byTest('coverage-note').count()).toBe(0);
    await shot('07-search-red');
  });

  it('lists the downloaded model as installed and active in Settings → Models', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
    const row = page.locator(`[data-testid="model-row"][data-model-id="${entry.id}"]`);
    await row.waitFor();
    expect(await byTest('model-badges', row).textContent()).toBe('ActiveRecommended');
    expect(await row.getByRole('button').count()).toBe(0);
    // Tall enough for the whole list: the views scroll inside the window, which a page screenshot cannot.
    const viewport = page.viewportSize()!;
    await page.setViewportSize({ width: viewport.width, height: 1500 });
    await shot('08-settings-models', page.getByRole('region', { name: 'Models' }));
    await page.setViewportSize(viewport);
  });

  it('switches to an imported model: search says it covers part of the library until re-embedding ends', async () => {
    h.setPickedModelFolder(await testModelDir('float32'));
    // Record every state of the note: re-embedding 33 photos may be quicker than any poll.
    await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      const seen: string[] = [];
      w.__testCoverage = seen;
      new w.MutationObserver(() => {
        const text = w.document.querySelector('[data-testid="coverage-note"]')?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(w.document.body, { subtree: true, childList: true, characterData: true });
    });
    const models = page.getByRole('region', { name: 'Models' });
    await models.getByRole('button', { name: 'Import a model folder…' }).click();
    await expect
      .poll(() => byTest('model-facts').textContent(), { timeout: STEP_TIMEOUT_MS })
      .toContain('glimpse-test-tiny-fp32');
    await read.indexingDone(page);
    const notes = (await page.evaluate(
      () => (globalThis as unknown as PageWindow).__testCoverage,
    )) as string[];
    expect(notes[0]).toMatch(
      new RegExp(
        `^Re-embedding for Glimpse test model \\(tiny, float32\\): 0% of photos searchable so far \\(0 of ${photos.photos.length}\\)`,
      ),
    );
    await expect.poll(() => byTest('coverage-note').count(), { timeout: STEP_TIMEOUT_MS }).toBe(0);

    const imported = models.locator('[data-testid="model-row"][data-model-id="glimpse-test-tiny-fp32"]');
    expect(await byTest('model-badges', imported).textContent()).toBe('ActiveImported');
    const previous = models.locator(`[data-testid="model-row"][data-model-id="${entry.id}"]`);
    expect(await byTest('model-badges', previous).textContent()).toBe('InstalledRecommended');
    await previous.getByRole('button', { name: 'Remove…' }).click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.textContent()).toContain(join(h.home, 'models', entry.id));
    await dialog.getByRole('button', { name: 'Remove model' }).click();
    await previous.getByRole('button', { name: 'Download' }).waitFor();

    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Search' }).click();
    await page.getByRole('searchbox', { name: 'Search photos' }).fill('blue');
    await read.results(page, '“blue”');
    const blues = photos.photos.filter((p) => p.colour === 'blue');
    await expect.poll(() => byTest('result-tile').count()).toBeGreaterThanOrEqual(blues.length);
    expect(new Set(await topPaths(blues.length))).toEqual(new Set(blues.map((p) => p.path)));
    await shot('09-search-after-switch');
  });

  it('raised no page errors and logged no console errors', () => {
    expect(h.errors).toEqual([]);
  });
});

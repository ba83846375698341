// A new user in real Chromium: a fresh Glimpse folder with no model, the first-run screen, the model this
// machine is recommended downloaded from a loopback server that behaves like Hugging Face (cancelled and
// resumed on the way), then the first folder, indexing, and a search that finds the right photos.
// Screenshots go to test-results/e2e/first-run-*.png for a person to look at.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readGpuStatus } from '../../src/core/gpu/nvidia-smi';
import type * as CatalogueModule from '../../src/core/models/catalogue';
import { builtInCatalogue, type CatalogueEntry } from '../../src/core/models/catalogue';
import { recommendModel } from '../../src/core/models/recommend';
import { filesOf, startModelServer, type ModelServer, type ServedFile } from '../helpers/model-server';
import { testModelDir } from '../helpers/test-model';
import { CHROMIUM, startHarness, type Harness, type PageElement, type PageWindow } from './harness';
import { writePhotoFolder, type PhotoFolder } from './photos';

// The real catalogue, but each model's embedding size is the test model's: the download checks a bundle
// against its catalogue entry, and the engine service takes no catalogue of its own to swap in.
vi.mock('../../src/core/models/catalogue', async (importOriginal) => {
  const real = await importOriginal<typeof CatalogueModule>();
  const { TEST_EMBED_DIM } = await import('../../tools/test-model/design');
  const catalogue = real.builtInCatalogue();
  const forTests = {
    ...catalogue,
    models: catalogue.models.map((m) => ({ ...m, embedDim: TEST_EMBED_DIM })),
  };
  return { ...real, builtInCatalogue: () => forTests };
});

const SHOTS = resolve('test-results/e2e');
const INDEX_TIMEOUT_MS = 90_000;
const STEP_TIMEOUT_MS = 15_000;
/** Where the download holds still long enough to be seen (bytes of the bundle's largest file). */
const FIRST_STALL_BYTES = 500_000;
const SECOND_STALL_BYTES = 300_000;

const missing = existsSync(CHROMIUM) ? null : `Chromium is not installed at ${CHROMIUM} (set CHROMIUM_PATH)`;
// CI installs Chromium, so there a missing browser is a broken setup, never a reason to skip.
if (missing && process.env.CI && process.env.CI !== 'false')
  throw new Error(`${missing}: CI must install it (apt-get install chromium)`);
if (missing) console.warn(`first-run e2e skipped: ${missing}`);

let h: Harness;
let page: Page;
let root: string;
let server: ModelServer;
let entry: CatalogueEntry;
let bundle: ServedFile[];
let bigFile: ServedFile;
let photos: PhotoFolder;

const shot = (name: string) =>
  page.screenshot({ path: join(SHOTS, `first-run-${name}.png`), fullPage: true });
const byTest = (id: string, within: Page | Locator = page) => within.locator(`[data-testid="${id}"]`);

/** The bundle served as `e` would be: its layout and precision; our layout carries its id in model.json. */
async function bundleFor(e: CatalogueEntry): Promise<ServedFile[]> {
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
    const recommended = recommendModel(await readGpuStatus(), builtInCatalogue());
    entry = builtInCatalogue().models.find((m) => m.id === recommended.id)!;
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
    expect(await stopped.textContent()).toContain('already downloaded is kept');
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
    expect(await byTest('model-ready').textContent()).toContain(`${state.name} is ready`);
    await shot('05-add-folder');
  });

  it('adds the first folder, indexes it with progress, and finds photos by colour', async () => {
    await byTest('folder-step').getByRole('button', { name: 'Add folder…' }).click();
    const nav = page.getByRole('navigation', { name: 'Views' });
    await nav.waitFor();
    expect(await nav.getByRole('button', { name: 'Library' }).getAttribute('aria-current')).toBe('page');
    await page
      .getByRole('region', { name: 'Indexing progress' })
      .or(byTest('index-summary'))
      .first()
      .waitFor({ timeout: STEP_TIMEOUT_MS });
    await shot('06-indexing');
    await expect
      .poll(
        () =>
          page.evaluate(async () => (await (globalThis as unknown as PageWindow).api.getIndexJob()).state),
        { timeout: INDEX_TIMEOUT_MS, interval: 250 },
      )
      .toBe('idle');
    const status = await page.evaluate(() => (globalThis as unknown as PageWindow).api.getLibraryStatus());
    expect(status.photos).toBe(photos.photos.length);
    expect(status.coverage).toMatchObject({ photos: photos.photos.length, withVector: photos.photos.length });

    await nav.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('searchbox', { name: 'Search photos' }).fill('red');
    await expect
      .poll(() => byTest('results-header').textContent(), { timeout: STEP_TIMEOUT_MS })
      .toMatch(/^\d+ results? for “red”(?!.*Searching)/);
    const reds = photos.photos.filter((p) => p.colour === 'red');
    await expect
      .poll(() => byTest('result-tile').count(), { timeout: STEP_TIMEOUT_MS })
      .toBeGreaterThanOrEqual(reds.length);
    const top = await byTest('result-tile').evaluateAll((els: PageElement[]) =>
      els
        .map((el) => ({ index: Number(el.id.replace('result-', '')), path: el.getAttribute('title') ?? '' }))
        .sort((a, b) => a.index - b.index)
        .map((t) => t.path),
    );
    expect(new Set(top.slice(0, reds.length))).toEqual(new Set(reds.map((p) => p.path)));
    expect(await byTest('coverage-note').count()).toBe(0);
    await shot('07-search-red');
  });

  it('lists the downloaded model as installed and active in Settings → Models', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
    const row = page.locator(`[data-testid="model-row"][data-model-id="${entry.id}"]`);
    await row.waitFor();
    expect(await byTest('model-badges', row).textContent()).toBe('ActiveRecommended');
    expect(await row.getByRole('button').count()).toBe(0);
    await row.scrollIntoViewIfNeeded();
    await shot('08-settings-models');
  });

  it('raised no page errors and logged no console errors', () => {
    expect(h.errors).toEqual([]);
  });
});

// The desktop app end to end in real Chromium: the built renderer, window.api bound to the real engine
// service and the test model (harness.ts), driven only through what a user sees and window.api. It adds a
// folder, watches it index, searches it every way the app offers, and looks at the GPU and settings
// views, saving screenshots (light and dark) to test-results/e2e/ for a person to look at.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGpuStatus } from '../../src/core/gpu/nvidia-smi';
import { DEFAULT_CPU_BATCH } from '../../src/core/model/embedder';
import { testModelDir } from '../helpers/test-model';
import { CHROMIUM, startHarness, type Harness, type PageElement, type PageWindow } from './harness';
import { writePhotoFolder, writeSyntheticPhoto, type FixturePhoto, type PhotoFolder } from './photos';

const SHOTS = resolve('test-results/e2e');
/** Generous for a loaded two-core machine: indexing ~150 photos takes a few seconds there. */
const INDEX_TIMEOUT_MS = 90_000;
const STEP_TIMEOUT_MS = 15_000;

const missing = existsSync(CHROMIUM) ? null : `Chromium is not installed at ${CHROMIUM} (set CHROMIUM_PATH)`;
// CI installs Chromium, so there a missing browser is a broken setup, never a reason to skip.
if (missing && process.env.CI && process.env.CI !== 'false')
  throw new Error(`${missing}: CI must install it (apt-get install chromium)`);
if (missing) console.warn(`desktop e2e skipped: ${missing}`);

let h: Harness;
let page: Page;
let root: string;
let photos: PhotoFolder;
let holiday: PhotoFolder;
let queryImage: string;
const byName = new Map<string, FixturePhoto>();

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
const region = (name: string) => page.getByRole('region', { name, exact: true });
const nav = (name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name });
const searchBox = () => page.getByRole('searchbox', { name: 'Search photos' });
const grid = () => page.getByRole('grid', { name: 'Results' });
const byTest = (id: string, within: Page | Locator = page) => within.locator(`[data-testid="${id}"]`);
const hasFocus = (l: Locator) =>
  l.evaluate((el) => el === (globalThis as unknown as PageWindow).document.activeElement);
const colourOf = (name: string) => byName.get(name)?.colour;

interface ShownTile {
  index: number;
  name: string;
  photoId: number;
  path: string;
  score: number;
  thumbnail: 'loading' | 'loaded' | 'failed';
}

/** The result tiles in the DOM (the virtualised grid renders only rows near the viewport), in rank order. */
async function shownTiles(): Promise<ShownTile[]> {
  const tiles = await byTest('result-tile').evaluateAll((els: PageElement[]) =>
    els.map((el) => ({
      index: Number(el.id.replace('result-', '')),
      label: el.getAttribute('aria-label') ?? '',
      photoId: Number(el.dataset.photoId),
      path: el.getAttribute('title') ?? '',
      score: Number(el.querySelector('[data-testid="tile-score"]')?.textContent),
      image: el.querySelector('img')?.className ?? '',
    })),
  );
  return tiles
    .map((t) => ({
      index: t.index,
      name: t.label.replace(/, score .*$/, ''),
      photoId: t.photoId,
      path: t.path,
      score: t.score,
      thumbnail: (['loaded', 'failed'].find((s) => t.image.includes(s)) ??
        'loading') as ShownTile['thumbnail'],
    }))
    .sort((a, b) => a.index - b.index);
}

/** Waits until the header reports a finished search for `described` ("“red”", "photos like x.jpg") with
 *  `count` results when given: a filter change keeps the query, so only the count tells old from new. */
async function results(described: string, count?: number): Promise<{ count: number; tiles: ShownTile[] }> {
  const escaped = described.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await expect
    .poll(() => byTest('results-header').textContent(), { timeout: STEP_TIMEOUT_MS })
    .toMatch(new RegExp(`^${count ?? '[\\d,]+'} results? for ${escaped}(?!.*Searching)`));
  await expect.poll(async () => (await shownTiles()).length, { timeout: STEP_TIMEOUT_MS }).toBeGreaterThan(0);
  return {
    count: Number((await byTest('result-count').textContent())!.replace(/\D/g, '')),
    tiles: await shownTiles(),
  };
}

async function search(text: string): Promise<{ count: number; tiles: ShownTile[] }> {
  await searchBox().fill(text);
  return results(`“${text}”`);
}

const photosOf = (colour: string) => [...photos.photos, ...holiday.photos].filter((p) => p.colour === colour);

/** Waits for the indexing job to end (the renderer's own view of it: window.api). */
async function indexingDone(): Promise<void> {
  await expect
    .poll(
      () => page.evaluate(async () => (await (globalThis as unknown as PageWindow).api.getIndexJob()).state),
      {
        timeout: INDEX_TIMEOUT_MS,
        interval: 250,
      },
    )
    .toBe('idle');
}

describe.skipIf(missing !== null)('the desktop app in Chromium', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'glimpse-app-e2e-'));
    photos = await writePhotoFolder(join(root, 'Photos'), {
      count: 132,
      prefix: 'IMG_',
      pngEvery: 9,
      patternEvery: 12,
      firstDate: new Date(2022, 5, 1),
      daysApart: 5,
      broken: true,
    });
    holiday = await writePhotoFolder(join(root, 'Holiday 2024'), {
      count: 11,
      prefix: 'DSC_',
      firstNumber: 5000,
      firstDate: new Date(2024, 6, 1),
      daysApart: 1,
    });
    for (const p of [...photos.photos, ...holiday.photos]) byName.set(p.name, p);
    mkdirSync(join(root, 'elsewhere'));
    queryImage = await writeSyntheticPhoto(
      join(root, 'elsewhere', 'yellow-query.jpg'),
      { colour: 'yellow' },
      { width: 300, height: 200 },
    );
    // Only this run's pictures: an old one left beside them would be taken for today's. The first-run
    // test writes first-run-*.png into the same folder; those are its own to replace.
    mkdirSync(SHOTS, { recursive: true });
    for (const name of readdirSync(SHOTS)) if (/^\d\d-.*\.png$/.test(name)) rmSync(join(SHOTS, name));
    h = await startHarness({
      modelDir: await testModelDir('float32'),
      pickedFolder: photos.dir,
      // CUDA first, as the app asks on Linux: the GPU view must say why it was passed over here.
      providers: ['cuda', 'cpu'],
    });
    page = h.page;
    // Fail a step in seconds, not Playwright's default half-minute, so one broken step leaves time for the rest.
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
  });

  afterAll(async () => {
    await h?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('opens on an empty library that invites adding a folder', async () => {
    await region('Search').waitFor();
    expect(await nav('Search').getAttribute('aria-current')).toBe('page');
    await byTest('empty-library', region('Search')).waitFor();
    expect(await region('Search').getByRole('button', { name: 'Add folder…' }).isVisible()).toBe(true);
    await shot('01-search-empty-library');
  });

  it('indexes an added folder with live progress, then lists it with its count and skipped files', async () => {
    await nav('Library').click();
    // Record every state of the progress region: the run may be quicker than any poll.
    await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      const seen: string[] = [];
      w.__testProgress = seen;
      new w.MutationObserver(() => {
        const p = w.document.querySelector('[data-testid="index-progress"]');
        if (!p) return;
        const text = (id: string) => p.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
        const bar = p.querySelector('[role="progressbar"]');
        seen.push(
          [
            text('index-phase'),
            text('index-counts'),
            text('index-rate'),
            bar?.getAttribute('aria-valuenow'),
          ].join('|'),
        );
      }).observe(w.document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await region('Library').getByRole('button', { name: 'Add folder…' }).first().click();
    await region('Indexing progress').waitFor({ timeout: STEP_TIMEOUT_MS });
    // The picture is worth more with a few photos done; a machine fast enough to finish first still passes.
    await page
      .locator('[data-testid="index-counts"]', { hasText: /^[1-9]/ })
      .or(byTest('index-summary'))
      .first()
      .waitFor({ timeout: INDEX_TIMEOUT_MS });
    await shot('02-library-indexing');
    await indexingDone();
    await byTest('index-summary').waitFor();
    await shot('03-library-indexed');

    const seen = await page.evaluate(() => (globalThis as unknown as PageWindow).__testProgress as string[]);
    const toProcess = photos.photos.length + photos.broken.length;
    const counting = seen.filter((s) => s.startsWith('Indexing|'));
    expect(counting.length, seen.join('\n')).toBeGreaterThan(0);
    expect(counting.at(-1)).toMatch(
      new RegExp(`^Indexing\\|\\d+ of ${toProcess}\\|\\d+\\.\\d images/s\\|\\d+$`),
    );
    expect(new Set(counting.map((s) => s.split('|')[3])).size, 'the bar moved').toBeGreaterThan(1);

    const row = page.locator(`[data-testid="folder-row"][data-path="${photos.dir}"]`);
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells.slice(0, 2)).toEqual([String(photos.photos.length), String(photos.broken.length)]);
    expect(await byTest('index-summary').textContent()).toContain(`${photos.photos.length} new`);

    const skipped = region('Skipped files');
    expect(await byTest('failure-count', skipped).textContent()).toBe(String(photos.broken.length));
    const rows = await byTest('failure-row', skipped).allTextContents();
    for (const b of photos.broken) expect(rows.find((r) => r.includes(b.path))).toContain(b.code);
    await skipped.getByRole('searchbox', { name: 'Filter skipped files' }).fill('truncated');
    await expect.poll(() => byTest('failure-row', skipped).count()).toBe(1);
    await skipped.getByRole('searchbox', { name: 'Filter skipped files' }).fill('');
  });

  it('adds a second folder and indexes it too', async () => {
    h.setPickedFolder(holiday.dir);
    await region('Library').getByRole('button', { name: 'Add folder…' }).first().click();
    const row = page.locator(`[data-testid="folder-row"][data-path="${holiday.dir}"]`);
    await expect
      .poll(() => row.getByRole('cell').first().textContent(), { timeout: INDEX_TIMEOUT_MS })
      .toBe(String(holiday.photos.length));
    await indexingDone();
    expect(await page.locator('[data-testid="folder-row"]').count()).toBe(2);
    // Each photo has its own bytes: nothing is reused as a copy of a photo in the first folder.
    expect(await byTest('index-summary').textContent()).toContain(`${holiday.photos.length} new, 0 reused`);
  });

  it('finds the red photos first when searching for "red", with their scores', async () => {
    await nav('Search').click();
    const { count, tiles } = await search('red');
    expect(count).toBe(byName.size);
    const reds = photosOf('red');
    expect(tiles.slice(0, reds.length).map((t) => colourOf(t.name))).toEqual(reds.map(() => 'red'));
    expect(new Set(tiles.slice(0, reds.length).map((t) => t.path))).toEqual(new Set(reds.map((p) => p.path)));
    for (const t of tiles) expect(byName.get(t.name)?.path).toBe(t.path);
    const scores = tiles.map((t) => t.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores[0]).toBeGreaterThan(scores[reds.length]!);
    await expect
      .poll(async () => (await shownTiles()).slice(0, reds.length).every((t) => t.thumbnail === 'loaded'))
      .toBe(true);
    await shot('04-search-red');
  });

  it('combines words with + and -, and shows the terms it understood', async () => {
    const { tiles } = await search('red + yellow - red');
    const terms = await byTest('query-hint').getByRole('list', { name: 'Query terms' }).getByRole('listitem');
    expect((await terms.allTextContents()).join(' ')).toMatch(/yellow/);
    expect(tiles.slice(0, photosOf('yellow').length).map((t) => colourOf(t.name))).toEqual(
      photosOf('yellow').map(() => 'yellow'),
    );
    await shot('05-search-arithmetic');
  });

  it('narrows results by file type, folder and date', async () => {
    await search('red');
    const types = page.locator('summary[aria-label^="File types:"]');
    await types.click();
    await page.getByRole('checkbox', { name: 'PNG' }).check();
    const png = await results('“red”', [...byName.values()].filter((p) => p.format === 'png').length);
    expect(colourOf(png.tiles[0]!.name)).toBe('red');
    expect(png.tiles.every((t) => t.name.endsWith('.png'))).toBe(true);
    await page.getByRole('checkbox', { name: 'PNG' }).uncheck();
    await types.click();
    await results('“red”', byName.size);

    await page.getByRole('combobox', { name: 'Folder' }).selectOption(holiday.dir);
    const inHoliday = await results('“red”', holiday.photos.length);
    expect(inHoliday.tiles.every((t) => t.path.startsWith(holiday.dir + '/'))).toBe(true);
    expect(colourOf(inHoliday.tiles[0]!.name)).toBe('red');
    await page.getByRole('combobox', { name: 'Folder' }).selectOption('');
    await results('“red”', byName.size);

    await page.getByRole('textbox', { name: 'From date' }).fill('2024-01-01');
    const since = new Date(2024, 0, 1).getTime();
    const recent = await results('“red”', [...byName.values()].filter((p) => p.mtimeMs >= since).length);
    expect(recent.tiles.every((t) => byName.get(t.name)!.mtimeMs >= since)).toBe(true);
    await page.getByRole('button', { name: 'Clear filter' }).click();
    await results('“red”', byName.size);
  });

  it('renders new tiles as the grid scrolls', async () => {
    const before = await shownTiles();
    const box = (await grid().boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 20_000);
    await expect
      .poll(async () => (await shownTiles()).at(-1)?.index, { timeout: STEP_TIMEOUT_MS })
      .toBe(byName.size - 1);
    const after = await shownTiles();
    expect(after[0]!.index).toBeGreaterThan(before.at(-1)!.index);
    await expect.poll(async () => (await shownTiles()).every((t) => t.thumbnail === 'loaded')).toBe(true);
    await shot('06-search-scrolled');
  });

  it('moves through results and the preview with the keyboard', async () => {
    await byTest('results-header').click(); // focus leaves the search box
    await page.keyboard.press('/');
    expect(await hasFocus(searchBox())).toBe(true);
    await page.keyboard.press('ArrowDown');
    expect(await hasFocus(grid())).toBe(true);
    const columns = Number(await grid().getAttribute('aria-colcount'));
    expect(columns).toBeGreaterThan(1);
    // The selection is the grid's active descendant; it has stayed on the first result while the mouse
    // scrolled the grid, and the first move brings its row back into view.
    expect(await grid().getAttribute('aria-activedescendant')).toBe('result-0');
    const selected = () =>
      page
        .locator('[role="gridcell"][aria-selected="true"]')
        .evaluateAll((els: PageElement[]) => els.map((e) => e.id).join());
    await page.keyboard.press('ArrowRight');
    await expect.poll(selected).toBe('result-1');
    await page.keyboard.press('ArrowDown');
    await expect.poll(selected).toBe(`result-${1 + columns}`);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(selected).toBe(`result-${columns}`);

    const tiles = await shownTiles();
    const nameAt = (i: number) => tiles.find((t) => t.index === i)!.name;
    await page.keyboard.press('Enter');
    const preview = page.getByRole('dialog', { name: `Preview: ${nameAt(columns)}` });
    await preview.waitFor();
    expect(await byTest('preview-details', preview).textContent()).toContain(
      byName.get(nameAt(columns))!.path,
    );
    await expect
      .poll(() =>
        preview
          .locator('img')
          .evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth),
      )
      .toBeGreaterThan(0);
    await shot('07-preview');
    await page.keyboard.press('ArrowRight');
    await page.getByRole('dialog', { name: `Preview: ${nameAt(columns + 1)}` }).waitFor();
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('dialog', { name: `Preview: ${nameAt(columns)}` }).waitFor();
    await page.keyboard.press('Escape');
    await byTest('preview').waitFor({ state: 'detached' });
    expect(await hasFocus(grid())).toBe(true);
    await expect.poll(selected).toBe(`result-${columns}`);
  });

  it('opens, shows, copies and finds more like a photo from its menu', async () => {
    const first = (await shownTiles())[0]!;
    expect(first.index).toBe(0);
    const menuItem = async (item: string) => {
      await page.locator('#result-0').click({ button: 'right' });
      await page.getByRole('menu', { name: 'Photo actions' }).getByRole('menuitem', { name: item }).click();
    };
    await menuItem('Open');
    await menuItem('Show in folder');
    await menuItem('Copy path');
    expect(h.calls).toEqual([
      { name: 'openPhoto', args: [first.photoId] },
      { name: 'showPhotoInFolder', args: [first.photoId] },
      { name: 'copyPhotoPath', args: [first.photoId] },
    ]);
    await expect.poll(() => byTest('notices').textContent()).toContain('Path copied');

    await menuItem('More like this');
    await expect.poll(() => byTest('image-query').textContent()).toBe(`Like: ${first.name}`);
    const like = await results(`photos like ${first.name}`);
    // The photo itself is left out; its look-alikes (every other photo of its colour) come first.
    expect(like.count).toBe(byName.size - 1);
    expect(like.tiles.map((t) => t.photoId)).not.toContain(first.photoId);
    const others = photosOf(colourOf(first.name)!).filter((p) => p.name !== first.name);
    const top = like.tiles.slice(0, others.length);
    expect(new Set(top.map((t) => t.name))).toEqual(new Set(others.map((p) => p.name)));
    expect(top[0]!.score).toBeCloseTo(1, 2);
  });

  it('searches by an image file dropped on the window', async () => {
    const name = basename(queryImage);
    await h.dropFile(name, queryImage);
    await h.dragFile('dragenter', name);
    await page.locator('.drop-overlay').waitFor();
    await shot('08-drop-overlay');
    await h.dragFile('dragover', name);
    await h.dragFile('drop', name);
    await expect.poll(() => byTest('image-query').textContent()).toBe(`Image: ${name}`);
    const { tiles } = await results(`photos like ${name}`);
    expect(tiles.slice(0, photosOf('yellow').length).every((t) => colourOf(t.name) === 'yellow')).toBe(true);
    expect(await page.locator('.drop-overlay').count()).toBe(0);
  });

  it('shows where the model runs and why in the GPU view', async () => {
    await nav('GPU').click();
    const gpu = region('GPU');
    await expect
      .poll(() => gpu.locator('[data-testid="gpu-card"], [data-testid="no-gpu"]').count())
      .toBeGreaterThan(0);
    if ((await byTest('gpu-card', gpu).count()) === 0) {
      // In nvidia-smi's own terms, as main's poller reads it.
      const why = (await readGpuStatus()).unavailable ?? 'nvidia-smi reported no GPUs.';
      expect(await byTest('no-gpu', gpu).textContent()).toContain(`No NVIDIA GPU in use: ${why}`);
      expect(await byTest('cpu-info', gpu).textContent()).toBe(
        `Running on the CPU: ${cpus()[0]!.model.trim()}, ${cpus().length} cores.`,
      );
    }
    expect(await byTest('providers-requested', gpu).textContent()).toBe('CUDA (NVIDIA GPU) → CPU');
    expect(await byTest('precision', gpu).textContent()).toBe('FP32');
    expect(await byTest('batch-size', gpu).textContent()).toBe(String(DEFAULT_CPU_BATCH));
    const why = await byTest('provider-why', gpu).allTextContents();
    expect(why).toHaveLength(2);
    // This machine has no usable CUDA provider: both towers say why, in words, and that they run on the CPU.
    for (const w of why) expect(w).toMatch(/^CUDA \(NVIDIA GPU\): .+ — running on CPU\.$/);
    const spark = gpu.getByRole('img', { name: 'Images per second over the last two minutes' });
    await expect.poll(() => spark.locator('polyline').count()).toBe(1);
    await shot('09-gpu');
  });

  it('switches to the dark theme from settings, which show the model in use', async () => {
    await nav('Settings').click();
    await shot('10-settings');
    const facts = await byTest('model-facts', region('Settings')).textContent();
    const model = await page.evaluate(() => (globalThis as unknown as PageWindow).api.getModelState());
    expect(facts).toContain(model.name!);
    expect(facts).toContain(model.id!);
    expect(facts).toContain('FP32');
    // The segmented control draws the label; the radio itself is visually hidden, as usual.
    const dark = region('Settings')
      .getByRole('radiogroup', { name: 'Theme' })
      .getByRole('radio', { name: 'Dark' });
    await region('Settings').getByRole('radiogroup', { name: 'Theme' }).getByText('Dark').click();
    expect(await dark.isChecked()).toBe(true);
    const theme = () =>
      page.evaluate(() => {
        const w = globalThis as unknown as PageWindow;
        return [
          w.document.documentElement.dataset.theme,
          w.getComputedStyle(w.document.body).backgroundColor,
        ];
      });
    await expect.poll(async () => (await theme())[0]).toBe('dark');
    const background = (await theme())[1]!;
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect(r! + g! + b!, background).toBeLessThan(3 * 60);
    expect((await page.evaluate(() => (globalThis as unknown as PageWindow).api.getSettings())).theme).toBe(
      'dark',
    );
    await shot('11-settings-dark');

    await nav('Search').click();
    await search('blue');
    await shot('12-search-dark');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await byTest('preview').waitFor();
    await shot('13-preview-dark');
    await page.keyboard.press('Escape');
    await nav('Library').click();
    await shot('14-library-dark');
    await nav('GPU').click();
    await shot('15-gpu-dark');
  });

  it('raised no page errors and logged no console errors', () => {
    expect(h.errors).toEqual([]);
  });
});

// The desktop app end to end in real Chromium: the built renderer, window.api bound to the real engine
// service and the test model (harness.ts), driven only through what a user sees and window.api. It adds a
// folder, watches it index, searches it every way the app offers, and looks at the GPU and settings
// views, saving screenshots (light and dark) to test-results/e2e/ for a person to look at.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGpuStatus } from '../../src/core/gpu/nvidia-smi';
import { DEFAULT_CPU_BATCH } from '../../src/core/runtime/embedder';
import { testModelDir } from '../helpers/test-model';
import { chromiumMissing, startHarness, type Harness, type PageElement, type PageWindow } from './harness';
import { writePhotoFolder, writeSyntheticPhoto, type FixturePhoto, type PhotoFolder } from './photos';
import * as read from './reading';
import { INDEX_TIMEOUT_MS, STEP_TIMEOUT_MS } from './reading';

const SHOTS = resolve('test-results/e2e');
const missing = chromiumMissing('desktop e2e');

let h: Harness;
let page: Page;
let root: string;
let photos: PhotoFolder;
let holiday: PhotoFolder;
let queryImage: string;
const byName = new Map<string, FixturePhoto>();

const app = read.landmarks(() => page, SHOTS);
const { shot, region, nav, byTest, shownTiles, results, indexingDone, searchBox, grid, search } = app;
const colourOf = (name: string) => byName.get(name)?.colour;

const photosOf = (colour: string) => [...photos.photos, ...holiday.photos].filter((p) => p.colour === colour);

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
    const progress = await read.recordIndexProgress(page);
    await region('Library').getByRole('button', { name: 'Add folder…' }).first().click();
    await region('Indexing progress').waitFor({ timeout: STEP_TIMEOUT_MS });
    await read.someIndexed(page);
    await shot('02-library-indexing');
    await indexingDone();
    await byTest('index-summary').waitFor();
    await shot('03-library-indexed');

    const seen = await progress();
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
    expect(await read.hasFocus(searchBox())).toBe(true);
    await page.keyboard.press('ArrowDown');
    expect(await read.hasFocus(grid())).toBe(true);
    const columns = Number(await grid().getAttribute('aria-colcount'));
    expect(columns).toBeGreaterThan(1);
    // The selection stayed on the first result while the mouse scrolled the grid away from it: its row is
    // not rendered, so the grid names no active descendant until the first move brings that row back.
    expect(await grid().getAttribute('aria-activedescendant')).toBeNull();
    const selected = () =>
      page
        .locator('[role="gridcell"][aria-selected="true"]')
        .evaluateAll((els: PageElement[]) => els.map((e) => e.id).join());
    await page.keyboard.press('ArrowRight');
    await expect.poll(selected).toBe('result-1');
    expect(await grid().getAttribute('aria-activedescendant')).toBe('result-1');
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
    expect(await read.hasFocus(grid())).toBe(true);
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

  it('refuses a path the page names itself rather than one the user dropped', async () => {
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as PageWindow).api.searchImageFile('/etc/passwd.jpg', {}).then(
          () => 'accepted',
          (e: { code?: string }) => e.code,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as PageWindow).api.addFolder('/').then(
          () => 'accepted',
          (e: { code?: string }) => e.code,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as PageWindow).api.updateSettings({ modelDir: '/tmp' } as never).then(
          () => 'accepted',
          (e: { code?: string }) => e.code,
        ),
      ),
    ).toBe('BAD_ARGUMENTS');
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

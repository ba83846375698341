// The GPU panel in its GPU state, in real Chromium: a stand-in nvidia-smi on PATH replays the H200
// trace captured under load (test/fixtures/nvidia-smi/h200-during-bench.csv, from the 2026-12-04
// device run), a folder is indexed by the real pipeline, and the panel shows the card's utilisation,
// memory, power and clocks beside the last run's per-batch stage times. Screenshots go to
// test-results/e2e/ (gpu-h200*.png) for a person to look at.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelDir } from '../helpers/test-model';
import { chromiumMissing, startHarness, type Harness } from './harness';
import { firstBusyLine, installNvidiaSmi, type StandIn } from './nvidia-smi-stand-in';
import { writePhotoFolder } from './photos';
import * as read from './reading';
import { STEP_TIMEOUT_MS } from './reading';

const SHOTS = resolve('test-results/e2e');
const TRACE = resolve('test/fixtures/nvidia-smi/h200-during-bench.csv');
const VERSION = resolve('test/fixtures/nvidia-smi/h200-version.txt');
const missing = chromiumMissing('GPU panel e2e');

let h: Harness;
let page: Page;
let root: string;
let smi: StandIn;

const { shot, region, nav, byTest } = read.landmarks(() => page, SHOTS);
/** Tall enough for the whole GPU view: the views scroll inside the window, a screenshot cannot. */
const TALL = { width: 1360, height: 1240 };

describe.skipIf(missing !== null)('the GPU panel with an H200 under load', () => {
  beforeAll(async () => {
    // From where the trace's load begins, so the panel shows a busy card from its first poll.
    smi = installNvidiaSmi(TRACE, VERSION, firstBusyLine(TRACE, 80));
    root = mkdtempSync(join(tmpdir(), 'glimpse-gpu-e2e-'));
    const photos = await writePhotoFolder(join(root, 'Photos'), {
      count: 48,
      prefix: 'IMG_',
      firstDate: new Date(2024, 2, 1),
      daysApart: 1,
    });
    mkdirSync(SHOTS, { recursive: true });
    h = await startHarness({
      modelDir: await testModelDir('float32'),
      pickedFolder: photos.dir,
      providers: ['cuda', 'cpu'],
    });
    page = h.page;
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.setViewportSize(TALL);
  });

  afterAll(async () => {
    await h?.close();
    smi?.restore();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('indexes a folder, whose batches the pipeline card then shows with the stage that limited it', async () => {
    await nav('Library').click();
    await region('Library').getByRole('button', { name: 'Add folder…' }).first().click();
    await read.indexingDone(page);
    await nav('GPU').click();
    const pipeline = region('Pipeline');
    // 48 photos in batches of 16, once the poll after the run's end has reached the panel.
    await expect.poll(() => byTest('batch-column', pipeline).count(), { timeout: STEP_TIMEOUT_MS }).toBe(3);
    expect(await byTest('pipeline-limit', pipeline).textContent()).toMatch(
      /^(The model sets the pace|(Decoding|Reading files|Filling the input tensor|Commits) limits? the run) · model busy \d+% · \d+ batches$/,
    );
    expect(await byTest('decoders', pipeline).textContent()).toBe('Decoded by CPU 48');
    expect(await byTest('stage-embed', pipeline).locator('td').first().textContent()).toMatch(/ms$/);
  });

  it('shows the H200 as the trace has it: busy, its memory, power and clocks', async () => {
    const card = page.getByRole('article', { name: 'GPU 0: NVIDIA H200' });
    await card.waitFor();
    expect(await card.getByText('GPU 0 · driver 580.159.04 · CUDA 13.0').count()).toBe(1);
    // The replay moves a line a second; wait for a sample of the loaded stretch with power to match.
    const utilisation = card.getByRole('meter', { name: 'GPU utilisation' });
    await expect
      .poll(async () => Number(await utilisation.getAttribute('aria-valuenow')), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(80);
    const text = (await card.textContent()) ?? '';
    expect(text).toMatch(/of 140\.4 GiB \([\d,]+ \/ 143,771 MiB\)/);
    expect(text).toMatch(/\d+ W of 700 W/);
    expect(text).toMatch(/[\d,]+ MHz of 1,980 MHz/);
    await shot('gpu-h200');
  });

  it('looks right in the dark theme too', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('gpu-h200-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('raised no page errors and logged no console errors', () => {
    expect(h.errors).toEqual([]);
  });
});

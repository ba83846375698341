// What the browser end-to-end tests read off the page: elements by test id, the result tiles the
// virtualised grid has rendered, a finished search in the results header, and the end of an indexing run
// (through window.api, as the renderer itself sees it).
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { PageElement, PageWindow } from './harness';

/** Generous for a loaded two-core machine: indexing ~150 photos takes a few seconds there. */
export const INDEX_TIMEOUT_MS = 90_000;
/** One step of a flow (a search, a dialog opening): fails in seconds, not Playwright's half-minute, so one
 *  broken step leaves time for the rest. */
export const STEP_TIMEOUT_MS = 15_000;

export const byTest = (within: Page | Locator, id: string) => within.locator(`[data-testid="${id}"]`);

/** The window's landmarks for a page opened later in the test (`page()` is read at each call), and its
 *  screenshots into `shots`. */
export function landmarks(page: () => Page, shots: string) {
  const searchBox = () => page().getByRole('searchbox', { name: 'Search photos' });
  return {
    searchBox,
    grid: () => page().getByRole('grid', { name: 'Results' }),
    /** Types `text` into the search box and waits for its results. */
    search: async (text: string) => {
      await searchBox().fill(text);
      return results(page(), `“${text}”`);
    },
    shot: (name: string) => page().screenshot({ path: join(shots, `${name}.png`) }),
    region: (name: string) => page().getByRole('region', { name, exact: true }),
    nav: (name: string) => page().getByRole('navigation', { name: 'Views' }).getByRole('button', { name }),
    byTest: (id: string, within?: Page | Locator) => byTest(within ?? page(), id),
    shownTiles: () => shownTiles(page()),
    results: (described: string, count?: number) => results(page(), described, count),
    indexingDone: () => indexingDone(page()),
  };
}

export const hasFocus = (l: Locator) =>
  l.evaluate((el) => el === (globalThis as unknown as PageWindow).document.activeElement);

interface ShownTile {
  index: number;
  name: string;
  photoId: number;
  path: string;
  score: number;
  thumbnail: 'loading' | 'loaded' | 'failed';
}

/** The result tiles in the DOM (the virtualised grid renders only rows near the viewport), in rank order. */
export async function shownTiles(page: Page): Promise<ShownTile[]> {
  const tiles = await byTest(page, 'result-tile').evaluateAll((els: PageElement[]) =>
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
 *  `count` results when given (a filter change keeps the query, so only the count tells old from new),
 *  and tiles are on screen. */
export async function results(
  page: Page,
  described: string,
  count?: number,
): Promise<{ count: number; tiles: ShownTile[] }> {
  const escaped = described.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await expect
    .poll(() => byTest(page, 'results-header').textContent(), { timeout: STEP_TIMEOUT_MS })
    .toMatch(new RegExp(`^${count ?? '[\\d,]+'} results? for ${escaped}(?!.*Searching)`));
  await expect
    .poll(async () => (await shownTiles(page)).length, { timeout: STEP_TIMEOUT_MS })
    .toBeGreaterThan(0);
  return {
    count: Number((await byTest(page, 'result-count').textContent())!.replace(/\D/g, '')),
    tiles: await shownTiles(page),
  };
}

/** Waits for the indexing job to end. */
export async function indexingDone(page: Page): Promise<void> {
  await expect
    .poll(
      () => page.evaluate(async () => (await (globalThis as unknown as PageWindow).api.getIndexJob()).state),
      { timeout: INDEX_TIMEOUT_MS, interval: 250 },
    )
    .toBe('idle');
}

/** Starts recording every state of the indexing progress panel as "phase|counts|rate|bar value" (a run may
 *  be quicker than any poll); the function returned reads the states recorded so far. */
export async function recordIndexProgress(page: Page): Promise<() => Promise<string[]>> {
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
  return () => page.evaluate(() => (globalThis as unknown as PageWindow).__testProgress as string[]);
}

/** Waits until the progress panel counts some photos done, or the run has already ended: a screenshot is
 *  worth more with a few done, and a machine fast enough to finish first still passes. */
export async function someIndexed(page: Page): Promise<void> {
  await page
    .locator('[data-testid="index-counts"]', { hasText: /^[1-9]/ })
    .or(byTest(page, 'index-summary'))
    .first()
    .waitFor({ timeout: INDEX_TIMEOUT_MS });
}

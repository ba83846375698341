// The packaged flow in the real Electron app, through Playwright's _electron: runs wherever Electron's
// binary and the Electron build of better-sqlite3 exist, and skips with the reason where they do not
// (this development machine cannot download either).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { testModelDir } from '../helpers/test-model';
import { syntheticPixels } from '../../tools/test-model/synthetic';

function electronBinary(): { path: string | null; why: string | null } {
  const dir = resolve('node_modules/electron');
  const pathTxt = join(dir, 'path.txt');
  if (!existsSync(pathTxt))
    return {
      path: null,
      why: "Electron's binary is not downloaded here (no node_modules/electron/path.txt; `npm run setup:electron` needs github.com)",
    };
  const path = join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  if (!existsSync(path)) return { path: null, why: `Electron's binary is missing at ${path}` };
  const abi = readFileSync(join(dir, 'abi_version'), 'utf8').trim();
  const sqlite = resolve(
    'native',
    `electron-v${abi}-${process.platform}-${process.arch}`,
    'better_sqlite3.node',
  );
  if (!existsSync(sqlite))
    return {
      path: null,
      why: `better-sqlite3 for Electron is not built (${sqlite}; \`npm run setup:electron\` needs electronjs.org)`,
    };
  if (!existsSync(resolve('out/main/index.js')))
    return { path: null, why: 'the app is not built (npm run build)' };
  return { path, why: null };
}

const binary = electronBinary();
if (binary.why) console.warn(`electron e2e skipped: ${binary.why}`);

describe.skipIf(binary.why !== null)('the desktop app (Electron)', () => {
  it('starts, indexes a folder through the engine process, and finds photos by a word', async () => {
    const root = mkdtempSync(join(tmpdir(), 'glimpse-electron-'));
    const photos = join(root, 'photos');
    mkdirSync(photos);
    for (const colour of ['red', 'green', 'blue'] as const) {
      await sharp(Buffer.from(syntheticPixels({ colour }, 200, 150)), {
        raw: { width: 200, height: 150, channels: 3 },
      })
        .jpeg()
        .toFile(join(photos, `${colour}.jpg`));
    }
    const home = join(root, 'home');
    mkdirSync(home);
    writeFileSync(
      join(home, 'settings.json'),
      JSON.stringify({ modelDir: await testModelDir('float32'), providers: ['cpu'] }),
    );

    const app = await electron.launch({
      executablePath: binary.path!,
      args: [resolve('out/main/index.js')],
      env: { ...process.env, GLIMPSE_HOME: home },
    });
    try {
      const page = await app.firstWindow();
      await expect.poll(() => page.title()).toBe('Glimpse');
      // Main takes a folder only from its picker or a drop: the picker answers with the photos folder.
      await app.evaluate(({ dialog }, dir) => {
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [dir] })) as never;
      }, photos);
      const folders = await page.evaluate(() =>
        (globalThis as unknown as { api: { addFolder(): Promise<Array<{ path: string }>> } }).api.addFolder(),
      );
      // A path the page names itself is refused.
      await expect(
        page.evaluate(
          (dir) =>
            (globalThis as unknown as { api: { addFolder(p: string): Promise<unknown> } }).api.addFolder(dir),
          root,
        ),
      ).rejects.toThrow(/is not a folder the user chose or dropped/);
      expect(page.url()).toBe('glimpse-app://app/index.html');
      expect(folders.map((f) => f.path)).toContain(photos);
      await expect
        .poll(
          async () =>
            (
              await page.evaluate(() =>
                (
                  globalThis as unknown as { api: { getIndexJob(): Promise<{ state: string }> } }
                ).api.getIndexJob(),
              )
            ).state,
          { timeout: 60_000 },
        )
        .toBe('idle');
      await page.getByRole('searchbox').fill('red');
      // Every photo is a result (no cutoff): the word shows in which comes first.
      const tiles = page.locator('[data-testid="result-tile"]');
      await expect.poll(() => tiles.count(), { timeout: 20_000 }).toBe(3);
      expect(await tiles.first().getAttribute('title')).toBe(join(photos, 'red.jpg'));
      mkdirSync('test-results', { recursive: true });
      await page.screenshot({ path: 'test-results/electron-search.png' });
    } finally {
      await app.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

// Runs the built renderer in real Chromium with window.api bound (Playwright exposeBinding) to a real
// engine service in this process: the same service the Electron utility process runs, a real library
// indexed by the test model. Main's own duties (dialogs, the shell, nvidia-smi polling, the image
// protocols) are played here by a small HTTP server and recorded calls.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cpuInfo } from '../../src/core/gpu/cpu';
import { readGpuStatus } from '../../src/core/gpu/nvidia-smi';
import { fsPath } from '../../src/core/fs/byte-path';
import { isInside } from '../../src/core/paths';
import { grantDrop } from '../../src/main/security/drops';
import { PathGrants, requireGrant } from '../../src/main/security/grants';
import { toErrorData } from '../../src/engine/rpc';
import { createService } from '../../src/engine/service';
import type { Api, CommandName, Events } from '../../src/shared/contract';
import { parseArgs } from '../../src/shared/contract-schemas';
import type { GpuPanelState, ProviderName, SearchOptions } from '../../src/shared/types';
import type { ModelList } from '../../src/core/model-store/model-list';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null. A developer's machine without Chromium skips them with
 *  a warning; CI installs it, so there a missing browser is a broken setup, never a reason to skip. */
export function chromiumMissing(suite: string): string | null {
  if (existsSync(CHROMIUM)) return null;
  const missing = `Chromium is not installed at ${CHROMIUM} (set CHROMIUM_PATH)`;
  if (process.env.CI && process.env.CI !== 'false')
    throw new Error(`${missing}: CI must install it (apt-get install chromium)`);
  console.warn(`${suite} skipped: ${missing}`);
  return missing;
}
const RENDERER = resolve('out/renderer');
const RENDERER_SOURCES = ['src/renderer', 'src/shared'];
/** What the Electron app's window would be: big enough for a 5-column grid and the side panels. */
const VIEWPORT = { width: 1360, height: 860 };

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface HarnessOptions {
  /** The model folder settings.json names; omitted, none is named and the engine looks where a new
   *  user's would: <home>/models/<the default model id>. */
  modelDir?: string;
  /** More settings.json fields, e.g. modelSources pointing a listed id at a loopback server. */
  settings?: Record<string, unknown>;
  /** The folder api.addFolder() "picks" when the renderer asks for the OS picker. */
  pickedFolder?: string;
  colorScheme?: 'light' | 'dark';
  /** Execution providers in settings.json; default CPU only. */
  providers?: ProviderName[];
  /** The model list the service offers; default the built-in one. */
  modelList?: ModelList;
}

export interface Harness {
  /** The Glimpse folder (settings.json, models/) the service runs with; removed by close(). */
  home: string;
  page: Page;
  browser: Browser;
  /** Native calls the renderer made (openPhoto, showPhotoInFolder, copyPhotoPath, startDrag). */
  calls: Array<{ name: string; args: unknown[] }>;
  /** Page errors and console errors, so a test can assert none happened. */
  errors: string[];
  /** Makes a dropped File named `name` resolve to `path`, as Electron's webUtils.getPathForFile would. */
  dropFile(name: string, path: string): Promise<void>;
  /** Fires a drag event at the page carrying a File named `name`, as the OS does when a file is dragged
   *  over the window (dragenter, dragover) and let go (drop). */
  dragFile(type: 'dragenter' | 'dragover' | 'dragleave' | 'drop', name: string): Promise<void>;
  emit<E extends keyof Events>(event: E, payload: Events[E]): Promise<void>;
  setPickedFolder(path: string): void;
  /** The model folder the import picker "chooses". */
  setPickedModelFolder(path: string): void;
  close(): Promise<void>;
}

/** The page's globals as functions run in it (page.evaluate) see them: tests compile without the DOM
 *  library, so this names the little they touch. */
export interface PageElement {
  id: string;
  textContent: string | null;
  className: string;
  dataset: Record<string, string | undefined>;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  dispatchEvent(event: unknown): boolean;
}
export interface PageWindow {
  api: Api;
  document: {
    documentElement: PageElement;
    body: PageElement;
    activeElement: unknown;
    querySelector(selector: string): PageElement | null;
  };
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
  DragEvent: new (
    type: string,
    init: { bubbles: boolean; cancelable: boolean; dataTransfer: unknown },
  ) => unknown;
  MutationObserver: new (cb: () => void) => {
    observe(target: unknown, options: Record<string, boolean>): void;
  };
  getComputedStyle(el: PageElement): { backgroundColor: string };
  /** Set by installApi: the file names a drop resolves to disk paths. */
  __glimpseDropped: Record<string, string>;
  /** Free for a test's own recordings. */
  [key: `__test${string}`]: unknown;
}

/** Installed before the app's scripts run: window.api built from the binding, as the preload builds it. */
function installApi() {
  type Listener = (payload: unknown) => void;
  const listeners = new Map<string, Set<Listener>>();
  const w = globalThis as unknown as Record<string, unknown> & {
    __glimpseCall(
      name: string,
      args: unknown[],
    ): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;
  };
  w.__glimpseDropped = {};
  w.__glimpseEmit = (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  w.api = new Proxy(
    {
      on(event: string, listener: Listener) {
        const set = listeners.get(event) ?? new Set<Listener>();
        listeners.set(event, set);
        set.add(listener);
        return () => set.delete(listener);
      },
      // As the preload: the path from the File (Electron's webUtils answers '' for a File no disk file
      // stands behind), then main grants it and says what it is.
      droppedFile: async (file: File) => {
        const path = (w.__glimpseDropped as Record<string, string>)[file.name] ?? '';
        if (!path) return null;
        const r = await w.__glimpseCall('droppedFile', [path]);
        if (r.ok) return r.value;
        throw Object.assign(new Error(r.error!.message), { code: r.error!.code });
      },
      startDrag: (photoId: number) => void w.__glimpseCall('startDrag', [photoId]),
    } as Record<string, unknown>,
    {
      get(target, key: string) {
        if (key in target) return target[key];
        return async (...args: unknown[]) => {
          const r = await w.__glimpseCall(key, args);
          if (r.ok) return r.value;
          throw Object.assign(new Error(r.error!.message), { code: r.error!.code });
        };
      },
    },
  );
}

/** Newest modification time of the sources the renderer bundle is built from (tests left out). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const index = join(RENDERER, 'index.html');
  if (!existsSync(index)) throw new Error(`${index} is missing: run npm run build first`);
  // Testing an old bundle would pass or fail for reasons no longer in the code.
  const stale = RENDERER_SOURCES.find((d) => newestSource(resolve(d)) > statSync(index).mtimeMs);
  if (stale)
    throw new Error(`${index} is older than ${stale}/: run npm run build (or npx electron-vite build)`);
  const root = mkdtempSync(join(tmpdir(), 'glimpse-e2e-'));
  const home = join(root, 'home');
  mkdirSync(home);
  writeFileSync(
    join(home, 'settings.json'),
    JSON.stringify({ modelDir: opts.modelDir, providers: opts.providers ?? ['cpu'], ...opts.settings }),
  );
  // The service finds installed models through defaultModelDir(), which reads GLIMPSE_HOME rather than
  // its home option: point it here, or a new user's engine would look in this machine's own Glimpse folder.
  const savedHome = process.env.GLIMPSE_HOME;
  process.env.GLIMPSE_HOME = home;

  let page: Page | null = null;
  /** Events still being delivered, so close() can wait for them (not the thousands already delivered). */
  const pending = new Set<Promise<unknown>>();
  const emit = async <E extends keyof Events>(event: E, payload: Events[E]) => {
    if (!page || page.isClosed()) return;
    const p = page
      .evaluate(
        ([e, data]) =>
          (globalThis as unknown as { __glimpseEmit(e: string, d: unknown): void }).__glimpseEmit(e, data),
        [event, payload] as const,
      )
      .catch(() => {});
    pending.add(p);
    await p;
    pending.delete(p);
  };
  const service = createService({
    home,
    libraryDir: join(root, 'library'),
    modelList: opts.modelList,
    emit: (e, p) => void emit(e, p),
  });
  const calls: Harness['calls'] = [];
  const errors: string[] = [];
  let picked = opts.pickedFolder;
  let pickedModel: string | undefined;

  const gpuPanel = async (): Promise<GpuPanelState> => ({
    at: Date.now(),
    gpu: await readGpuStatus(),
    cpu: cpuInfo(),
    ...(await service.engineStats()),
  });

  /** Dropped paths main granted, checked by the same code main runs. */
  const grants = new PathGrants();

  /** Main's half of the contract. */
  const mainCommands: Partial<
    Record<CommandName | 'startDrag' | 'droppedFile', (...args: never[]) => unknown>
  > = {
    getAppInfo: () => ({
      version: 'e2e',
      platform: process.platform,
      libraryDir: join(root, 'library'),
      thumbnailBase: '/thumb/',
      imageBase: '/image/',
    }),
    chooseModelFolder: () => service.getModelState(),
    importModelFolder: () => (pickedModel ? service.importModel(pickedModel) : service.getModelState()),
    addFolder: (path?: string) => {
      if (path !== undefined) requireGrant(grants, 'addFolder', path, 'folder');
      const dir = path ?? picked;
      return dir ? service.addFolder(dir) : [];
    },
    searchImageFile: (path: string, options: SearchOptions) => {
      requireGrant(grants, 'searchImageFile', path, 'file');
      return service.searchImageFile(path, options);
    },
    droppedFile: (path: unknown) => grantDrop(grants, path),
    getGpuPanel: gpuPanel,
    getEngineState: () => ({ state: 'ready', message: null }),
  };
  for (const name of ['openPhoto', 'showPhotoInFolder', 'copyPhotoPath', 'startDrag'] as const) {
    mainCommands[name] = (...args: never[]) => void calls.push({ name, args });
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const media = /^\/(thumb|image)\/(\d+)$/.exec(url.pathname);
    try {
      if (media) {
        const id = Number(media[2]);
        const file =
          media[1] === 'thumb' ? await service.thumbnailFile(id) : (await service.imageFile(id))?.path;
        if (!file) return void res.writeHead(404).end();
        res.writeHead(200, {
          'content-type': media[1] === 'thumb' ? 'image/webp' : (MIME[extname(file)] ?? 'image/jpeg'),
        });
        return void res.end(readFileSync(fsPath(file))); // as src/main/protocols.ts opens it
      }
      // Chromium asks every http page for one; Electron's window never does.
      if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
      const file = normalize(
        join(RENDERER, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)),
      );
      if (!isInside(file, RENDERER) || !existsSync(file) || !statSync(file).isFile())
        return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Root in a container needs --no-sandbox; the rest keep Chromium off a network this machine lacks.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({
    viewport: VIEWPORT,
    colorScheme: opts.colorScheme ?? 'light',
    deviceScaleFactor: 1,
  });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // "Failed to load resource" does not say which: the location does.
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  await page.exposeBinding('__glimpseCall', async (_source, name: string, args: unknown[]) => {
    try {
      const handler = mainCommands[name as CommandName | 'droppedFile'];
      const checked =
        name === 'startDrag' || name === 'droppedFile' ? args : parseArgs(name as CommandName, args);
      const value = handler
        ? await (handler as (...a: unknown[]) => unknown)(...checked)
        : await (service as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...checked);
      return { ok: true, value };
    } catch (e) {
      return { ok: false, error: toErrorData(e) };
    }
  });
  await page.addInitScript(installApi);
  const poll = setInterval(() => void gpuPanel().then((s) => emit('gpuPanel', s)), 1000);
  await page.goto(`http://127.0.0.1:${port}/index.html`);

  return {
    home,
    page,
    browser,
    calls,
    errors,
    async dropFile(name, path) {
      await page.evaluate(
        ([n, p]) => {
          (globalThis as unknown as PageWindow).__glimpseDropped[n] = p;
        },
        [name, path] as const,
      );
    },
    async dragFile(type, name) {
      await page.evaluate(
        ([t, n]) => {
          const w = globalThis as unknown as PageWindow;
          const data = new w.DataTransfer();
          // The bytes do not matter: the app reads the dropped file from its path, as in Electron.
          data.items.add(new w.File([new Uint8Array([0xff, 0xd8, 0xff])], n, { type: 'image/jpeg' }));
          w.document.body.dispatchEvent(
            new w.DragEvent(t, { bubbles: true, cancelable: true, dataTransfer: data }),
          );
        },
        [type, name] as const,
      );
    },
    emit,
    setPickedFolder: (path) => void (picked = path),
    setPickedModelFolder: (path) => void (pickedModel = path),
    async close() {
      clearInterval(poll);
      await Promise.allSettled([...pending]);
      await browser.close();
      await new Promise((r) => server.close(r));
      await service.close();
      if (savedHome === undefined) delete process.env.GLIMPSE_HOME;
      else process.env.GLIMPSE_HOME = savedHome;
      rmSync(root, { recursive: true, force: true });
    },
  };
}

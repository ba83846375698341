// Electron main process: lifecycle, the window, menus, dialogs, protocols and IPC routing — glue only.
// The engine (and every native module) runs in a utility process (src/engine), started by EngineHost.
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, nativeImage, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { displayPath, hasEscapedBytes } from '../shared/byte-path';
import { fsPath } from '../core/host';
import { DROP_CHANNEL, type Events } from '../shared/contract';
import { commandArgs } from '../shared/contract-schemas';
import type { EngineState } from '../shared/types';
import { EngineHost } from './engine-host';
import { GpuPoller } from './gpu-poller';
import { handleTrusted, isTrustedSender, registerIpc } from './ipc';
import { buildMenu } from './menu';
import { IMAGE_SCHEME, THUMB_SCHEME } from '../shared/photo-urls';
import { handleProtocols, registerSchemes } from './protocols';
import { appOrigin } from './security/app-origin';
import { grantDrop } from './security/drops';
import { PathGrants, requireGrant } from './security/grants';
import { openablePath, textFolder } from './text-paths';
import { createWindow, lockDownSession } from './window';

let window: BrowserWindow | null = null;
let engineState: EngineState = { state: 'starting', message: null };

function send<E extends keyof Events>(event: E, payload: Events[E]): void {
  if (window && !window.isDestroyed()) window.webContents.send(`event:${event}`, payload);
}

registerSchemes();

/** Where our page comes from: glimpse-app://, or the dev server in an unpackaged build only. */
const origin = appOrigin({ isPackaged: app.isPackaged, devServerUrl: process.env.ELECTRON_RENDERER_URL });
/** Paths the user dropped on the window: the only paths main takes from the renderer. */
const grants = new PathGrants();
const ourWindow = () => window?.webContents ?? null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const engine = new EngineHost((state) => {
    engineState = state;
    send('engineState', state);
  });
  engine.onEvent((name, payload) => send(name as keyof Events, payload as never));
  const gpu = new GpuPoller(engine, (state) => send('gpuPanel', state));

  const pickFolder = async (title: string): Promise<string | null> => {
    const options = { title, properties: ['openDirectory' as const, 'createDirectory' as const] };
    const r = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return r.canceled ? null : (r.filePaths[0] ?? null);
  };
  /** The photo's stored path (src/shared/byte-path.ts): its exact bytes, not yet usable as text. */
  const photoPath = async (photoId: number) => {
    const path = await engine.call('photoFile', photoId);
    if (!path || !existsSync(fsPath(path)))
      throw Object.assign(new Error(`photo ${photoId} is not on disk any more`), { code: 'NOT_FOUND' });
    return path;
  };
  /** A text path that opens the photo, for Electron's APIs (a link when its name is not UTF-8). The links
   *  live in the user's own app folder, not the shared temp folder another account could plant them in. */
  const photoTextPath = async (photoId: number) =>
    openablePath(photoId, await photoPath(photoId), join(app.getPath('userData'), 'photo-links'));

  registerIpc(
    engine,
    {
      getAppInfo: async () => ({
        version: app.getVersion(),
        platform: process.platform,
        libraryDir: (await engine.call('getLibraryStatus').catch(() => null))?.dir ?? '',
        thumbnailBase: `${THUMB_SCHEME}://photo/`,
        imageBase: `${IMAGE_SCHEME}://photo/`,
      }),
      chooseModelFolder: async () => {
        const dir = await pickFolder('Choose a Glimpse model folder (with model.json)');
        return dir ? engine.call('setModelDir', dir) : engine.call('getModelState');
      },
      importModelFolder: async () => {
        const dir = await pickFolder('Choose a CLIP model folder to import (Glimpse or Immich layout)');
        return dir ? engine.call('importModel', dir) : engine.call('getModelState');
      },
      addFolder: async (_event, path) => {
        if (path !== undefined) requireGrant(grants, 'addFolder', path, 'folder');
        const dir = path ?? (await pickFolder('Add a folder of photos'));
        return dir ? engine.call('addFolder', dir) : (await engine.call('getLibraryStatus')).folders;
      },
      searchImageFile: (_event, path, options) => {
        requireGrant(grants, 'searchImageFile', path, 'file');
        return engine.call('searchImageFile', path, options);
      },
      getGpuPanel: () => gpu.current(),
      getEngineState: () => engineState,
      openPhoto: async (_event, id) => {
        const error = await shell.openPath(await photoTextPath(id));
        if (error) throw new Error(error);
      },
      showPhotoInFolder: async (_event, id) => {
        const path = await photoPath(id);
        // A name that is not UTF-8 cannot be selected through a text API: its folder is opened instead.
        if (!hasEscapedBytes(path)) shell.showItemInFolder(path);
        else await shell.openPath(textFolder(path));
      },
      copyPhotoPath: async (_event, id) => clipboard.writeText(displayPath(await photoPath(id))),
    },
    ourWindow,
    origin,
  );

  // A file or folder dropped on the window: said what it is, and granted for addFolder/searchImageFile.
  handleTrusted(DROP_CHANNEL, ourWindow, origin, (_event, raw) => grantDrop(grants, raw));

  // Dragging a result out to another app (an editor, a chat) hands it the file itself.
  ipcMain.on('startDrag', async (event, raw: unknown) => {
    const parsed = commandArgs.openPhoto.safeParse([raw]);
    if (!isTrustedSender(event, ourWindow(), origin) || !parsed.success) return;
    const [photoId] = parsed.data;
    const file = await photoTextPath(photoId).catch(() => null);
    if (!file) return;
    const thumb = await engine.call('thumbnailFile', photoId).catch(() => null);
    const icon = thumb ? nativeImage.createFromPath(thumb).resize({ width: 64 }) : nativeImage.createEmpty();
    event.sender.startDrag({ file, icon });
  });

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  void app.whenReady().then(() => {
    lockDownSession(origin);
    handleProtocols(engine);
    Menu.setApplicationMenu(buildMenu(!app.isPackaged));
    void engine.start();
    window = createWindow(origin);
    window.webContents.on('did-finish-load', () => send('engineState', engineState));
    gpu.start();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) window = createWindow(origin);
    });
  });

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Let the engine save the vector index and close the catalog before the app goes.
    event.preventDefault();
    quitting = true;
    gpu.stop();
    void engine.stop().finally(() => app.quit());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

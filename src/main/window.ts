// The one application window: sandboxed, context-isolated, no Node (security/web-preferences.ts), the
// app page from its own origin, no navigation away from it, no new windows (allowed links open in the
// system browser), no permissions granted, no remote content.
import { BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { appEntry, APP_ORIGIN, originOf } from './security/app-origin';
import { isAllowedExternalUrl } from './security/external';
import { secureWebPreferences } from './security/web-preferences';

export function createWindow(origin: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 900,
    minWidth: 720,
    minHeight: 480,
    title: 'Glimpse',
    show: false,
    backgroundColor: '#16181d',
    webPreferences: secureWebPreferences(join(import.meta.dirname, '../preload/index.cjs')),
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const deny = (event: { preventDefault(): void }) => event.preventDefault();
  // The page never navigates itself (a link, a script, a dropped file); loadURL below is not a navigation
  // these events see. Subframes (the page has none) are held to the same rule.
  win.webContents.on('will-navigate', deny);
  win.webContents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', deny);
  void win.loadURL(appEntry(origin, process.env.ELECTRON_RENDERER_URL));
  return win;
}

/** Nothing the page asks for (camera, notifications, geolocation…) is granted; no remote content loads
 *  (only the dev server, when it is the app's origin). */
export function lockDownSession(origin: string): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*'] },
    (details, callback) => {
      callback({ cancel: origin === APP_ORIGIN || originOf(details.url) !== origin });
    },
  );
}

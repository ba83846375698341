// The View menu: zoom and full screen for everyone; reload and the developer tools only in development,
// so a packaged app offers no console in which to run code with the page's API.
import type { MenuItemConstructorOptions } from 'electron';

export function viewMenu(development: boolean): MenuItemConstructorOptions {
  const devItems: MenuItemConstructorOptions[] = development
    ? [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }]
    : [];
  return {
    label: 'View',
    submenu: [
      ...devItems,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
}

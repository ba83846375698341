// The application menu: the platform's standard roles (edit, view, window, help) so copy/paste,
// zoom, full screen and quitting work as users expect, plus a way to find the data folder. The developer
// tools are offered in development only (menu-view.ts).
import { app, Menu, shell, type MenuItemConstructorOptions } from 'electron';
import { glimpseHome } from '../core/host';
import { viewMenu } from './security/menu-view';

export function buildMenu(development: boolean): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    viewMenu(development),
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'Show Glimpse Data Folder',
          click: () => void shell.openPath(glimpseHome()),
        },
        { label: `Version ${app.getVersion()}`, enabled: false },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}

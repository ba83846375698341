// The application menu: the platform's standard roles (edit, view, window, help) so copy/paste,
// zoom, full screen and quitting work as users expect, plus a way to find the data folder.
import { app, Menu, shell, type MenuItemConstructorOptions } from 'electron';
import { glimpseHome } from '../core/host';

export function buildMenu(): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
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

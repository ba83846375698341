import { describe, expect, it } from 'vitest';
import { viewMenu } from './menu-view';

const roles = (development: boolean) =>
  (viewMenu(development).submenu as Array<{ role?: string }>).map((i) => i.role).filter(Boolean);

describe('the View menu', () => {
  it('has no developer tools or reload in a packaged app', () => {
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).not.toContain('reload');
    expect(roles(false)).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });

  it('has them in development', () => {
    expect(roles(true)).toEqual(expect.arrayContaining(['toggleDevTools', 'reload', 'forceReload']));
  });
});

import { describe, expect, it } from 'vitest';
import { APP_ENTRY, APP_ORIGIN, appEntry, appOrigin, isTrustedFrame, originOf } from './app-origin';

describe('where the app page may come from', () => {
  it('is the app scheme in a packaged build, whatever ELECTRON_RENDERER_URL says', () => {
    expect(appOrigin({ isPackaged: true, devServerUrl: 'http://localhost:5173' })).toBe(APP_ORIGIN);
    expect(appOrigin({ isPackaged: true, devServerUrl: 'https://evil.example' })).toBe(APP_ORIGIN);
    expect(appEntry(APP_ORIGIN, 'https://evil.example')).toBe(APP_ENTRY);
  });

  it('is the dev server in an unpackaged build, only on this machine over http', () => {
    expect(appOrigin({ isPackaged: false, devServerUrl: 'http://localhost:5173/' })).toBe(
      'http://localhost:5173',
    );
    expect(appOrigin({ isPackaged: false, devServerUrl: 'http://127.0.0.1:5173' })).toBe(
      'http://127.0.0.1:5173',
    );
    for (const url of ['https://evil.example', 'http://evil.example:5173', 'file:///tmp/x.html', 'nonsense'])
      expect(appOrigin({ isPackaged: false, devServerUrl: url }), url).toBe(APP_ORIGIN);
    expect(appOrigin({ isPackaged: false })).toBe(APP_ORIGIN);
  });

  it('gives the custom scheme an origin (WHATWG would say "null")', () => {
    expect(originOf('glimpse-app://app/index.html')).toBe(APP_ORIGIN);
    expect(originOf('file:///index.html')).toBeNull();
    expect(originOf('not a url')).toBeNull();
  });
});

describe('which IPC senders are answered', () => {
  const ours = { fromOurWindow: true, isMainFrame: true, url: `${APP_ORIGIN}/index.html` };

  it('answers our window main frame at the app origin', () => {
    expect(isTrustedFrame(ours, APP_ORIGIN)).toBe(true);
  });

  it('refuses any file: page, other schemes, lookalike hosts, iframes, other windows and gone frames', () => {
    const refused = [
      { ...ours, url: 'file:///home/a/Downloads/evil.html' },
      { ...ours, url: 'glimpse-app://app.evil/index.html' },
      { ...ours, url: 'glimpse-appx://app/index.html' },
      { ...ours, url: 'glimpse-image://photo/1' },
      { ...ours, url: 'https://app/index.html' },
      { ...ours, url: 'about:blank' },
      { ...ours, url: '' },
      { ...ours, url: null },
      { ...ours, isMainFrame: false },
      { ...ours, fromOurWindow: false },
    ];
    for (const frame of refused) expect(isTrustedFrame(frame, APP_ORIGIN), JSON.stringify(frame)).toBe(false);
  });

  it('answers the dev server only when it is the origin in use', () => {
    const dev = { ...ours, url: 'http://localhost:5173/' };
    expect(isTrustedFrame(dev, 'http://localhost:5173')).toBe(true);
    expect(isTrustedFrame(dev, APP_ORIGIN)).toBe(false);
    expect(isTrustedFrame(ours, 'http://localhost:5173')).toBe(false);
  });
});

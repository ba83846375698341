// What every renderer component test needs from jsdom: cleanup between tests (vitest runs without
// globals, so Testing Library cannot register it itself) and element sizes, because jsdom does no layout
// and the virtualised grid renders only rows that fit its viewport.
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// The whole suite runs on two cores beside native-heavy tests: waiting 1 s (the default) for text to
// appear fails on a loaded machine even though the app is right. 10 s is generous, never reached when fine.
configure({ asyncUtilTimeout: 10_000 });

/** A laptop-sized results area: five columns of tiles, four rows on screen. */
export const VIEWPORT = { width: 1000, height: 800 };

Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
  configurable: true,
  get: () => VIEWPORT.width,
});
Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
  configurable: true,
  get: () => VIEWPORT.height,
});
// jsdom keeps scrollTop but has no scrollTo: scrolling programmatically moves scrollTop, as in a browser.
Element.prototype.scrollTo = function scrollTo(this: Element, options?: ScrollToOptions | number) {
  if (typeof options === 'object' && options.top !== undefined) this.scrollTop = options.top;
} as Element['scrollTo'];

afterEach(() => {
  cleanup();
  delete window.api;
  delete document.documentElement.dataset.theme;
});

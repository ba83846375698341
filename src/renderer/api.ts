// The renderer's only door to the rest of the app: window.api (built by the preload from
// src/shared/contract.ts), typed, plus a hook for its events and the error shape its calls reject with.
import { useEffect, useRef } from 'react';
import type { Api, EventName, Events } from '../shared/contract';

declare global {
  interface Window {
    api?: Api;
  }
}

function current(): Api {
  const bridge = window.api;
  if (!bridge) throw new Error('window.api is missing: the preload (src/preload/index.ts) did not expose it');
  return bridge;
}

/** Resolved at call time, not import time, so tests and Playwright's binding can install window.api late. */
export const api: Api = new Proxy({} as Api, {
  get(_target, key) {
    const bridge = current();
    const value = bridge[key as keyof Api];
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(bridge) : value;
  },
});

/** Subscribes to a main → renderer event for the component's lifetime; the latest listener always runs. */
export function useEvent<E extends EventName>(event: E, listener: (payload: Events[E]) => void): void {
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => current().on(event, (payload) => latest.current(payload)), [event]);
}

/** Calls reject with ErrorData ({ code, message }) or, across some bridges, an Error: the words either way. */
export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string') {
    // Electron prefixes errors thrown in main with the IPC channel; the user needs only the reason.
    return error.message.replace(/^Error invoking remote method '[^']+': (?:\w*Error: )?/, '');
  }
  return String(error);
}

/** The machine-readable code of a rejected call, when it carried one. */
export function errorCode(error: unknown): string | null {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string')
    return error.code;
  return null;
}

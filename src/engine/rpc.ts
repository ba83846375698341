// A small typed call/listen RPC over any message channel (Electron's utility-process port, a
// worker_threads MessagePort in tests): calls carry ids, results and errors come back as plain data,
// events flow the other way. No Electron imports: the same code runs on both ends and in tests.
import type { ErrorData } from '../shared/types';

export interface Channel {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
}

type Message =
  | { t: 'call'; id: number; name: string; args: unknown[] }
  | { t: 'result'; id: number; ok: true; value: unknown }
  | { t: 'result'; id: number; ok: false; error: ErrorData }
  | { t: 'event'; name: string; payload: unknown };

export type Handlers = Record<string, (...args: never[]) => unknown>;

/** An error with a code, as the caller sees it on the other side. */
class RemoteError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

export function toErrorData(e: unknown): ErrorData {
  const err = e as { code?: unknown; message?: unknown };
  return {
    code: typeof err?.code === 'string' ? err.code : 'INTERNAL',
    message: typeof err?.message === 'string' ? err.message : String(e),
  };
}

/** Answers calls with `handlers` and returns a function that emits events to the other side. */
export function serve(channel: Channel, handlers: Handlers): (name: string, payload: unknown) => void {
  channel.onMessage(async (raw) => {
    const msg = raw as Message;
    if (msg?.t !== 'call') return;
    const handler = Object.hasOwn(handlers, msg.name) ? handlers[msg.name] : undefined;
    try {
      if (!handler) throw new RemoteError('UNKNOWN_COMMAND', `no such command: ${msg.name}`);
      const value = await (handler as (...a: unknown[]) => unknown)(...msg.args);
      channel.post({ t: 'result', id: msg.id, ok: true, value } satisfies Message);
    } catch (e) {
      channel.post({ t: 'result', id: msg.id, ok: false, error: toErrorData(e) } satisfies Message);
    }
  });
  return (name, payload) => channel.post({ t: 'event', name, payload } satisfies Message);
}

export interface Client {
  call<T = unknown>(name: string, ...args: unknown[]): Promise<T>;
  on(name: string, listener: (payload: unknown) => void): () => void;
  /** Rejects every call in flight (the other side died); later calls wait for nothing and fail too. */
  fail(error: ErrorData): void;
}

export function connect(channel: Channel): Client {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  channel.onMessage((raw) => {
    const msg = raw as Message;
    if (msg?.t === 'result') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new RemoteError(msg.error.code, msg.error.message));
    } else if (msg?.t === 'event') {
      for (const l of listeners.get(msg.name) ?? []) l(msg.payload);
    }
  });
  return {
    call<T>(name: string, ...args: unknown[]) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        channel.post({ t: 'call', id, name, args } satisfies Message);
      });
    },
    on(name, listener) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    fail(error) {
      for (const p of pending.values()) p.reject(new RemoteError(error.code, error.message));
      pending.clear();
    },
  };
}

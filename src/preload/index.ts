// Preload: builds window.api from the contract's name lists — one method per command, `on` for events —
// and nothing else. Runs sandboxed, so it is bundled as one CommonJS file.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { COMMAND_NAMES, DROP_CHANNEL, EVENT_NAMES, type Api, type EventName } from '../shared/contract';
import type { ErrorData } from '../shared/types';

type Envelope = { ok: true; value: unknown } | { ok: false; error: ErrorData };

async function invoke(channel: string, ...args: unknown[]): Promise<unknown> {
  const r = (await ipcRenderer.invoke(channel, ...args)) as Envelope;
  if (r.ok) return r.value;
  // A plain object crosses the context bridge intact: { code, message } reaches the page as data.
  throw Object.assign(new Error(r.error.message), { code: r.error.code });
}

const api: Record<string, unknown> = {};
for (const name of COMMAND_NAMES) api[name] = (...args: unknown[]) => invoke(name, ...args);
api.on = (event: EventName, listener: (payload: unknown) => void) => {
  if (!EVENT_NAMES.includes(event)) throw new Error(`unknown event: ${event}`);
  const wrapped = (_e: unknown, payload: unknown) => listener(payload);
  ipcRenderer.on(`event:${event}`, wrapped);
  return () => ipcRenderer.off(`event:${event}`, wrapped);
};
// The path comes from the File object here, out of the page's reach: page script can hand over a File
// the user dropped, but cannot make one that names a path it chose.
api.droppedFile = async (file: File) => {
  const path = webUtils.getPathForFile(file);
  return path ? invoke(DROP_CHANNEL, path) : null;
};
api.startDrag = (photoId: number) => ipcRenderer.send('startDrag', photoId);

contextBridge.exposeInMainWorld('api', api as Api);

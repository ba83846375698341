// IPC routing from the one contract: a handler per command (a missing one does not compile), each
// checking that the call comes from our own window's main frame and validating its arguments before
// anything reaches the engine. Results and errors cross as { ok, value } / { ok, error } envelopes.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { COMMAND_NAMES, MAIN_COMMANDS, type CommandName, type Commands } from '../shared/contract';
import { parseArgs } from '../shared/contract-schemas';
import { toErrorData } from '../engine/rpc';
import type { EngineHost } from './engine-host';

export type MainHandlers = {
  [K in (typeof MAIN_COMMANDS)[number]]: (
    event: IpcMainInvokeEvent,
    ...args: Parameters<Commands[K]>
  ) => Promise<ReturnType<Commands[K]>> | ReturnType<Commands[K]>;
};

/** True for our renderer: the app's own page (file://…/renderer/index.html or the dev server). */
export function isTrustedSender(event: IpcMainInvokeEvent, window: WebContents | null): boolean {
  const frame = event.senderFrame;
  if (!window || event.sender !== window || !frame || frame !== window.mainFrame) return false;
  const url = new URL(frame.url);
  const dev = process.env.ELECTRON_RENDERER_URL;
  return dev ? url.origin === new URL(dev).origin : url.protocol === 'file:';
}

export function registerIpc(engine: EngineHost, main: MainHandlers, window: () => WebContents | null): void {
  const isMain = (name: CommandName): name is (typeof MAIN_COMMANDS)[number] =>
    (MAIN_COMMANDS as readonly string[]).includes(name);
  for (const name of COMMAND_NAMES) {
    ipcMain.handle(name, async (event, ...raw: unknown[]) => {
      try {
        if (!isTrustedSender(event, window()))
          throw Object.assign(new Error(`${name}: refused a call from an unknown frame`), {
            code: 'FORBIDDEN',
          });
        const args = parseArgs(name, raw);
        const value = isMain(name)
          ? await (main[name] as (e: IpcMainInvokeEvent, ...a: unknown[]) => unknown)(event, ...args)
          : await (engine.call as (n: string, ...a: unknown[]) => Promise<unknown>)(name, ...args);
        return { ok: true, value };
      } catch (e) {
        return { ok: false, error: toErrorData(e) };
      }
    });
  }
}

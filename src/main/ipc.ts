// IPC routing from the one contract: a handler per command (a missing one does not compile), each
// checking that the call comes from our own window's main frame at the app's origin and validating its
// arguments before anything reaches the engine. Results and errors cross as { ok, value } / { ok, error }.
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { COMMAND_NAMES, MAIN_COMMANDS, type CommandName, type Commands } from '../shared/contract';
import { parseArgs } from '../shared/contract-schemas';
import { toErrorData } from '../engine/rpc';
import type { EngineHost } from './engine-host';
import { isTrustedFrame } from './security/app-origin';

type MainHandlers = {
  [K in (typeof MAIN_COMMANDS)[number]]: (
    event: IpcMainInvokeEvent,
    ...args: Parameters<Commands[K]>
  ) => Promise<ReturnType<Commands[K]>> | ReturnType<Commands[K]>;
};

/** True for our renderer: our window's main frame, at the app's origin (glimpse-app:// or, unpackaged,
 *  the dev server). Every ipcMain.handle and ipcMain.on checks this first. */
export function isTrustedSender(
  event: IpcMainInvokeEvent | IpcMainEvent,
  window: WebContents | null,
  origin: string,
): boolean {
  const frame = event.senderFrame;
  return isTrustedFrame(
    {
      fromOurWindow: !!window && event.sender === window,
      isMainFrame: !!window && !!frame && frame === window.mainFrame,
      url: frame?.url ?? null,
    },
    origin,
  );
}

function forbidden(channel: string): Error {
  return Object.assign(new Error(`${channel}: refused a call from an unknown frame`), { code: 'FORBIDDEN' });
}

/** ipcMain.handle with the sender check and the envelope, for channels outside the contract. */
export function handleTrusted(
  channel: string,
  window: () => WebContents | null,
  origin: string,
  handler: (event: IpcMainInvokeEvent, ...raw: unknown[]) => unknown,
): void {
  ipcMain.handle(channel, async (event, ...raw: unknown[]) => {
    try {
      if (!isTrustedSender(event, window(), origin)) throw forbidden(channel);
      return { ok: true, value: await handler(event, ...raw) };
    } catch (e) {
      return { ok: false, error: toErrorData(e) };
    }
  });
}

export function registerIpc(
  engine: EngineHost,
  main: MainHandlers,
  window: () => WebContents | null,
  origin: string,
): void {
  const isMain = (name: CommandName): name is (typeof MAIN_COMMANDS)[number] =>
    (MAIN_COMMANDS as readonly string[]).includes(name);
  for (const name of COMMAND_NAMES) {
    handleTrusted(name, window, origin, (event, ...raw) => {
      const args = parseArgs(name, raw);
      return isMain(name)
        ? (main[name] as (e: IpcMainInvokeEvent, ...a: unknown[]) => unknown)(event, ...args)
        : (engine.call as (n: string, ...a: unknown[]) => Promise<unknown>)(name, ...args);
    });
  }
}

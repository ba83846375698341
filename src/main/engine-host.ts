// Starts the engine's utility process, relays its events, and restarts it with backoff when it dies
// (an ONNX/CUDA or driver crash kills the engine, never the window), telling the UI what happened.
import { app, utilityProcess, type UtilityProcess } from 'electron';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { connect, type Client } from '../engine/rpc';
import type { EngineCommandName, EngineCommands } from '../engine/engine-commands';
import type { EngineState } from '../shared/types';

/** Restart delays after successive crashes: quick first, then backing off so a crash loop cannot spin. */
const BACKOFF_MS = [500, 2000, 5000, 15000, 30000];
/** A process that ran this long before dying counts as healthy again: the backoff starts over. */
const HEALTHY_AFTER_MS = 60_000;

/** better-sqlite3 built for Electron's ABI (tools/postinstall.mjs, or packaged under resources/native). */
function sqliteBinding(): string | undefined {
  const name = `electron-v${process.versions.modules}-${process.platform}-${process.arch}`;
  const roots = [join(process.resourcesPath ?? '', 'native'), join(app.getAppPath(), 'native')];
  return roots.map((r) => join(r, name, 'better_sqlite3.node')).find((p) => existsSync(p));
}

export class EngineHost {
  private child: UtilityProcess | null = null;
  private client: Client | null = null;
  private ready: Promise<Client> | null = null;
  private crashes = 0;
  private startedAt = 0;
  private stopping = false;
  private readonly listeners = new Set<(event: string, payload: unknown) => void>();

  constructor(private readonly onState: (state: EngineState) => void) {}

  /** Events from the engine (indexJob, libraryChanged, …), for main to forward to the window. */
  onEvent(listener: (event: string, payload: unknown) => void): void {
    this.listeners.add(listener);
  }

  start(message: string | null = null): Promise<Client> {
    this.startedAt = Date.now();
    this.onState({ state: message ? 'restarting' : 'starting', message });
    const child = utilityProcess.fork(join(import.meta.dirname, 'engine.js'), [], {
      serviceName: 'Glimpse engine',
      stdio: 'inherit',
      env: {
        ...process.env,
        UV_THREADPOOL_SIZE: String(cpus().length + 4),
        GLIMPSE_SQLITE_BINDING: sqliteBinding() ?? '',
      },
    });
    this.child = child;
    const client = connect({
      post: (m) => child.postMessage(m),
      onMessage: (l) => child.on('message', l),
    });
    this.client = client;
    this.ready = new Promise<Client>((resolve) => {
      client.on('engineState', (s) => {
        const state = s as EngineState;
        if (state.state === 'ready') {
          this.onState({ state: 'ready', message });
          resolve(client);
        }
      });
    });
    for (const name of ['indexJob', 'indexFinished', 'libraryChanged', 'modelPull']) {
      client.on(name, (payload) => this.listeners.forEach((l) => l(name, payload)));
    }
    child.on('exit', (code) => this.onExit(child, client, code));
    return this.ready;
  }

  private onExit(child: UtilityProcess, client: Client, code: number) {
    client.fail({ code: 'ENGINE_EXITED', message: `the engine stopped (exit code ${code})` });
    if (this.child !== child || this.stopping) return;
    if (Date.now() - this.startedAt > HEALTHY_AFTER_MS) this.crashes = 0;
    const delay = BACKOFF_MS[Math.min(this.crashes, BACKOFF_MS.length - 1)]!;
    this.crashes++;
    const message = `engine restarted after a crash (exit code ${code})`;
    this.onState({ state: 'restarting', message: `${message}; restarting in ${delay / 1000} s` });
    this.ready = new Promise((resolve) => setTimeout(() => resolve(this.start(message)), delay));
  }

  async call<K extends EngineCommandName>(
    name: K,
    ...args: Parameters<EngineCommands[K]>
  ): Promise<Awaited<ReturnType<EngineCommands[K]>>> {
    const client = await (this.ready ?? this.start());
    return client.call<Awaited<ReturnType<EngineCommands[K]>>>(name, ...args);
  }

  /** Asks the engine to save and close the library, then lets it go (killed if it does not answer). */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || !this.client) return;
    await Promise.race([
      this.client.call('shutdown').catch(() => {}),
      new Promise((r) => setTimeout(r, 10_000)),
    ]);
    child.kill();
  }
}

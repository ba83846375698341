// The core workspace the app runs, made from settings.json and made again when a change of settings or
// model needs a new one (another model folder, other providers or batch size).
import { createWorkspace, defaultModelDir, readSettings, writeSettings } from '../core';
import type { Workspace, ProviderName } from '../core';
import type { Settings } from '../shared/types';

interface WorkspaceHolderOptions {
  /** Glimpse's data folder (settings.json). */
  home: string;
  libraryDir?: string;
  /** better-sqlite3 built for Electron's ABI. */
  sqliteBinding?: string;
  /** Runs before the workspace is closed for a new one: what uses its library lets go first. */
  beforeRestart: () => Promise<void>;
}

export class WorkspaceHolder {
  private saved: Settings;
  private current: Workspace;

  constructor(private readonly opts: WorkspaceHolderOptions) {
    this.saved = readSettings(opts.home);
    this.current = this.make();
  }

  get workspace(): Workspace {
    return this.current;
  }

  get settings(): Settings {
    return this.saved;
  }

  /** The providers settings ask for; undefined leaves the choice to the runtime's defaults. */
  get providers(): ProviderName[] | undefined {
    return this.saved.providers.length ? this.saved.providers : undefined;
  }

  /**
   * Saves `patch` to settings.json; the workspace is made again when the model folder, providers or batch
   * size changed, or always with `restart: 'always'` (a model folder chosen again may hold a new model).
   */
  async change(patch: Partial<Settings>, restart: 'always' | 'on-runtime-change'): Promise<Settings> {
    const before = this.saved;
    this.saved = writeSettings(this.opts.home, patch);
    const runtime = (s: Settings) => JSON.stringify([s.providers, s.batchSize, s.modelDir]);
    if (restart === 'always' || runtime(before) !== runtime(this.saved)) await this.restart();
    return this.saved;
  }

  /** Reads settings.json again (the model store wrote it) and makes the workspace again on it. */
  async reload(): Promise<void> {
    this.saved = readSettings(this.opts.home);
    await this.restart();
  }

  close(): Promise<void> {
    return this.current.close();
  }

  private async restart(): Promise<void> {
    await this.opts.beforeRestart();
    await this.current.close();
    this.current = this.make();
  }

  private make(): Workspace {
    const { home, libraryDir, sqliteBinding } = this.opts;
    return createWorkspace({
      modelDir: this.saved.modelDir ?? defaultModelDir({ ...process.env, GLIMPSE_HOME: home }),
      libraryDir,
      sqliteBinding,
      providers: this.providers,
      batchSize: this.saved.batchSize ?? undefined,
    });
  }
}

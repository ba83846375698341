// The engine's side of the app contract: commands the renderer sends (through main) answered with
// createWorkspace(), the one indexing job, settings, and the lookups main's protocols and GPU panel need.
// Electron-free, so the end-to-end tests run it in the test process exactly as the app does.
import { existsSync } from 'node:fs';
import { bundlePrecision, createWorkspace, ModelManager, PhotoNotFoundError, probeGpuDecoder } from '../core';
import { defaultModelDir, glimpseHome, isInside, isInsideReal, readGpuStatus } from '../core';
import { readSettings, readStoredSettings, remakeThumbnail, writeSettings } from '../core';
import type { ModelList, Workspace } from '../core';
import type { Events, SettingsPatch } from '../shared/contract';
import type { EngineCommands } from './engine-commands';
import { browserMime, checkLibraryFolders, inLibrary } from './window-paths';
import type {
  EmbedderInfo,
  IndexJob,
  ModelPullJob,
  ModelState,
  PhotoDetails,
  SearchOptions,
  SearchPage,
  Settings,
} from '../shared/types';

export interface ServiceOptions {
  /** Glimpse's data folder (settings.json); default: glimpseHome(). */
  home?: string;
  libraryDir?: string;
  /** better-sqlite3 built for Electron's ABI. */
  sqliteBinding?: string;
  /** The model list; default: resources/models.json (tests serve their own models). */
  modelList?: ModelList;
  emit: <E extends keyof Events>(event: E, payload: Events[E]) => void;
}

export function createService(opts: ServiceOptions): EngineCommands & { close(): Promise<void> } {
  const home = opts.home ?? glimpseHome();
  let settings: Settings = readSettings(home);
  const notices: string[] = [];
  const settingsProblem = readStoredSettings(home).problem;
  if (settingsProblem) notices.push(`Settings: ${settingsProblem}`);
  let engine: Workspace = makeEngine();
  let job: IndexJob = { state: 'idle', progress: null, lastSummary: null, error: null };
  let abort: AbortController | null = null;
  let running: Promise<void> | null = null;
  const models = new ModelManager({ home, modelList: opts.modelList });
  let pullJob: ModelPullJob = { state: 'idle', id: null, progress: null, error: null, installed: null };
  let pullAbort: AbortController | null = null;

  function makeEngine(): Workspace {
    return createWorkspace({
      modelDir: settings.modelDir ?? defaultModelDir({ ...process.env, GLIMPSE_HOME: home }),
      libraryDir: opts.libraryDir,
      sqliteBinding: opts.sqliteBinding,
      providers: settings.providers.length ? settings.providers : undefined,
      batchSize: settings.batchSize ?? undefined,
    });
  }

  const setJob = (next: Partial<IndexJob>) => {
    job = { ...job, ...next };
    opts.emit('indexJob', job);
  };

  async function restartEngine() {
    if (running) {
      abort?.abort();
      await running;
    }
    await engine.close();
    engine = makeEngine();
  }

  const lib = () => engine.library();
  /** For what only reads: beside another Glimpse that holds the library (a `glimpse watch`), a
   *  read-only view of what it has committed; LibraryStatus.readOnly tells the renderer. */
  const read = () => engine.reader();

  const setPullJob = (next: Partial<ModelPullJob>) => {
    pullJob = { ...pullJob, ...next };
    opts.emit('modelPull', pullJob);
  };

  /** Makes `id` (installed) the model in use: settings.json, then a new engine on it. */
  async function useModel(id: string): Promise<ModelState> {
    models.use(id);
    settings = readSettings(home);
    await restartEngine();
    return modelState();
  }

  function pullModel(id: string): ModelPullJob {
    if (pullJob.state !== 'idle') {
      if (pullJob.id === id) return pullJob;
      throw Object.assign(new Error(`${pullJob.id} is downloading; cancel it first`), { code: 'BUSY' });
    }
    const controller = new AbortController();
    pullAbort = controller;
    setPullJob({ state: 'running', id, progress: null, error: null, notes: [] });
    void models
      .pull(id, {
        signal: controller.signal,
        onProgress: (progress) => setPullJob({ progress }),
        onNote: (note) => setPullJob({ notes: [...(pullJob.notes ?? []), note] }),
        // A model built here is checked on the providers the engine will use (settings', else the defaults).
        check: { providers: settings.providers.length ? settings.providers : undefined },
      })
      .then(
        () => setPullJob({ state: 'idle', installed: id }),
        (e: Error) =>
          setPullJob({
            state: 'idle',
            error: controller.signal.aborted ? 'download cancelled; pull again to resume' : e.message,
          }),
      )
      .finally(() => {
        if (pullAbort === controller) pullAbort = null;
      });
    return pullJob;
  }

  function modelState(): ModelState {
    try {
      const b = engine.bundle();
      return {
        dir: engine.modelDir,
        ok: true,
        problem: null,
        id: b.id,
        name: b.name,
        precision: bundlePrecision(b),
        embedDim: b.embedDim,
      };
    } catch (e) {
      const problem = existsSync(engine.modelDir) ? (e as Error).message : `no model at ${engine.modelDir}`;
      return {
        dir: engine.modelDir,
        ok: false,
        problem,
        id: null,
        name: null,
        precision: null,
        embedDim: null,
      };
    }
  }

  async function photo(photoId: number): Promise<PhotoDetails> {
    const l = await read();
    const row = l.library.catalog.photo(photoId);
    if (!row) throw new PhotoNotFoundError(photoId);
    const folder = l.library.catalog.folders().find((f) => f.id === row.folderId);
    return {
      photoId: row.id,
      path: row.path,
      folder: folder?.path ?? '',
      size: row.size,
      width: row.width,
      height: row.height,
      format: row.format,
      takenAt: row.takenAt,
      mtimeMs: row.mtimeMs,
      camera: row.camera,
      status: row.status,
      error: row.error,
    };
  }

  /** The renderer's startIndexing: re-indexes library folders only (new ones come through addFolder,
   *  from main's picker or a drop), so no path it names can bring a folder into the library. */
  /** The renderer's startIndexing: re-indexes library folders only (new ones come through addFolder,
   *  from main's picker or a drop), so no path it names can bring a folder into the library. */
  async function startIndexingFolders(paths: string[]): Promise<IndexJob> {
    if (paths.length) checkLibraryFolders(paths, (await read()).library.catalog.folders());
    return startIndexing(paths);
  }

  function startIndexing(paths: string[]): IndexJob {
    if (running) return job;
    abort = new AbortController();
    const signal = abort.signal;
    setJob({ state: 'running', progress: null, error: null });
    running = (async () => {
      try {
        const l = await lib();
        const summary = await l.index(paths, {
          signal,
          exclude: settings.excludePatterns,
          onProgress: (progress) => setJob({ progress }),
        });
        setJob({ state: 'idle', lastSummary: summary });
        opts.emit('indexFinished', summary);
        opts.emit('libraryChanged', await l.status());
      } catch (e) {
        setJob({ state: 'idle', error: (e as Error).message });
      } finally {
        running = null;
        abort = null;
      }
    })();
    return job;
  }

  type Ops = Awaited<ReturnType<typeof lib>>;
  const search = async (
    run: (l: Ops) => Promise<Omit<SearchPage, 'terms'> & Partial<Pick<SearchPage, 'terms'>>>,
  ): Promise<SearchPage> => {
    const page = await run(await read());
    return { ...page, terms: page.terms ?? [] };
  };

  const service: EngineCommands & { close(): Promise<void> } = {
    getModelState: modelState,
    async setModelDir(dir: string) {
      settings = writeSettings(home, { modelDir: dir });
      await restartEngine();
      return modelState();
    },
    searchText: (query: string, options: SearchOptions) => search((l) => l.searchText(query, options)),
    searchSimilar: (photoId: number, options: SearchOptions) =>
      search((l) => l.searchPhoto(photoId, options)),
    // LibraryOps.searchImage checks the file (type, regular, size cap) on the open descriptor.
    searchImageFile: (path: string, options: SearchOptions) => search((l) => l.searchImage(path, options)),
    getPhoto: photo,
    getLibraryStatus: async () => (await read()).status(),
    addFolder: async (path: string) => {
      const l = await lib();
      const [added] = l.addFolders([path], settings.excludePatterns);
      const status = await l.status();
      opts.emit('libraryChanged', status);
      startIndexing([added?.path ?? path]);
      return status.folders;
    },
    removeFolder: async (path: string) => {
      if (running)
        throw Object.assign(
          new Error('wait for indexing to finish (or cancel it) before removing a folder'),
          { code: 'BUSY' },
        );
      const l = await lib();
      l.removeFolder(path);
      await l.library.saveIndex();
      const status = await l.status();
      opts.emit('libraryChanged', status);
      return status.folders;
    },
    listModels: async () => models.overview(await readGpuStatus(), engine.modelDir),
    pullModel,
    cancelModelPull() {
      if (pullAbort) {
        pullAbort.abort();
        setPullJob({ state: 'cancelling' });
      }
      return pullJob;
    },
    getModelPullJob: () => pullJob,
    useModel,
    importModel: async (dir: string) => useModel((await models.import(dir)).id),
    removeModel: async (id: string) => {
      await models.remove(id, { activeDir: engine.modelDir });
      return models.overview(await readGpuStatus(), engine.modelDir);
    },
    startIndexing: startIndexingFolders,
    cancelIndexing() {
      if (running && abort) {
        abort.abort();
        setJob({ state: 'cancelling' });
      }
      return job;
    },
    getIndexJob: () => job,
    listFailures: async (limit: number) => (await read()).failures(limit),
    getSettings: () => settings,
    getNotices: () => notices,
    updateSettings: async (patch: SettingsPatch) => {
      // The model folder is chosen through main's picker (setModelDir) or the model manager, never named
      // by the window: a path it names would load (and run) whatever model files lie there.
      if (Object.hasOwn(patch, 'modelDir')) {
        const message = 'updateSettings: modelDir cannot be set this way; choose a model folder';
        throw Object.assign(new Error(message), { code: 'BAD_ARGUMENTS' });
      }
      const before = settings;
      settings = writeSettings(home, patch);
      const runtimeChanged =
        JSON.stringify([before.providers, before.batchSize, before.modelDir]) !==
        JSON.stringify([settings.providers, settings.batchSize, settings.modelDir]);
      if (runtimeChanged) await restartEngine();
      return settings;
    },
    clearThumbnailCache: async () => {
      const l = await lib();
      await l.library.thumbnails.clear();
      return l.status();
    },
    thumbnailFile: async (photoId: number) => {
      const l = await read();
      const row = l.library.catalog.photo(photoId);
      if (!row?.hash || row.status !== 'indexed') return null;
      const { thumbnails, catalog } = l.library;
      const file = thumbnails.pathFor(row.hash);
      if (!isInside(file, thumbnails.dir)) return null;
      // A cleared cache fills again as thumbnails are shown (by the library's writer).
      if (
        !existsSync(file) &&
        (l.library.readOnly ||
          !(await remakeThumbnail(catalog, thumbnails, engine.bundle().preprocess, row.hash)))
      )
        return null;
      return isInsideReal(file, thumbnails.dir) ? file : null;
    },
    photoFile: async (photoId: number) => {
      const l = await read();
      const row = l.library.catalog.photo(photoId);
      return row && inLibrary(row.path, l.library.catalog.folders()) ? row.path : null;
    },
    imageFile: async (photoId: number) => {
      const l = await read();
      const row = l.library.catalog.photo(photoId);
      if (!row) return null;
      // Only files inside a library folder, links resolved, are ever served.
      if (!inLibrary(row.path, l.library.catalog.folders())) return null;
      const mime = browserMime(row.path);
      if (mime) return { path: row.path, mime };
      const thumb = row.hash ? l.library.thumbnails.pathFor(row.hash) : null;
      return thumb && isInsideReal(thumb, l.library.thumbnails.dir)
        ? { path: thumb, mime: 'image/webp' }
        : null;
    },
    engineStats: () => {
      let embedder: EmbedderInfo | null;
      let batchSize: number | null = null;
      try {
        embedder = engine.embedder().info();
        batchSize = engine.embedder().batchSize;
      } catch {
        embedder = null; // no usable model: the panel says why through getModelState
      }
      const p = job.state !== 'idle' ? job.progress : null;
      return {
        embedder,
        photoDecoder: probeGpuDecoder().summary,
        // Known once the image tower has loaded (the first indexing run); until then what settings ask.
        batchSize: batchSize ?? settings.batchSize,
        indexing: p
          ? {
              imagesPerSecond: p.imagesPerSecond,
              queued: Math.max(0, p.toProcess - p.processed),
              etaSeconds: p.etaSeconds,
            }
          : null,
        // The panel keeps the last run's batches once it ends, so a stall can be read afterwards.
        pipeline: p ? (p.pipeline ?? null) : (job.lastSummary?.pipeline ?? null),
        decoders: p ? (p.decoders ?? null) : (job.lastSummary?.decoders ?? null),
      };
    },
    async close() {
      pullAbort?.abort();
      abort?.abort();
      await running;
      await engine.close();
    },
  };
  return service;
}

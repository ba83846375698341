// The engine's side of the app contract: each command the renderer sends (through main) mapped onto
// the engine the settings make, the indexing job, the model downloads and the photo files main serves.
// Electron-free, so the end-to-end tests run it in the test process exactly as the app does.
import { glimpseHome, ModelStore, readGpuStatus, readStoredSettings } from '../core';
import type { LibraryOps, ModelList } from '../core';
import type { Events, SettingsPatch } from '../shared/contract';
import type { SearchOptions, SearchPage } from '../shared/types';
import type { EngineCommands } from './engine-commands';
import { WorkspaceHolder } from './workspace-holder';
import { engineStats, modelState } from './engine-report';
import { IndexJobs } from './index-jobs';
import { ModelDownloads } from './model-downloads';
import { PhotoFiles } from './photo-files';
import { checkLibraryFolders } from './window-paths';

interface ServiceOptions {
  /** Glimpse's data folder (settings.json); default: glimpseHome(). */
  home?: string;
  libraryDir?: string;
  /** better-sqlite3 built for Electron's ABI. */
  sqliteBinding?: string;
  /** The model list; default: resources/models.json (tests serve their own models). */
  modelList?: ModelList;
  emit: <E extends keyof Events>(event: E, payload: Events[E]) => void;
}

const busy = (message: string) => Object.assign(new Error(message), { code: 'BUSY' });

export function createService(opts: ServiceOptions): EngineCommands & { close(): Promise<void> } {
  const home = opts.home ?? glimpseHome();
  const settingsProblem = readStoredSettings(home).problem;
  const notices = settingsProblem ? [`Settings: ${settingsProblem}`] : [];
  const { libraryDir, sqliteBinding, emit } = opts;
  const holder: WorkspaceHolder = new WorkspaceHolder({
    home,
    libraryDir,
    sqliteBinding,
    beforeRestart: () => jobs.stop(),
  });
  const writer = () => holder.workspace.library();
  /** For what only reads: beside another Glimpse that holds the library (a `glimpse watch`), a
   *  read-only view of what it has committed; LibraryStatus.readOnly tells the renderer. */
  const reader = () => holder.workspace.reader();
  const jobs = new IndexJobs({ library: writer, exclude: () => holder.settings.excludePatterns, emit });
  const models = new ModelStore({ home, modelList: opts.modelList });
  const downloads = new ModelDownloads({ models, providers: () => holder.providers, emit });
  const files = new PhotoFiles(reader);

  type Found = Omit<SearchPage, 'terms'> & Partial<Pick<SearchPage, 'terms'>>;
  const search = async (run: (l: LibraryOps) => Promise<Found>): Promise<SearchPage> => {
    const page = await run(await reader());
    return { ...page, terms: page.terms ?? [] };
  };
  /** Makes `id` (installed) the model in use: settings.json, then a new engine on it. */
  const useModel = async (id: string) => {
    models.use(id);
    await holder.reload();
    return modelState(holder.workspace);
  };
  const overview = async () => models.overview(await readGpuStatus(), holder.workspace.modelDir);

  return {
    getModelState: () => modelState(holder.workspace),
    setModelDir: async (dir: string) => {
      await holder.change({ modelDir: dir }, 'always');
      return modelState(holder.workspace);
    },
    searchText: (query: string, options: SearchOptions) => search((l) => l.searchText(query, options)),
    searchSimilar: (photoId: number, options: SearchOptions) =>
      search((l) => l.searchPhoto(photoId, options)),
    // LibraryOps.searchImage checks the file (type, regular, size cap) on the open descriptor.
    searchImageFile: (path: string, options: SearchOptions) => search((l) => l.searchImage(path, options)),
    getPhoto: (photoId: number) => files.details(photoId),
    getLibraryStatus: async () => (await reader()).status(),
    addFolder: async (path: string) => {
      const l = await writer();
      const [added] = l.addFolders([path], holder.settings.excludePatterns);
      const status = await l.status();
      emit('libraryChanged', status);
      jobs.start([added?.path ?? path]);
      return status.folders;
    },
    removeFolder: async (path: string) => {
      if (jobs.busy) throw busy('wait for indexing to finish (or cancel it) before removing a folder');
      const l = await writer();
      l.removeFolder(path);
      await l.saveIndex();
      const status = await l.status();
      emit('libraryChanged', status);
      return status.folders;
    },
    listModels: overview,
    pullModel: (id: string) => downloads.pull(id),
    cancelModelPull: () => downloads.cancel(),
    getModelPullJob: () => downloads.current,
    useModel,
    importModel: async (dir: string) => useModel((await models.import(dir)).id),
    removeModel: async (id: string) => {
      await models.remove(id, { activeDir: holder.workspace.modelDir });
      return overview();
    },
    /** Re-indexes library folders only (new ones come through addFolder, from main's picker or a
     *  drop), so no path the window names can bring a folder into the library. */
    startIndexing: async (paths: string[]) => {
      if (paths.length) checkLibraryFolders(paths, (await reader()).folders());
      return jobs.start(paths);
    },
    cancelIndexing: () => jobs.cancel(),
    getIndexJob: () => jobs.current,
    listFailures: async (limit: number) => (await reader()).failures(limit),
    getSettings: () => holder.settings,
    getNotices: () => notices,
    updateSettings: async (patch: SettingsPatch) => {
      // The model folder is chosen through main's picker (setModelDir) or the model store, never named
      // by the window: a path it names would load (and run) whatever model files lie there.
      if (Object.hasOwn(patch, 'modelDir')) {
        const message = 'updateSettings: modelDir cannot be set this way; choose a model folder';
        throw Object.assign(new Error(message), { code: 'BAD_ARGUMENTS' });
      }
      return holder.change(patch, 'on-runtime-change');
    },
    clearThumbnailCache: async () => {
      const l = await writer();
      await l.clearThumbnails();
      return l.status();
    },
    thumbnailFile: (photoId: number) => files.thumbnailFile(photoId),
    photoFile: (photoId: number) => files.photoFile(photoId),
    imageFile: (photoId: number) => files.imageFile(photoId),
    engineStats: () => engineStats(holder.workspace, jobs.current, holder.settings.batchSize),
    async close() {
      downloads.close();
      await jobs.stop();
      await holder.close();
    },
  };
}

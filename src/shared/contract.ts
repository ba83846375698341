// The one IPC contract between the renderer and the rest of the app. Commands are request/response
// (renderer → main, most forwarded to the engine), events flow main → renderer. The preload and main
// are both derived from the name lists below, so a command cannot exist on one side only. Argument
// schemas live in contract-schemas.ts (main only: the sandboxed preload can load no npm module).
import type {
  AppInfo,
  EngineState,
  FailedFile,
  FolderStatus,
  GpuPanelState,
  IndexJob,
  IndexSummary,
  LibraryStatus,
  ModelOverview,
  ModelPullJob,
  ModelState,
  PhotoDetails,
  SearchOptions,
  SearchPage,
  Settings,
} from './types';

/** What the window may change in settings: everything but the model folder, which only main's picker
 *  and the model store set. */
export type SettingsPatch = Partial<Omit<Settings, 'modelDir'>>;

/** Renderer → main. Every result is plain data; failures reject with an ErrorData-shaped error. */
export interface Commands {
  getAppInfo(): AppInfo;
  getModelState(): ModelState;
  /** Folder picker, then the chosen folder becomes the model (first run). */
  chooseModelFolder(): ModelState;
  searchText(query: string, options: SearchOptions): SearchPage;
  /** "More like this". */
  searchSimilar(photoId: number, options: SearchOptions): SearchPage;
  /** A file dropped on the window: `path` exactly as droppedFile returned it (main refuses any other). */
  searchImageFile(path: string, options: SearchOptions): SearchPage;
  getPhoto(photoId: number): PhotoDetails;
  getLibraryStatus(): LibraryStatus;
  /** With no path, a folder picker; else a folder dropped on the window (`path` exactly as droppedFile
   *  returned it; main refuses any other). The folder is added and indexing starts. */
  addFolder(path?: string): FolderStatus[];
  removeFolder(path: string): FolderStatus[];
  /** Indexes these library folders, or all when the list is empty (never adds one: addFolder does);
   *  returns at once, progress comes as events. */
  startIndexing(paths: string[]): IndexJob;
  /** Stops after the batch in flight; committed work is kept, the next run resumes. */
  cancelIndexing(): IndexJob;
  getIndexJob(): IndexJob;
  listFailures(limit: number): FailedFile[];
  getSettings(): Settings;
  /** Problems found while starting (a damaged settings.json kept aside), for the window to show once. */
  getNotices(): string[];
  updateSettings(patch: SettingsPatch): Settings;
  clearThumbnailCache(): LibraryStatus;
  getGpuPanel(): GpuPanelState;
  /** The model list, what is installed, which is active, and which suits this machine. */
  listModels(): ModelOverview;
  /** Starts downloading a listed model (resuming a partial one); progress comes as modelPull events. */
  pullModel(id: string): ModelPullJob;
  /** Stops the download; what arrived is kept, and pulling again resumes. */
  cancelModelPull(): ModelPullJob;
  getModelPullJob(): ModelPullJob;
  /** Makes an installed model the one in use (the library re-embeds for it as it indexes). */
  useModel(id: string): ModelState;
  /** Folder picker, then the chosen bundle (ours or Immich's layout) is copied in, checked, and used. */
  importModelFolder(): ModelState;
  removeModel(id: string): ModelOverview;
  /** The engine process's state now (the engineState event reports changes). */
  getEngineState(): EngineState;
  openPhoto(photoId: number): void;
  showPhotoInFolder(photoId: number): void;
  copyPhotoPath(photoId: number): void;
}

export type CommandName = keyof Commands;

/** Main → renderer. */
export interface Events {
  indexJob: IndexJob;
  indexFinished: IndexSummary;
  gpuPanel: GpuPanelState;
  engineState: EngineState;
  libraryChanged: LibraryStatus;
  modelPull: ModelPullJob;
}

export type EventName = keyof Events;

/** Exhaustive lists: adding a command or event to the interfaces without listing it fails to compile. */
export const COMMAND_NAMES = Object.keys({
  getAppInfo: 1,
  getModelState: 1,
  chooseModelFolder: 1,
  searchText: 1,
  searchSimilar: 1,
  searchImageFile: 1,
  getPhoto: 1,
  getLibraryStatus: 1,
  addFolder: 1,
  removeFolder: 1,
  startIndexing: 1,
  cancelIndexing: 1,
  getIndexJob: 1,
  listFailures: 1,
  getSettings: 1,
  getNotices: 1,
  updateSettings: 1,
  clearThumbnailCache: 1,
  getGpuPanel: 1,
  listModels: 1,
  pullModel: 1,
  cancelModelPull: 1,
  getModelPullJob: 1,
  useModel: 1,
  importModelFolder: 1,
  removeModel: 1,
  getEngineState: 1,
  openPhoto: 1,
  showPhotoInFolder: 1,
  copyPhotoPath: 1,
} satisfies Record<CommandName, 1>) as CommandName[];

export const EVENT_NAMES = Object.keys({
  indexJob: 1,
  indexFinished: 1,
  gpuPanel: 1,
  engineState: 1,
  libraryChanged: 1,
  modelPull: 1,
} satisfies Record<EventName, 1>) as EventName[];

/** Commands main answers itself (dialogs, the shell, the clipboard); the rest go to the engine. */
export const MAIN_COMMANDS = [
  'getAppInfo',
  'searchImageFile',
  'chooseModelFolder',
  'addFolder',
  'getGpuPanel',
  'getEngineState',
  'importModelFolder',
  'openPhoto',
  'showPhotoInFolder',
  'copyPhotoPath',
] as const satisfies readonly CommandName[];

/** A file or folder dropped on the window, as main saw it and granted it for addFolder (a folder) or
 *  searchImageFile (a file) for a while; 'other' (a device, a socket) is granted for nothing. */
export interface DroppedPath {
  path: string;
  kind: 'folder' | 'file' | 'other';
}

/** The IPC channel the preload grants drops on; not a command, so page script cannot name a path. */
export const DROP_CHANNEL = 'droppedFile';

/** The API the preload exposes as window.api, derived from the contract. */
export type Api = {
  [K in CommandName]: (...args: Parameters<Commands[K]>) => Promise<ReturnType<Commands[K]>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** A file or folder dropped on the window: its path (read by the preload from the File object, which
   *  page script cannot forge) granted by main for addFolder or searchImageFile; null for a File with
   *  no path on disk. */
  droppedFile(file: File): Promise<DroppedPath | null>;
  /** Starts an OS drag of the photo's file out of the window (to another app). */
  startDrag(photoId: number): void;
};

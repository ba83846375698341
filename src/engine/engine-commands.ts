// What the engine answers, as main sees it: the app contract's commands less those main answers
// itself, plus the few only main asks (paths it picked, files for its protocols, the GPU panel's stats).
import type { Commands, MAIN_COMMANDS } from '../shared/contract';
import type {
  DecoderCounts,
  EmbedderInfo,
  FolderStatus,
  ModelState,
  PipelineReport,
  SearchOptions,
  SearchPage,
} from '../shared/types';

/** Commands main answers itself (dialogs, the shell, the clipboard, the GPU poller). */
type MainOnlyCommand = (typeof MAIN_COMMANDS)[number];

export interface EngineStats {
  embedder: EmbedderInfo | null;
  batchSize: number | null;
  indexing: { imagesPerSecond: number; queued: number; etaSeconds: number | null } | null;
  pipeline: PipelineReport | null;
  decoders: DecoderCounts | null;
  /** nvJPEG photo decoding in one line: what runs it, or why it is off. */
  photoDecoder: string;
}

/** What only main asks of the engine. */
interface EngineExtras {
  /** addFolder with the path main's picker chose (or the user dropped). */
  addFolder(path: string): FolderStatus[];
  /** searchImageFile with the file the user dropped (main checks it was); checked again here. */
  searchImageFile(path: string, options: SearchOptions): SearchPage;
  setModelDir(dir: string): ModelState;
  /** importModelFolder with the folder main's picker chose. */
  importModel(dir: string): ModelState;
  /** For main's protocols: a thumbnail or image file of a catalog id, never a path from the renderer. */
  thumbnailFile(photoId: number): string | null;
  imageFile(photoId: number): { path: string; mime: string } | null;
  photoFile(photoId: number): string | null;
  engineStats(): EngineStats;
}

type Asyncify<T> = {
  [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => R | Promise<R> : never;
};

/** Commands the engine answers, each sync or async. */
export type EngineCommands = Asyncify<Omit<Commands, MainOnlyCommand> & EngineExtras>;
export type EngineCommandName = keyof EngineCommands;

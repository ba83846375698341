// The core's public surface: the engine, its types and errors, the model manager and settings. The
// app's engine service, the CLI and main (through ./host) reach the core only here (lint-enforced).
export * from './host';

// The engine: a library and a model behind one object.
export { createEngine, type DoctorReport, type Engine, type EngineOptions } from './engine';
export type { LibraryOps } from './library-ops';
export { canonicalFolder, FolderError, PhotoNotFoundError, ReadOnlyLibraryError } from './library-ops';
export { LibraryInUseError } from './catalog/lock';
export type { IndexOptions, IndexSummary } from './indexer/indexer';
export type { IndexProgress } from './indexer/progress';
export { describePipeline } from './indexer/stages/timings';
export { remakeThumbnail } from './indexer/remake-thumbnail';
export type { SearchOptions, SearchPage } from './search/search';
export { QueryError } from './search/query';
export type { CheckReport } from './maintenance/check';
export { DEFAULT_NEIGHBOURS, DEFAULT_THRESHOLD, type DuplicateReport } from './maintenance/duplicates';
export type { WatchEvent } from './watch/watcher';

// The GPU JPEG decoder: whether this machine can use it.
export { probeGpuDecoder } from './decode/gpu-addon';

// The model runtime's settings and errors.
export { parseProviders, type ProviderName } from './model/providers';
export { bundlePrecision, type ModelBundle } from './model/types';
export { BundleError } from './model/bundle';
export { TowerLoadError } from './model/tower';

// The model manager: the catalogue of downloadable models, downloads and installs.
export { ModelManager, type ModelOverview } from './models/manager';
export { CatalogueError, type Catalogue } from './models/catalogue';
export { ModelDownloadError } from './models/errors';
export type { PullProgress } from './models/progress';
export { formatBytes } from './models/disk';

// The model builder: a Glimpse bundle from a CLIP checkpoint (`glimpse model build`).
export { PRESETS, type Activation } from './models/build/architecture';
export type { BuildProgress } from './models/build/build-bundle';
export { buildChecked, type BuildInput } from './models/build/build-checked';
export { checkedOn, type SelfCheckReport } from './models/build/self-check';
export type { BuildDtype } from './models/build/tower-graph';

// Settings shared by the app and the CLI.
export { readSettings, readStoredSettings, writeSettings } from './settings';

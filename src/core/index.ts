// The core's public surface: the workspace, its types and errors, the model store and settings. The
// app's engine service, the CLI and main (through ./host) reach the core only here (lint-enforced).
export * from './host';

// The workspace: a library and a model behind one object.
export { createWorkspace, type DoctorReport, type Workspace, type WorkspaceOptions } from './workspace';
export type { LibraryOps } from './library-ops';
export { canonicalFolder } from './library-ops';
export {
  FolderError,
  PhotoNotEmbeddedError,
  PhotoNotFoundError,
  ReadOnlyLibraryError,
} from './library-errors';
export { ImageToSearchError } from './search/image-to-search';
export type { PhotoLookup } from './photo-lookup';
export { LibraryInUseError } from './catalog/lock';
export type { IndexOptions, IndexSummary } from './indexer/indexer';
export type { IndexProgress } from './indexer/progress';
export { describePipeline } from './indexer/stages/timings';
export { makePhotoSet } from './bench/photos';
export type { SearchOptions, SearchPage } from './search/search';
export { QueryError } from './search/query';
export type { CheckReport } from './maintenance/check';
export { DEFAULT_NEIGHBOURS, DEFAULT_THRESHOLD, type DuplicateReport } from './maintenance/duplicates';
export type { WatchEvent } from './watch/watcher';

// The GPU JPEG decoder: whether this machine can use it.
export { probeGpuDecoder } from './decode/gpu-addon';

// The model runtime's settings and errors.
export { parseProviders, type ProviderName } from './runtime/providers';
export { bundlePrecision, type ModelBundle } from './runtime/types';
export { BundleError } from './runtime/bundle';
export { TowerLoadError } from './runtime/tower';

// The model store: the model list (the models it can download), downloads and installs.
export { ModelStore, type ModelOverview } from './model-store/model-store';
export { ModelListError, type ModelList } from './model-store/model-list';
export { ModelDownloadError } from './model-store/errors';
export type { PullProgress } from './model-store/progress';
export { formatBytes } from './model-store/disk';

// The model builder: a Glimpse bundle from a CLIP checkpoint (`glimpse model build`).
export { PRESETS, type Activation } from './model-store/build/architecture';
export type { BuildProgress } from './model-store/build/build-bundle';
export { buildChecked, type BuildInput } from './model-store/build/build-checked';
export { checkedOn, type SelfCheckReport } from './model-store/build/self-check';
export type { BuildDtype } from './model-store/build/tower-graph';

// Settings shared by the app and the CLI.
export { readSettings, readStoredSettings, writeSettings } from './settings';

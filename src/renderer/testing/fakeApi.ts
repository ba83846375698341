// A fake window.api for component tests: every command answers from canned data (or an override), each
// call is recorded with its arguments, and tests push events as main would.
import { COMMAND_NAMES, type Api, type EventName, type Events } from '../../shared/contract';
import type {
  FolderStatus,
  ModelOverview,
  ModelPullJob,
  QueryTerm,
  SearchOptions,
  SearchPage,
} from '../../shared/types';
import * as data from './fixtures';

export interface FakeApi {
  api: Api;
  /** Arguments of every call to a command, oldest first. */
  calls(name: keyof Api): unknown[][];
  /** Delivers an event to the renderer's listeners, as main would. */
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  listeners(event: EventName): number;
}

export interface FakeOptions {
  /** Results every search has (the fake library's relevant set). */
  results?: number;
  overrides?: Partial<Api>;
  /** The library's folders at the start (default: two folders, 10,000 photos). */
  folders?: FolderStatus[];
  /** What listModels answers at the start; useModel, removeModel and finished downloads change it. */
  models?: ModelOverview;
}

/** Terms the way the engine reports them for "beach + sunset - people" and "2*dog": enough for a fake. */
function fakeTerms(query: string): QueryTerm[] {
  return ` + ${query.trim()}`
    .split(/\s+([+-])\s+/)
    .slice(1)
    .reduce<QueryTerm[]>((terms, part, i, parts) => {
      if (i % 2 === 1) return terms;
      const [, w, text] = /^(?:(\d+(?:\.\d+)?)\s*\*\s*)?(.*)$/.exec(parts[i + 1] ?? '')!;
      terms.push({ text: text!, weight: (part === '-' ? -1 : 1) * Number(w ?? 1) });
      return terms;
    }, []);
}

function createFakeApi({
  results = 1000,
  overrides = {},
  folders: startFolders = data.twoFolders,
  models: startModels,
}: FakeOptions = {}): FakeApi {
  const recorded = new Map<string, unknown[][]>();
  const handlers = new Map<EventName, Set<(payload: never) => void>>();
  let settings = data.settings;
  let folders = startFolders;
  let models = startModels ?? data.modelOverview(true);
  let pull: ModelPullJob = data.idlePull;
  const row = (id: string) => {
    const found = models.models.find((m) => m.id === id);
    if (!found) throw { code: 'UNKNOWN_MODEL', message: `${id} is not in the model list` };
    return found;
  };

  const page = (options: SearchOptions, terms: QueryTerm[]): SearchPage => {
    const offset = options.offset ?? 0;
    const limit = options.limit ?? 50;
    const count = Math.max(0, Math.min(limit, results - offset));
    return {
      hits: Array.from({ length: count }, (_, i) => data.hit(offset + i)),
      total: results,
      offset,
      limit,
      cutoffScore: null,
      elapsedMs: 4.2,
      terms,
    };
  };

  const base: Api = {
    getAppInfo: async () => data.appInfo,
    getModelState: async () => data.modelOk,
    chooseModelFolder: async () => data.modelOk,
    searchText: async (query, options) => page(options, fakeTerms(query)),
    searchSimilar: async (_id, options) => page(options, []),
    searchImageFile: async (_path, options) => page(options, []),
    getPhoto: async (id) => ({
      ...data.hit(id - 1000),
      folder: '/photos/2023',
      status: 'indexed',
      error: null,
    }),
    getLibraryStatus: async () => data.libraryStatus(folders),
    addFolder: async (path) => {
      folders = [...folders, data.folder(folders.length + 1, path ?? '/photos/picked', 0, 0)];
      return folders;
    },
    removeFolder: async (path) => {
      folders = folders.filter((f) => f.path !== path);
      return folders;
    },
    startIndexing: async () => ({ ...data.idleJob, state: 'running' }),
    cancelIndexing: async () => ({ ...data.idleJob, state: 'cancelling' }),
    getIndexJob: async () => data.idleJob,
    listFailures: async () => [
      {
        path: '/photos/2023/broken.jpg',
        code: 'DECODE_FAILED',
        reason: 'Input buffer contains unsupported image format',
      },
      { path: '/photos/2023/empty.png', code: 'EMPTY_FILE', reason: 'the file is empty' },
      { path: '/photos/2023/huge.tif', code: 'TOO_LARGE', reason: 'over 200 megapixels' },
    ],
    getSettings: async () => settings,
    getNotices: async () => [],
    updateSettings: async (patch) => (settings = { ...settings, ...patch }),
    clearThumbnailCache: async () => ({ ...data.libraryStatus(folders), thumbnails: { files: 0, bytes: 0 } }),
    getGpuPanel: async () => data.h100Panel(),
    listModels: async () => models,
    // The download itself is the test's to play, with emit('modelPull', …).
    pullModel: async (id) => {
      row(id);
      return (pull = { ...pull, state: 'running', id, progress: null, error: null });
    },
    cancelModelPull: async () => (pull = pull.state === 'running' ? { ...pull, state: 'cancelling' } : pull),
    getModelPullJob: async () => pull,
    useModel: async (id) => {
      const chosen = row(id);
      if (!chosen.installed) throw { code: 'UNKNOWN_MODEL', message: `${id} is not installed` };
      models = {
        ...models,
        active: { dir: chosen.dir!, id, present: true },
        models: models.models.map((m) => ({ ...m, active: m.id === id })),
      };
      return data.modelStateOf(chosen);
    },
    importModelFolder: async () => data.modelOk,
    removeModel: async (id) => {
      if (row(id).active) throw { code: 'BUSY', message: `${id} is the active model` };
      models = {
        ...models,
        models: models.models.flatMap((m) =>
          m.id !== id ? [m] : m.inModelList ? [{ ...m, installed: false, valid: false, dir: null }] : [],
        ),
      };
      return models;
    },
    getEngineState: async () => ({ state: 'ready', message: null }),
    openPhoto: async () => {},
    showPhotoInFolder: async () => {},
    copyPhotoPath: async () => {},
    on: (event, listener) => {
      const set = handlers.get(event) ?? new Set();
      handlers.set(event, set);
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    // Main says what a dropped path is; here a name with an extension is a file, else a folder.
    droppedFile: async (file) => ({
      path: `/drops/${file.name}`,
      kind: /\.\w+$/.test(file.name) ? 'file' : 'folder',
    }),
    startDrag: () => {},
  };

  const impl = { ...base, ...overrides } as Record<string, (...args: unknown[]) => unknown>;
  const api = {} as Record<string, unknown>;
  for (const name of [...COMMAND_NAMES, 'droppedFile', 'startDrag', 'on']) {
    api[name] = (...args: unknown[]) => {
      recorded.set(name, [...(recorded.get(name) ?? []), args]);
      return impl[name]!(...args);
    };
  }
  return {
    api: api as unknown as Api,
    calls: (name) => recorded.get(name) ?? [],
    emit: (event, payload) => {
      // The engine's own bookkeeping, so later calls answer as it would.
      if (event === 'modelPull') {
        pull = payload as ModelPullJob;
        if (pull.state === 'idle' && !pull.error && pull.installed === pull.id)
          models = {
            ...models,
            models: models.models.map((m) => (m.id === pull.id ? data.installed(m, m.active) : m)),
          };
      }
      handlers.get(event)?.forEach((fn) => (fn as (p: typeof payload) => void)(payload));
    },
    listeners: (event) => handlers.get(event)?.size ?? 0,
  };
}

/** Installs a fake as window.api (removed again after each test by setup.ts). */
export function installFakeApi(options?: FakeOptions): FakeApi {
  const fake = createFakeApi(options);
  window.api = fake.api;
  return fake;
}

/** A promise the test resolves when it chooses: for responses that arrive out of order. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

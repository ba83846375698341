// Argument schemas for every command of the contract (zod): main validates each call with these before
// it reaches the engine. Kept apart from contract.ts so the sandboxed preload does not load zod.
import { z } from 'zod';
import type { CommandName, Commands } from './contract';

const id = z.number().int().positive();
const text = z.string().min(1).max(10_000);
const path = z.string().min(1).max(4096);
/** Listed and installed model ids: folder names under models/, never a path. */
const modelId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a model id (letters, digits, . _ -)');

const searchOptionsSchema = z
  .object({
    filters: z
      .object({
        folders: z.array(path).max(1000).optional(),
        from: z.number().finite().optional(),
        to: z.number().finite().optional(),
        formats: z.array(z.string().min(1).max(16)).max(20).optional(),
        minWidth: z.number().int().nonnegative().optional(),
        minHeight: z.number().int().nonnegative().optional(),
      })
      .strict()
      .optional(),
    sort: z.enum(['relevance', 'date']).optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
    offset: z.number().int().min(0).max(10_000).optional(),
    cutoff: z.union([z.enum(['none', 'adaptive']), z.number().min(-1).max(1)]).optional(),
  })
  .strict();

const settingsPatch = z
  .object({
    providers: z
      .array(z.enum(['cuda', 'dml', 'coreml', 'webgpu', 'cpu']))
      .min(1)
      .max(5)
      .optional(),
    batchSize: z.number().int().min(1).max(4096).nullable().optional(),
    excludePatterns: z.array(z.string().min(1).max(500)).max(200).optional(),
    theme: z.enum(['system', 'light', 'dark']).optional(),
    // No modelDir: the window never names the model folder (main's picker and the model store do).
  })
  .strict();

/** Argument schemas, one per command: main validates every call with these before acting on it. */
export const commandArgs = {
  getAppInfo: z.tuple([]),
  getModelState: z.tuple([]),
  chooseModelFolder: z.tuple([]),
  searchText: z.tuple([text, searchOptionsSchema]),
  searchSimilar: z.tuple([id, searchOptionsSchema]),
  searchImageFile: z.tuple([path, searchOptionsSchema]),
  getPhoto: z.tuple([id]),
  getLibraryStatus: z.tuple([]),
  addFolder: z.tuple([path.optional()]),
  removeFolder: z.tuple([path]),
  startIndexing: z.tuple([z.array(path).max(1000)]),
  cancelIndexing: z.tuple([]),
  getIndexJob: z.tuple([]),
  listFailures: z.tuple([z.number().int().min(1).max(100_000)]),
  getSettings: z.tuple([]),
  getNotices: z.tuple([]),
  updateSettings: z.tuple([settingsPatch]),
  clearThumbnailCache: z.tuple([]),
  getGpuPanel: z.tuple([]),
  listModels: z.tuple([]),
  pullModel: z.tuple([modelId]),
  cancelModelPull: z.tuple([]),
  getModelPullJob: z.tuple([]),
  useModel: z.tuple([modelId]),
  importModelFolder: z.tuple([]),
  removeModel: z.tuple([modelId]),
  getEngineState: z.tuple([]),
  openPhoto: z.tuple([id]),
  showPhotoInFolder: z.tuple([id]),
  copyPhotoPath: z.tuple([id]),
} as const satisfies Record<CommandName, z.ZodType>;

/** Validates a command's arguments; throws a readable error naming the command and the field. */
export function parseArgs<K extends CommandName>(name: K, args: unknown[]): Parameters<Commands[K]> {
  const schema = commandArgs[name] as unknown as z.ZodType<Parameters<Commands[K]>>;
  const result = schema.safeParse(args);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw Object.assign(new Error(`${name}: argument ${issue.path.join('.') || '(all)'}: ${issue.message}`), {
    code: 'BAD_ARGUMENTS',
  });
}

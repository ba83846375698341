// The model list: the models Glimpse knows how to fetch (resources/models.json), validated on load so that
// a bad entry fails naming the file and the field; adding a model is an edit to that file, not to code.
import { z } from 'zod';
import builtIn from '../../../resources/models.json';

const MODEL_LIST_FORMAT = 'glimpse-model-list';
/** The format's name before it was called the model list: files written then still carry it. */
const LEGACY_MODEL_LIST_FORMAT = 'glimpse-model-catalogue';
const MODEL_LIST_FORMAT_VERSION = 1;
/** Where the built-in model list lives in the repository, for messages. */
const BUILT_IN_MODEL_LIST = 'resources/models.json';

/** Same rule as a bundle id in model.json: it names a folder and is stored with every vector. */
export const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const modelId = z
  .string()
  .regex(MODEL_ID_PATTERN, 'letters, digits, ".", "_" and "-", at most 128 characters');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 as 64 lower-case hex digits');
/** A path inside the bundle: relative, "/"-separated, never climbing out. */
const relativePath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').some((s) => s === '..' || s === ''),
    {
      message: 'a relative path inside the bundle, "/"-separated, without ".." or empty segments',
    },
  );
const speedClass = z.enum(['fast', 'medium', 'slow', 'very-slow']);

const fileSpec = z.object({
  path: relativePath,
  /** Bytes, when pinned; otherwise learned from the server before downloading. */
  size: z.number().int().nonnegative().optional(),
  sha256: sha256.optional(),
});
export type FileSpec = z.infer<typeof fileSpec>;

const sourceSpec = z.object({
  /** Files are fetched from baseUrl + path. A Hugging Face URL (…/<org>/<repo>/resolve/<revision>/) also
   *  lets the file list, sizes and SHA-256s be read from the Hub's API at pull time. */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** The files to fetch. Required for a plain web server; for a Hugging Face source it narrows the
   *  repository to these paths (sizes and hashes come from the API when not pinned here). */
  files: z.array(fileSpec).min(1).optional(),
  /** Hugging Face sources only: glob patterns (picomatch) choosing files from the repository tree. */
  include: z.array(z.string().min(1)).min(1).optional(),
  exclude: z.array(z.string().min(1)).optional(),
});
export type SourceSpec = z.infer<typeof sourceSpec>;

/** A model published as a training checkpoint: Glimpse downloads it and builds the bundle itself. */
const buildSpec = z.object({
  /** The .safetensors file among the source's files. */
  checkpoint: relativePath.refine((p) => p.endsWith('.safetensors'), { message: 'a .safetensors file' }),
  dtype: z.enum(['float16', 'float32']),
  /** The tensors cannot tell GELU from OpenAI's QuickGELU, so the model list says which. */
  activation: z.enum(['gelu', 'quick_gelu']),
});
export type BuildSpec = z.infer<typeof buildSpec>;

const entrySchema = z.object({
  id: modelId,
  name: z.string().min(1),
  description: z.string().min(1),
  layout: z.enum(['glimpse', 'immich']),
  precision: z.enum(['fp16', 'fp32']),
  embedDim: z.number().int().positive(),
  imageSize: z.number().int().positive(),
  /** Approximate download in bytes, for people deciding; the download itself uses exact sizes. */
  sizeBytes: z.number().int().positive(),
  speed: z.object({ gpu: speedClass, cpu: speedClass }),
  hardware: z.object({
    /** Recommended only where a GPU with minGpuMemoryMiB is present (it runs on a CPU, slowly). */
    needsGpu: z.boolean(),
    minGpuMemoryMiB: z.number().int().positive().optional(),
    summary: z.string().min(1),
  }),
  source: sourceSpec,
  /** Set when the source holds a checkpoint to build from rather than a ready bundle. */
  build: buildSpec.optional(),
  /** false while the source is where the model will be published, not where it is (default true). */
  published: z.boolean().optional(),
});
export type ModelListEntry = z.infer<typeof entrySchema>;

const modelListSchema = z
  .object({
    format: z.enum([MODEL_LIST_FORMAT, LEGACY_MODEL_LIST_FORMAT]),
    formatVersion: z.literal(MODEL_LIST_FORMAT_VERSION),
    /** First entry whose hardware this machine has wins; the last must suit any machine. */
    recommendOrder: z.array(modelId).min(1),
    models: z.array(entrySchema).min(1),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.models.forEach((m, i) => {
      if (seen.has(m.id.toLowerCase()))
        ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `"${m.id}" appears twice` });
      seen.add(m.id.toLowerCase());
      if (m.hardware.needsGpu && m.hardware.minGpuMemoryMiB === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['models', i, 'hardware', 'minGpuMemoryMiB'],
          message: 'needed when needsGpu is true',
        });
    });
    c.recommendOrder.forEach((id, i) => {
      if (!c.models.some((m) => m.id === id))
        ctx.addIssue({ code: 'custom', path: ['recommendOrder', i], message: `no model "${id}" in models` });
    });
    const last = c.models.find((m) => m.id === c.recommendOrder[c.recommendOrder.length - 1]);
    if (last?.hardware.needsGpu)
      ctx.addIssue({
        code: 'custom',
        path: ['recommendOrder', c.recommendOrder.length - 1],
        message: 'the last model must not need a GPU, so that every machine gets a recommendation',
      });
  });
export type ModelList = z.infer<typeof modelListSchema>;

/** The model list is unusable: `file` names it, `field` the JSON path of the first problem. */
export class ModelListError extends Error {
  readonly code = 'MODEL_LIST_INVALID';
  constructor(
    readonly file: string,
    readonly field: string | null,
    problem: string,
  ) {
    super(`${file}${field ? ` (${field})` : ''}: ${problem}`);
    this.name = 'ModelListError';
  }
}

/** Validates model-list data; `file` is what errors call it. */
export function parseModelList(data: unknown, file: string): ModelList {
  const result = modelListSchema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new ModelListError(file, issue.path.length ? issue.path.join('.') : null, issue.message);
}

let cached: ModelList | null = null;

/** The model list shipped with Glimpse (bundled into the build, so it needs no file at run time). */
export function builtInModelList(): ModelList {
  return (cached ??= parseModelList(builtIn, BUILT_IN_MODEL_LIST));
}

export function findEntry(modelList: ModelList, id: string): ModelListEntry | undefined {
  return (
    modelList.models.find((m) => m.id === id) ??
    modelList.models.find((m) => m.id.toLowerCase() === id.toLowerCase())
  );
}

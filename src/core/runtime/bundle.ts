// Reads a CLIP model bundle from disk (Glimpse's model.json, or Immich's config.json layout) into a
// ModelBundle, checking every file and field so that a broken bundle fails with an error naming both.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { CLIP_CONTEXT_LENGTH, type ModelBundle, type PreprocessSpec } from './types';

export const BUNDLE_FORMAT = 'glimpse-clip-bundle';
export const BUNDLE_FORMAT_VERSION = 1;

/** A bundle that cannot be used: `file` is the file at fault, `field` the JSON path within it. */
export class BundleError extends Error {
  readonly code = 'BUNDLE_INVALID';
  constructor(
    readonly file: string,
    readonly field: string | null,
    problem: string,
  ) {
    super(`${file}${field ? ` (${field})` : ''}: ${problem}`);
    this.name = 'BundleError';
  }
}

const rgb = z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]);
const positiveStd = z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]);
const interpolation = z.enum(['bicubic', 'bilinear', 'nearest', 'lanczos3']);
const tower = {
  file: z.string().min(1),
  input: z.string().min(1),
  output: z.string().min(1),
  dtype: z.enum(['float32', 'float16']),
  dynamicBatch: z.boolean(),
};

const glimpseSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, ".", "_" and "-", at most 128 characters'),
  name: z.string().min(1),
  embedDim: z.number().int().positive().max(16384),
  image: z.object({
    size: z.number().int().min(8).max(4096),
    mean: rgb,
    std: positiveStd,
    resize: z.enum(['shortest-crop', 'squash']),
    interpolation,
  }),
  text: z.object({
    contextLength: z.number().int().min(2).max(1024),
    tokenizer: z.string().min(1),
  }),
  visual: z.object(tower),
  textual: z.object({ ...tower, idsDtype: z.enum(['int64', 'int32']) }),
});

/** open_clip's model config as Immich saves it beside visual/ and textual/. */
const immichConfigSchema = z.object({
  embed_dim: z.number().int().positive(),
  vision_cfg: z.object({
    image_size: z.union([z.number().int().positive(), z.tuple([z.number(), z.number()])]),
  }),
  text_cfg: z.object({ context_length: z.number().int().positive().optional() }).optional(),
});
const immichPreprocessSchema = z.object({
  size: z.union([z.number().int().positive(), z.array(z.number().int().positive()).min(1)]),
  mean: rgb,
  std: positiveStd,
  interpolation: z.string().optional(),
  resize_mode: z.enum(['shortest', 'squash']).optional(),
});

function readJson(file: string): unknown {
  if (!existsSync(file)) throw new BundleError(file, null, 'file is missing');
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BundleError(file, null, `not valid JSON (${(e as Error).message})`);
  }
}

function parse<T>(schema: z.ZodType<T>, file: string, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : null;
  throw new BundleError(file, field, issue.message);
}

function requireFile(bundleFile: string, field: string, dir: string, name: string): string {
  const path = resolve(dir, name);
  if (!path.startsWith(resolve(dir)))
    throw new BundleError(bundleFile, field, `"${name}" points outside the bundle`);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new BundleError(bundleFile, field, `names "${name}", which does not exist in ${dir}`);
  }
  return path;
}

function loadGlimpse(dir: string): ModelBundle {
  const file = join(dir, 'model.json');
  const m = parse(glimpseSchema, file, readJson(file));
  return {
    dir,
    id: m.id,
    name: m.name,
    layout: 'glimpse',
    embedDim: m.embedDim,
    contextLength: m.text.contextLength,
    preprocess: {
      imageSize: m.image.size,
      mean: m.image.mean,
      std: m.image.std,
      resize: m.image.resize,
      interpolation: m.image.interpolation,
    },
    visual: { ...m.visual, file: requireFile(file, 'visual.file', dir, m.visual.file) },
    textual: { ...m.textual, file: requireFile(file, 'textual.file', dir, m.textual.file) },
    tokenizer: requireFile(file, 'text.tokenizer', dir, m.text.tokenizer),
  };
}

/** Immich publishes FP32 graphs with the batch fixed at 1, inputs `image` / `text` (int32), output
 *  `embedding` (already normalised; normalising again is harmless). */
function loadImmich(dir: string): ModelBundle {
  const configFile = join(dir, 'config.json');
  const config = parse(immichConfigSchema, configFile, readJson(configFile));
  const prepFile = join(dir, 'visual', 'preprocess_cfg.json');
  const prep = parse(immichPreprocessSchema, prepFile, readJson(prepFile));
  const size = Array.isArray(prep.size) ? prep.size[0]! : prep.size;
  const interp = (prep.interpolation ?? 'bicubic').toLowerCase();
  const interpolationParsed = interpolation.safeParse(interp === 'lanczos' ? 'lanczos3' : interp);
  if (!interpolationParsed.success) {
    throw new BundleError(prepFile, 'interpolation', `unsupported interpolation "${prep.interpolation}"`);
  }
  const preprocess: PreprocessSpec = {
    imageSize: size,
    mean: prep.mean,
    std: prep.std,
    resize: prep.resize_mode === 'squash' ? 'squash' : 'shortest-crop',
    interpolation: interpolationParsed.data,
  };
  const visualDir = join(dir, 'visual');
  const textualDir = join(dir, 'textual');
  return {
    dir,
    id: `immich-${basename(dir).replace(/[^A-Za-z0-9._-]/g, '_')}`.slice(0, 128),
    name: `${basename(dir)} (Immich export)`,
    layout: 'immich',
    embedDim: config.embed_dim,
    contextLength: config.text_cfg?.context_length ?? CLIP_CONTEXT_LENGTH,
    preprocess,
    visual: {
      file: requireFile(configFile, 'visual/model.onnx', visualDir, 'model.onnx'),
      input: 'image',
      output: 'embedding',
      dtype: 'float32',
      dynamicBatch: false,
    },
    textual: {
      file: requireFile(configFile, 'textual/model.onnx', textualDir, 'model.onnx'),
      input: 'text',
      output: 'embedding',
      dtype: 'float32',
      dynamicBatch: false,
      idsDtype: 'int32',
    },
    tokenizer: requireFile(configFile, 'textual/tokenizer.json', textualDir, 'tokenizer.json'),
  };
}

/** Loads the bundle in `dir`: model.json when present, else Immich's layout. */
export function loadBundle(dirArg: string): ModelBundle {
  const dir = resolve(dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new BundleError(dir, null, 'is not a folder (a model bundle is a folder with model.json)');
  }
  if (existsSync(join(dir, 'model.json'))) return loadGlimpse(dir);
  if (existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'visual'))) return loadImmich(dir);
  throw new BundleError(
    dir,
    null,
    'has neither model.json (Glimpse bundle) nor config.json + visual/ + textual/ (Immich layout)',
  );
}

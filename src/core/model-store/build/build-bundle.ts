// Builds a complete Glimpse bundle (visual.onnx, textual.onnx, their weights, tokenizer.json, model.json)
// from a safetensors checkpoint, or from seeded random weights in a preset architecture (the twins).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION } from '../../runtime/bundle';
import { writeClipTokenizerJson } from '../../runtime/clip-tokenizer-json';
import { CLIP_EOT, VIT_H_14_PREPROCESS } from '../../runtime/types';
import {
  describeArchitecture,
  inferArchitecture,
  parameterCount,
  PRESETS,
  type Activation,
  type ClipArchitecture,
} from './architecture';
import { CheckpointError, SafetensorsFile } from './safetensors';
import { CheckpointSource, RandomSource, type WeightSource } from './source';
import { TOWER_IO, writeTower, type BuildDtype } from './tower-graph';
import { checkTensorNames } from './weights';

export interface BuildProgress {
  phase: 'visual' | 'text' | 'tokenizer' | 'done';
  bytesDone: number;
  bytesTotal: number;
}

interface BuildOptions {
  /** Folder to write into; created if absent, must be empty if present. */
  out: string;
  dtype: BuildDtype;
  /** model.json's id (what vectors are stored under) and display name. */
  id?: string;
  name?: string;
  onProgress?: (p: BuildProgress) => void;
}

interface CheckpointBuildOptions extends BuildOptions {
  /** The activation; when absent, read from an open_clip_config.json / config.json beside the checkpoint,
   *  else GELU (OpenCLIP's LAION models; OpenAI's checkpoints need quick_gelu). */
  activation?: Activation;
  /** Width per attention head (64 for every open_clip ViT); tests' tiny checkpoints use others. */
  headDim?: number;
}

export interface BuildResult {
  dir: string;
  id: string;
  arch: ClipArchitecture;
  summary: string;
  /** Where the activation came from, for the user: "--activation", "config.json", "default". */
  activationFrom: string;
  bytesWritten: number;
  seconds: number;
}

const CLIP_VOCAB_SIZE = CLIP_EOT + 1;

interface ConfigHints {
  activation?: Activation;
  visionHeadWidth?: number;
  textHeads?: number;
  /** The file they came from. */
  from: string;
}

/** What the config files beside a checkpoint say that its shapes cannot: the activation and head counts.
 *  open_clip_config.json (open_clip's model_cfg) or transformers' config.json. */
function configHints(checkpoint: string): ConfigHints | null {
  const dir = dirname(checkpoint);
  const read = (name: string): Record<string, unknown> | null => {
    try {
      return JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
    } catch {
      return null;
    }
  };
  const oc = read('open_clip_config.json') as {
    model_cfg?: { quick_gelu?: boolean; vision_cfg?: { head_width?: number }; text_cfg?: { heads?: number } };
  } | null;
  if (oc?.model_cfg) {
    const m = oc.model_cfg;
    return {
      activation: m.quick_gelu ? 'quick_gelu' : 'gelu',
      visionHeadWidth: m.vision_cfg?.head_width,
      textHeads: m.text_cfg?.heads,
      from: 'open_clip_config.json',
    };
  }
  type HfTower = { hidden_act?: string; num_attention_heads?: number; hidden_size?: number };
  const hf = read('config.json') as { vision_config?: HfTower; text_config?: HfTower } | null;
  if (!hf?.vision_config) return null;
  const v = hf.vision_config;
  const act = v.hidden_act;
  return {
    activation: act === 'gelu' || act === 'quick_gelu' ? act : undefined,
    visionHeadWidth:
      v.hidden_size && v.num_attention_heads ? v.hidden_size / v.num_attention_heads : undefined,
    textHeads: hf.text_config?.num_attention_heads,
    from: 'config.json',
  };
}

async function prepareOut(out: string): Promise<void> {
  if (existsSync(out) && readdirSync(out).length > 0)
    throw new Error(`${out} is not empty: the bundle is written into an empty or new folder`);
  await mkdir(out, { recursive: true });
}

const slug = (s: string) =>
  s
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 100) || 'clip';

async function writeBundle(
  source: WeightSource,
  opts: BuildOptions & { id: string; name: string; activationFrom: string },
): Promise<BuildResult> {
  const started = performance.now();
  const arch = source.arch;
  if (arch.text.vocabSize !== CLIP_VOCAB_SIZE)
    throw new Error(
      `the text tower has a ${arch.text.vocabSize}-token vocabulary; Glimpse's CLIP tokenizer needs ${CLIP_VOCAB_SIZE}`,
    );
  await prepareOut(opts.out);
  const params = parameterCount(arch);
  const bytesTotal = (params.vision + params.text) * (opts.dtype === 'float16' ? 2 : 4);
  let bytesDone = 0;
  const progress = (phase: BuildProgress['phase']) => opts.onProgress?.({ phase, bytesDone, bytesTotal });
  const onWeight = (phase: 'visual' | 'text') => (bytes: number) => {
    bytesDone += bytes;
    progress(phase);
  };
  progress('visual');
  let written = await writeTower({
    kind: 'visual',
    arch,
    dtype: opts.dtype,
    source,
    onnxPath: join(opts.out, 'visual.onnx'),
    onWeight: onWeight('visual'),
  });
  progress('text');
  written += await writeTower({
    kind: 'text',
    arch,
    dtype: opts.dtype,
    source,
    onnxPath: join(opts.out, 'textual.onnx'),
    onWeight: onWeight('text'),
  });
  progress('tokenizer');
  writeClipTokenizerJson(join(opts.out, 'tokenizer.json'));
  const { mean, std, resize, interpolation } = VIT_H_14_PREPROCESS;
  const tower = (kind: 'visual' | 'text', file: string) => ({
    file,
    input: TOWER_IO[kind].input,
    output: TOWER_IO[kind].output,
    dtype: opts.dtype,
    dynamicBatch: true,
  });
  const manifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    id: opts.id,
    name: opts.name,
    embedDim: arch.embedDim,
    image: { size: arch.vision.imageSize, mean, std, resize, interpolation },
    text: { contextLength: arch.text.contextLength, tokenizer: 'tokenizer.json' },
    visual: tower('visual', 'visual.onnx'),
    textual: { ...tower('text', 'textual.onnx'), idsDtype: 'int64' },
    builtBy: { tool: 'glimpse model build', architecture: arch },
  };
  // model.json last: a folder without it is not a bundle, so an interrupted build is never mistaken for one.
  await writeFile(join(opts.out, 'model.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  progress('done');
  return {
    dir: opts.out,
    id: opts.id,
    arch,
    summary: describeArchitecture(arch),
    activationFrom: opts.activationFrom,
    bytesWritten: written,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Opens a checkpoint and reads its architecture, failing on tensors this design does not have. */
export async function openCheckpoint(
  checkpoint: string,
  opts: Pick<CheckpointBuildOptions, 'activation' | 'headDim'> = {},
): Promise<{ source: CheckpointSource; activationFrom: string }> {
  const hints = configHints(checkpoint);
  const stated = opts.activation
    ? { activation: opts.activation, from: '--activation' }
    : hints?.activation
      ? { activation: hints.activation, from: hints.from }
      : { activation: 'gelu' as const, from: 'default' };
  const file = await SafetensorsFile.open(checkpoint);
  try {
    const shapes = new Map([...file.tensors].map(([k, v]) => [k, v.shape]));
    const { arch, naming } = inferArchitecture(checkpoint, shapes, {
      activation: stated.activation,
      headDim: opts.headDim,
      visionHeadWidth: hints?.visionHeadWidth,
      textHeads: hints?.textHeads,
    });
    checkTensorNames(checkpoint, new Set(shapes.keys()), arch, naming);
    return { source: new CheckpointSource(file, arch, naming), activationFrom: stated.from };
  } catch (e) {
    await file.close();
    throw e;
  }
}

export async function buildFromCheckpoint(
  checkpoint: string,
  opts: CheckpointBuildOptions,
): Promise<BuildResult> {
  if (!checkpoint.endsWith('.safetensors'))
    throw new CheckpointError(checkpoint, 'expected a .safetensors checkpoint (open_clip or transformers)');
  const { source, activationFrom } = await openCheckpoint(checkpoint, opts);
  try {
    const short = opts.dtype === 'float16' ? 'fp16' : 'fp32';
    const stem = slug(basename(checkpoint, '.safetensors'));
    return await writeBundle(source, {
      ...opts,
      id: opts.id ?? `${stem}-${short}`,
      name: opts.name ?? `${stem} (built by Glimpse, ${opts.dtype})`,
      activationFrom,
    });
  } finally {
    await source.close();
  }
}

/** A bundle of `preset`'s architecture with seeded random weights: the same graphs as a real build. */
export async function buildRandom(
  preset: string,
  opts: BuildOptions & { seed?: number },
): Promise<BuildResult> {
  const arch = PRESETS[preset];
  if (!arch) throw new Error(`unknown architecture "${preset}" (known: ${Object.keys(PRESETS).join(', ')})`);
  const short = opts.dtype === 'float16' ? 'fp16' : 'fp32';
  return writeBundle(new RandomSource(arch, opts.seed ?? 0), {
    ...opts,
    id: opts.id ?? `random-${preset}-${short}`,
    name: opts.name ?? `Random-weight ${preset} (${opts.dtype}, for benchmarks only)`,
    activationFrom: 'preset',
  });
}

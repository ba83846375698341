// The shape of a CLIP ViT (widths, depths, patch and image size, context, vocabulary), read from a
// checkpoint's tensor shapes in open_clip's or transformers' naming, plus the presets the random twins use.
import { CheckpointError } from './safetensors';

/** 'gelu' is the exact erf form (OpenCLIP's LAION models); 'quick_gelu' is OpenAI's x·sigmoid(1.702x).
 *  The tensors cannot tell them apart, so the caller says which (see activationFor in build-bundle.ts). */
export type Activation = 'gelu' | 'quick_gelu';
export type Naming = 'open_clip' | 'transformers';

export interface TowerArch {
  width: number;
  layers: number;
  heads: number;
  mlpDim: number;
}
interface VisionArch extends TowerArch {
  imageSize: number;
  patchSize: number;
}
interface TextArch extends TowerArch {
  contextLength: number;
  vocabSize: number;
}
export interface ClipArchitecture {
  embedDim: number;
  vision: VisionArch;
  text: TextArch;
  activation: Activation;
  layerNormEps: number;
}

/** open_clip's default head width; its larger image towers set their own (visionHeadWidth). */
const HEAD_DIM = 64;
/** Image-tower head widths of open_clip's configs that differ from 64, by tower width: ViT-H (1280 wide,
 *  16 heads of 80), ViT-g (1408, 16 × 88), ViT-bigG (1664, 16 × 104). Shapes cannot tell heads apart, so
 *  these come from open_clip's model configs (an open_clip_config.json beside the checkpoint wins). */
const VISION_HEAD_WIDTHS: Record<number, number> = { 1280: 80, 1408: 88, 1664: 104 };

function visionHeadWidth(width: number): number {
  return VISION_HEAD_WIDTHS[width] ?? HEAD_DIM;
}
const LAYER_NORM_EPS = 1e-5;

export const visionTokens = (v: VisionArch): number => (v.imageSize / v.patchSize) ** 2 + 1;

export function parameterCount(arch: ClipArchitecture): { vision: number; text: number } {
  const block = (t: TowerArch) => 4 * t.width * t.width + 2 * t.width * t.mlpDim + 9 * t.width + t.mlpDim;
  const v = arch.vision;
  const t = arch.text;
  return {
    vision:
      3 * v.patchSize ** 2 * v.width +
      (visionTokens(v) + 1) * v.width +
      4 * v.width +
      v.layers * block(v) +
      v.width * arch.embedDim,
    text:
      (t.vocabSize + t.contextLength) * t.width + 2 * t.width + t.layers * block(t) + t.width * arch.embedDim,
  };
}

function tower(width: number, layers: number): TowerArch {
  return { width, layers, heads: width / HEAD_DIM, mlpDim: 4 * width };
}

/** Architectures the random twins are made in (the model list's ViTs, and a tiny one for tests). */
export const PRESETS: Record<string, ClipArchitecture> = {
  'vit-b-32': {
    embedDim: 512,
    vision: { ...tower(768, 12), imageSize: 224, patchSize: 32 },
    text: { ...tower(512, 12), heads: 8, contextLength: 77, vocabSize: 49408 },
    activation: 'quick_gelu',
    layerNormEps: LAYER_NORM_EPS,
  },
  'vit-l-14': {
    embedDim: 768,
    vision: { ...tower(1024, 24), imageSize: 224, patchSize: 14 },
    text: { ...tower(768, 12), contextLength: 77, vocabSize: 49408 },
    activation: 'quick_gelu',
    layerNormEps: LAYER_NORM_EPS,
  },
  'vit-h-14': {
    embedDim: 1024,
    vision: { ...tower(1280, 32), heads: 16, imageSize: 224, patchSize: 14 },
    text: { ...tower(1024, 24), contextLength: 77, vocabSize: 49408 },
    activation: 'gelu',
    layerNormEps: LAYER_NORM_EPS,
  },
  tiny: {
    embedDim: 64,
    vision: { ...tower(128, 2), imageSize: 224, patchSize: 32 },
    text: { ...tower(128, 2), contextLength: 77, vocabSize: 49408 },
    activation: 'gelu',
    layerNormEps: LAYER_NORM_EPS,
  },
};

/** Which naming a checkpoint uses, told by one tensor each naming always has. */
function detectNaming(file: string, names: Iterable<string>): Naming {
  const set = new Set(names);
  if (set.has('visual.conv1.weight')) return 'open_clip';
  if (set.has('vision_model.embeddings.patch_embedding.weight')) return 'transformers';
  const some = [...set].slice(0, 5).join(', ');
  throw new CheckpointError(
    file,
    `not a CLIP ViT checkpoint in open_clip naming (visual.conv1.weight, …) or transformers naming ` +
      `(vision_model.embeddings.patch_embedding.weight, …); its tensors start ${some || '(none)'}`,
  );
}

function countLayers(names: Iterable<string>, prefix: string): number {
  const seen = new Set<number>();
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.`);
  for (const n of names) {
    const m = re.exec(n);
    if (m) seen.add(Number(m[1]));
  }
  for (let i = 0; i < seen.size; i++)
    if (!seen.has(i)) throw new Error(`layer ${i} of ${prefix} is missing (layers ${[...seen].sort()})`);
  return seen.size;
}

interface InferOptions {
  activation: Activation;
  /** Width per attention head in both towers (tests' tiny checkpoints); default: open_clip's rules. */
  headDim?: number;
  /** Head width of the image tower, from a config beside the checkpoint (open_clip's vision_cfg.head_width). */
  visionHeadWidth?: number;
  /** Head count of the text tower, from a config (open_clip's text_cfg.heads). */
  textHeads?: number;
}

/** The architecture from tensor shapes: every size below is read, none assumed. */
export function inferArchitecture(
  file: string,
  shapes: Map<string, number[]>,
  opts: InferOptions,
): { arch: ClipArchitecture; naming: Naming } {
  const naming = detectNaming(file, shapes.keys());
  const oc = naming === 'open_clip';
  const shape = (name: string, rank: number): number[] => {
    const s = shapes.get(name);
    if (!s) throw new CheckpointError(file, `missing tensor ${name} (${naming} naming)`);
    if (s.length !== rank)
      throw new CheckpointError(file, `${name} has shape [${s}], expected ${rank} dimensions`);
    return s;
  };
  const conv = shape(oc ? 'visual.conv1.weight' : 'vision_model.embeddings.patch_embedding.weight', 4);
  const vPos = shape(
    oc ? 'visual.positional_embedding' : 'vision_model.embeddings.position_embedding.weight',
    2,
  );
  const tok = shape(oc ? 'token_embedding.weight' : 'text_model.embeddings.token_embedding.weight', 2);
  const tPos = shape(oc ? 'positional_embedding' : 'text_model.embeddings.position_embedding.weight', 2);
  const vPrefix = oc ? 'visual.transformer.resblocks' : 'vision_model.encoder.layers';
  const tPrefix = oc ? 'transformer.resblocks' : 'text_model.encoder.layers';
  const fc = oc ? 'mlp.c_fc.weight' : 'mlp.fc1.weight';
  const vMlp = shape(`${vPrefix}.0.${fc}`, 2)[0]!;
  const tMlp = shape(`${tPrefix}.0.${fc}`, 2)[0]!;
  // open_clip stores the image projection as [width, embed]; transformers as a Linear, [embed, width].
  const embedDim = oc ? shape('visual.proj', 2)[1]! : shape('visual_projection.weight', 2)[0]!;

  const [vWidth, channels, patch, patchW] = conv as [number, number, number, number];
  if (channels !== 3 || patch !== patchW)
    throw new CheckpointError(file, `patch embedding has shape [${conv}], expected [width, 3, p, p]`);
  const grid = Math.round(Math.sqrt(vPos[0]! - 1));
  if (grid * grid + 1 !== vPos[0])
    throw new CheckpointError(file, `${vPos[0]} image positions are not a square grid + 1`);
  const heads = (width: number, what: string): number => {
    const headDim =
      opts.headDim ??
      (what === 'image tower'
        ? (opts.visionHeadWidth ?? visionHeadWidth(width))
        : opts.textHeads
          ? width / opts.textHeads
          : HEAD_DIM);
    if (width % headDim !== 0)
      throw new CheckpointError(
        file,
        `${what} width ${width} is not a multiple of the head width ${headDim}`,
      );
    return width / headDim;
  };
  const layers = (prefix: string): number => {
    try {
      return countLayers(shapes.keys(), prefix);
    } catch (e) {
      throw new CheckpointError(file, (e as Error).message);
    }
  };
  const tWidth = tok[1]!;
  return {
    naming,
    arch: {
      embedDim,
      vision: {
        width: vWidth,
        layers: layers(vPrefix),
        heads: heads(vWidth, 'image tower'),
        mlpDim: vMlp,
        imageSize: grid * patch,
        patchSize: patch,
      },
      text: {
        width: tWidth,
        layers: layers(tPrefix),
        heads: heads(tWidth, 'text tower'),
        mlpDim: tMlp,
        contextLength: tPos[0]!,
        vocabSize: tok[0]!,
      },
      activation: opts.activation,
      layerNormEps: LAYER_NORM_EPS,
    },
  };
}

export function describeArchitecture(a: ClipArchitecture): string {
  const v = a.vision;
  const t = a.text;
  return (
    `ViT-${v.width}/${v.patchSize} at ${v.imageSize} px, ${v.layers} layers × ${v.heads} heads; ` +
    `text ${t.width} wide, ${t.layers} layers, context ${t.contextLength}, vocabulary ${t.vocabSize}; ` +
    `embeddings ${a.embedDim}; ${a.activation === 'gelu' ? 'GELU' : 'QuickGELU'}`
  );
}

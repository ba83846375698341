// The in-memory description of a CLIP model bundle, whatever layout it came from on disk.

/** How an image becomes the model's square input. */
export interface PreprocessSpec {
  /** Side of the square input in pixels (224 for ViT-H/14). */
  imageSize: number;
  /** Per-channel mean and standard deviation in [0, 1] units, RGB order. */
  mean: [number, number, number];
  std: [number, number, number];
  /** 'shortest-crop': shortest side to imageSize, then centre crop (open_clip's default);
   *  'squash': both sides to imageSize, aspect ratio not kept. */
  resize: 'shortest-crop' | 'squash';
  interpolation: 'bicubic' | 'bilinear' | 'nearest' | 'lanczos3';
}

export type TensorDtype = 'float32' | 'float16';

/** One ONNX graph of the pair. */
export interface TowerSpec {
  /** Absolute path of the .onnx file. */
  file: string;
  input: string;
  output: string;
  /** Element type of the float input (visual) and of the output (both towers). */
  dtype: TensorDtype;
  /** false when the graph was exported with batch fixed at 1 (Immich's exports): run one item per call. */
  dynamicBatch: boolean;
}

interface TextTowerSpec extends TowerSpec {
  /** Element type of the token-id input. */
  idsDtype: 'int64' | 'int32';
}

export interface ModelBundle {
  /** Folder the bundle was read from. */
  dir: string;
  /** Stable id stored with every vector: vectors of different ids never share an index. */
  id: string;
  name: string;
  layout: 'glimpse' | 'immich';
  embedDim: number;
  contextLength: number;
  preprocess: PreprocessSpec;
  visual: TowerSpec;
  textual: TextTowerSpec;
  /** Absolute path of the Hugging Face tokenizer.json. */
  tokenizer: string;
}

/** What the app and the reports call a bundle's precision: that of its image tower's input and weights. */
export function bundlePrecision(bundle: ModelBundle): 'fp16' | 'fp32' {
  return bundle.visual.dtype === 'float16' ? 'fp16' : 'fp32';
}

/** OpenCLIP ViT-H/14 laion2b_s32b_b79k, the default model. */
export const VIT_H_14_PREPROCESS: PreprocessSpec = {
  imageSize: 224,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
  resize: 'shortest-crop',
  interpolation: 'bicubic',
};
export const CLIP_CONTEXT_LENGTH = 77;
export const CLIP_SOT = 49406;
export const CLIP_EOT = 49407;

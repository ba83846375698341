// The weights the graphs need under one naming of our own, each with its shape as the graph stores it
// ([in, out] matrices, q|k|v packed), and how to make each from an open_clip or transformers checkpoint.
import type { ClipArchitecture, Naming } from './architecture';
import { visionTokens } from './architecture';
import { CheckpointError } from './safetensors';

export type TowerKind = 'visual' | 'text';

/** How one of our weights is made from checkpoint tensors. Linear layers are stored [out, in] in both
 *  namings and [in, out] in the graph (MatMul's layout), hence the transposes. */
export type Recipe =
  | { op: 'copy'; src: string }
  | { op: 'transpose'; src: string }
  /** q, k and v weights, each transposed, side by side: [in, 3·out] as com.microsoft.Attention takes. */
  | { op: 'pack-transposed'; srcs: [string, string, string] }
  | { op: 'concat'; srcs: [string, string, string] };

/** Tensors checkpoints carry that are not weights of the towers (temperature, cached index buffers). */
const IGNORED = /^(logit_scale|logit_bias|attn_mask|.*position_ids)$/;

/** A transformer block's weights in our naming, in the order the graph writer (and the reference
 *  text tower) unpacks them. */
export const BLOCK_PARTS = [
  'ln_1.weight',
  'ln_1.bias',
  'qkv.weight',
  'qkv.bias',
  'attn_out.weight',
  'attn_out.bias',
  'ln_2.weight',
  'ln_2.bias',
  'fc1.weight',
  'fc1.bias',
  'fc2.weight',
  'fc2.bias',
] as const;

/** Every weight of a tower, in the order the graph writer asks for them. */
export function towerWeights(kind: TowerKind, arch: ClipArchitecture): string[] {
  const blocks = (layers: number) =>
    Array.from({ length: layers }, (_, i) => BLOCK_PARTS.map((p) => `${kind}.blocks.${i}.${p}`)).flat();
  if (kind === 'visual')
    return [
      'visual.conv1',
      'visual.class_embedding',
      'visual.positional_embedding',
      'visual.ln_pre.weight',
      'visual.ln_pre.bias',
      ...blocks(arch.vision.layers),
      'visual.ln_post.weight',
      'visual.ln_post.bias',
      'visual.proj',
    ];
  return [
    'text.token_embedding',
    'text.positional_embedding',
    ...blocks(arch.text.layers),
    'text.ln_final.weight',
    'text.ln_final.bias',
    'text.proj',
  ];
}

/** The shape the graph stores a weight in. */
export function weightShape(name: string, arch: ClipArchitecture): number[] {
  const kind = name.startsWith('visual.') ? 'visual' : 'text';
  const t = kind === 'visual' ? arch.vision : arch.text;
  const w = t.width;
  const part = name.replace(/^(visual|text)\.(blocks\.\d+\.)?/, '');
  switch (part) {
    case 'conv1':
      return [w, 3, arch.vision.patchSize, arch.vision.patchSize];
    case 'class_embedding':
      return [w];
    case 'positional_embedding':
      return kind === 'visual' ? [visionTokens(arch.vision), w] : [arch.text.contextLength, w];
    case 'token_embedding':
      return [arch.text.vocabSize, w];
    case 'qkv.weight':
      return [w, 3 * w];
    case 'qkv.bias':
      return [3 * w];
    case 'attn_out.weight':
      return [w, w];
    case 'fc1.weight':
      return [w, t.mlpDim];
    case 'fc1.bias':
      return [t.mlpDim];
    case 'fc2.weight':
      return [t.mlpDim, w];
    case 'proj':
      return [w, arch.embedDim];
    default:
      if (/^(ln_\w+|attn_out|fc2)\.(weight|bias)$/.test(part)) return [w];
      throw new Error(`no shape for weight ${name}`);
  }
}

const OPEN_CLIP_BLOCK: Record<string, string> = {
  ln_1: 'ln_1',
  ln_2: 'ln_2',
  attn_out: 'attn.out_proj',
  fc1: 'mlp.c_fc',
  fc2: 'mlp.c_proj',
};
const HF_BLOCK: Record<string, string> = {
  ln_1: 'layer_norm1',
  ln_2: 'layer_norm2',
  attn_out: 'self_attn.out_proj',
  fc1: 'mlp.fc1',
  fc2: 'mlp.fc2',
};

function blockRecipe(naming: Naming, kind: TowerKind, layer: number, part: string): Recipe {
  const oc = naming === 'open_clip';
  const prefix = oc
    ? `${kind === 'visual' ? 'visual.' : ''}transformer.resblocks.${layer}`
    : `${kind === 'visual' ? 'vision' : 'text'}_model.encoder.layers.${layer}`;
  const [module, param] = part.split('.') as [string, 'weight' | 'bias'];
  if (module === 'qkv') {
    if (oc)
      return param === 'weight'
        ? { op: 'transpose', src: `${prefix}.attn.in_proj_weight` }
        : { op: 'copy', src: `${prefix}.attn.in_proj_bias` };
    const srcs = ['q', 'k', 'v'].map((x) => `${prefix}.self_attn.${x}_proj.${param}`) as [
      string,
      string,
      string,
    ];
    return param === 'weight' ? { op: 'pack-transposed', srcs } : { op: 'concat', srcs };
  }
  const src = `${prefix}.${(oc ? OPEN_CLIP_BLOCK : HF_BLOCK)[module]}.${param}`;
  return param === 'weight' && !module.startsWith('ln_') ? { op: 'transpose', src } : { op: 'copy', src };
}

/** How to make weight `name` from a checkpoint in `naming` whose tensor names are `present`. */
export function recipeFor(name: string, naming: Naming, present: Set<string>): Recipe {
  const block = /^(visual|text)\.blocks\.(\d+)\.(.+)$/.exec(name);
  if (block) return blockRecipe(naming, block[1] as TowerKind, Number(block[2]), block[3]!);
  const oc = naming === 'open_clip';
  const copy = (src: string): Recipe => ({ op: 'copy', src });
  const ln = (oc: string, hf: string, param: string) => copy(`${naming === 'open_clip' ? oc : hf}.${param}`);
  const [, part, param] = /^(?:visual|text)\.(\w+)(?:\.(weight|bias))?$/.exec(name) ?? [];
  switch (name.startsWith('visual.') ? `v.${part}` : `t.${part}`) {
    case 'v.conv1':
      return copy(oc ? 'visual.conv1.weight' : 'vision_model.embeddings.patch_embedding.weight');
    case 'v.class_embedding':
      return copy(oc ? 'visual.class_embedding' : 'vision_model.embeddings.class_embedding');
    case 'v.positional_embedding':
      return copy(oc ? 'visual.positional_embedding' : 'vision_model.embeddings.position_embedding.weight');
    case 'v.ln_pre':
      return ln('visual.ln_pre', 'vision_model.pre_layrnorm', param!); // sic: transformers' spelling
    case 'v.ln_post':
      return ln('visual.ln_post', 'vision_model.post_layernorm', param!);
    case 'v.proj':
      return oc ? copy('visual.proj') : { op: 'transpose', src: 'visual_projection.weight' };
    case 't.token_embedding':
      return copy(oc ? 'token_embedding.weight' : 'text_model.embeddings.token_embedding.weight');
    case 't.positional_embedding':
      return copy(oc ? 'positional_embedding' : 'text_model.embeddings.position_embedding.weight');
    case 't.ln_final':
      return ln('ln_final', 'text_model.final_layer_norm', param!);
    case 't.proj':
      // Some open_clip configurations make the text projection an nn.Linear.
      return oc && !present.has('text_projection.weight')
        ? copy('text_projection')
        : { op: 'transpose', src: 'text_projection.weight' };
    default:
      throw new Error(`no recipe for weight ${name}`);
  }
}

export function recipeSources(r: Recipe): string[] {
  return 'src' in r ? [r.src] : r.srcs;
}

/** Fails naming the tensors when the checkpoint has ones this design does not use, or lacks needed ones:
 *  an unknown tensor means a different architecture, which would otherwise build into a wrong graph. */
export function checkTensorNames(
  file: string,
  present: Set<string>,
  arch: ClipArchitecture,
  naming: Naming,
): void {
  const used = new Set<string>();
  for (const kind of ['visual', 'text'] as const)
    for (const w of towerWeights(kind, arch))
      for (const src of recipeSources(recipeFor(w, naming, present))) used.add(src);
  const missing = [...used].filter((n) => !present.has(n));
  if (missing.length)
    throw new CheckpointError(
      file,
      `missing ${missing.length} tensor(s) a CLIP ViT in ${naming} naming needs: ${missing.slice(0, 5).join(', ')}` +
        (missing.length > 5 ? ', …' : ''),
    );
  const unknown = [...present].filter((n) => !used.has(n) && !IGNORED.test(n));
  if (unknown.length)
    throw new CheckpointError(
      file,
      `${unknown.length} tensor(s) that are not part of a CLIP ViT of this design: ${unknown.slice(0, 5).join(', ')}` +
        `${unknown.length > 5 ? ', …' : ''} (a different architecture? Glimpse builds open_clip / transformers ` +
        `CLIP ViTs only)`,
    );
}

// Writes one CLIP tower (image or text) as an ONNX graph with its weights in an external data file, using
// onnxruntime's fused operators (Attention, SkipLayerNormalization, BiasGelu / QuickGelu) so that no
// optimiser pass is needed, in float16 or float32, with the pooled head kept in float32.
import { writeFile } from 'node:fs/promises';
import { toFloat16 } from '../../runtime/float16';
import { GraphBuilder } from '../../onnx/graph-builder';
import { encodeModel, OnnxDataType, type OnnxElemType } from '../../onnx/onnx-proto';
import type { Activation, ClipArchitecture, TowerArch } from './architecture';
import type { WeightSource } from './source';
import { WeightFile } from './weight-file';
import { weightShape, type TowerKind } from './weights';

export type BuildDtype = 'float16' | 'float32';

/** Opset 17 brings LayerNormalization; IR 8 is what it shipped with. com.microsoft ops are version 1. */
const OPSET = 17;
const IR_VERSION = 8;
const MS = 'com.microsoft';
/** Floor under the L2 norm, as torch.nn.functional.normalize has. */
const NORM_EPS = 1e-12;
/** OpenAI's QuickGELU: x · sigmoid(1.702 x). */
const QUICK_GELU_ALPHA = 1.702;

export const TOWER_IO = {
  visual: { input: 'pixel_values', output: 'image_embeds' },
  text: { input: 'input_ids', output: 'text_embeds' },
} as const;

interface TowerWriteOptions {
  kind: TowerKind;
  arch: ClipArchitecture;
  dtype: BuildDtype;
  source: WeightSource;
  /** The .onnx file; weights go to `${onnxPath}.data`. */
  onnxPath: string;
  /** Called after each weight is written, with its byte count in the graph. */
  onWeight?: (bytes: number) => void;
}

/** Reads each weight from the source, converts it to the stored dtype and appends it to the data file. */
class Weights {
  constructor(
    private readonly g: GraphBuilder,
    private readonly file: WeightFile,
    private readonly opts: TowerWriteOptions,
  ) {}

  /** `keep32` stores the weight in float32 whatever the graph's dtype (the pooled head). */
  async get(name: string, keep32 = false, dims?: number[]): Promise<string> {
    const dtype: OnnxElemType = keep32 || this.opts.dtype === 'float32' ? 'float32' : 'float16';
    const source = this.opts.source;
    const typed =
      dtype === 'float32'
        ? await source.read(name)
        : source.readFloat16
          ? await source.readFloat16(name)
          : toFloat16(await source.read(name));
    const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
    const external = await this.file.append(bytes);
    this.opts.onWeight?.(bytes.length);
    return this.g.initializer(name, dtype, dims ?? weightShape(name, this.opts.arch), { external });
  }
}

const f32 = { to: { int: OnnxDataType.float32 } };

async function encoder(
  g: GraphBuilder,
  w: Weights,
  kind: TowerKind,
  t: TowerArch,
  x0: string,
  opts: { causal: boolean; activation: Activation; eps: number },
): Promise<string> {
  const p = (i: number, part: string) => w.get(`${kind}.blocks.${i}.${part}`);
  const eps = opts.eps;
  let h = g.node('LayerNormalization', [x0, await p(0, 'ln_1.weight'), await p(0, 'ln_1.bias')], {
    axis: { int: -1 },
    epsilon: eps,
  });
  let residual = x0;
  for (let i = 0; i < t.layers; i++) {
    const attnAttrs = { num_heads: { int: t.heads }, ...(opts.causal ? { unidirectional: { int: 1 } } : {}) };
    const attn = g.node(
      'Attention',
      [h, await p(i, 'qkv.weight'), await p(i, 'qkv.bias')],
      attnAttrs,
      undefined,
      MS,
    );
    const attnOut = g.node('MatMul', [attn, await p(i, 'attn_out.weight')]);
    // ln_2(residual + attn + bias), and the sum itself (output 3) as the next residual.
    const [h2, , , sum] = g.nodeOutputs(
      'SkipLayerNormalization',
      [attnOut, residual, await p(i, 'ln_2.weight'), await p(i, 'ln_2.bias'), await p(i, 'attn_out.bias')],
      ['', '', '', ''],
      { epsilon: eps },
      MS,
      [1, 2],
    );
    const fc1 = g.node('MatMul', [h2!, await p(i, 'fc1.weight')]);
    const act =
      opts.activation === 'gelu'
        ? g.node('BiasGelu', [fc1, await p(i, 'fc1.bias')], {}, undefined, MS)
        : g.node(
            'QuickGelu',
            [g.node('Add', [fc1, await p(i, 'fc1.bias')])],
            { alpha: QUICK_GELU_ALPHA },
            undefined,
            MS,
          );
    const fc2 = g.node('MatMul', [act, await p(i, 'fc2.weight')]);
    if (i + 1 < t.layers) {
      [h, , , residual] = g.nodeOutputs(
        'SkipLayerNormalization',
        [fc2, sum!, await p(i + 1, 'ln_1.weight'), await p(i + 1, 'ln_1.bias'), await p(i, 'fc2.bias')],
        ['', '', '', ''],
        { epsilon: eps },
        MS,
        [1, 2],
      ) as [string, string, string, string];
    } else {
      residual = g.node('Add', [g.node('Add', [fc2, await p(i, 'fc2.bias')]), sum!]);
    }
  }
  return residual;
}

/** LayerNorm, projection and L2 normalisation of the pooled token, all in float32; then the output dtype. */
async function head(
  g: GraphBuilder,
  w: Weights,
  kind: TowerKind,
  pooled: string,
  o: TowerWriteOptions,
): Promise<void> {
  const ln = kind === 'visual' ? 'visual.ln_post' : 'text.ln_final';
  let x = o.dtype === 'float16' ? g.node('Cast', [pooled], f32) : pooled;
  x = g.node('LayerNormalization', [x, await w.get(`${ln}.weight`, true), await w.get(`${ln}.bias`, true)], {
    axis: { int: -1 },
    epsilon: o.arch.layerNormEps,
  });
  const y = g.node('MatMul', [x, await w.get(`${kind}.proj`, true)]);
  const norm = g.node('ReduceL2', [y], { axes: { ints: [-1] }, keepdims: { int: 1 } });
  const out = TOWER_IO[kind].output;
  const unit = g.node(
    'Div',
    [y, g.node('Max', [norm, g.constFloat(`${kind}_norm_eps`, [NORM_EPS], [])])],
    {},
    o.dtype === 'float32' ? out : undefined,
  );
  if (o.dtype === 'float16') g.node('Cast', [unit], { to: { int: OnnxDataType.float16 } }, out);
  g.output(out, o.dtype, ['batch', o.arch.embedDim]);
}

/** [batch, 1, width] of `name`: Expand to the batch size read from `like`'s first axis. */
function perBatch(g: GraphBuilder, value: string, like: string, width: number, label: string): string {
  const batch = g.node('Shape', [like], { end: { int: 1 } });
  const shape = g.node('Concat', [batch, g.constInt64(`${label}_tail`, [1, width])], { axis: { int: 0 } });
  return g.node('Expand', [value, shape]);
}

async function visualGraph(g: GraphBuilder, w: Weights, o: TowerWriteOptions): Promise<void> {
  const v = o.arch.vision;
  const pixels = g.input(TOWER_IO.visual.input, o.dtype, ['batch', 3, v.imageSize, v.imageSize]);
  const p = v.patchSize;
  const conv = g.node('Conv', [pixels, await w.get('visual.conv1')], {
    kernel_shape: { ints: [p, p] },
    strides: { ints: [p, p] },
  });
  const flat = g.node('Reshape', [conv, g.constInt64('patch_shape', [0, v.width, -1])]);
  const patches = g.node('Transpose', [flat], { perm: { ints: [0, 2, 1] } });
  const cls = perBatch(
    g,
    await w.get('visual.class_embedding', false, [1, 1, v.width]),
    pixels,
    v.width,
    'cls',
  );
  const tokens = g.node('Concat', [cls, patches], { axis: { int: 1 } });
  const embedded = g.node('Add', [tokens, await w.get('visual.positional_embedding')]);
  const x0 = g.node(
    'LayerNormalization',
    [embedded, await w.get('visual.ln_pre.weight'), await w.get('visual.ln_pre.bias')],
    {
      axis: { int: -1 },
      epsilon: o.arch.layerNormEps,
    },
  );
  const x = await encoder(g, w, 'visual', v, x0, {
    causal: false,
    activation: o.arch.activation,
    eps: o.arch.layerNormEps,
  });
  const classToken = g.node('Gather', [x, g.constInt64('class_index', [0], [])], { axis: { int: 1 } });
  await head(g, w, 'visual', classToken, o);
}

async function textGraph(g: GraphBuilder, w: Weights, o: TowerWriteOptions): Promise<void> {
  const t = o.arch.text;
  const ids = g.input(TOWER_IO.text.input, 'int64', ['batch', t.contextLength]);
  const tokens = g.node('Gather', [await w.get('text.token_embedding'), ids], { axis: { int: 0 } });
  const x0 = g.node('Add', [tokens, await w.get('text.positional_embedding')]);
  const x = await encoder(g, w, 'text', t, x0, {
    causal: true,
    activation: o.arch.activation,
    eps: o.arch.layerNormEps,
  });
  // Pool at the end-of-text token: CLIP's highest id, so ArgMax over the ids finds it (as open_clip does).
  const eot = g.node('ArgMax', [ids], { axis: { int: 1 }, keepdims: { int: 1 } });
  const index = perBatch(g, g.node('Unsqueeze', [eot, g.constInt64('eot_axis', [2])]), ids, t.width, 'eot');
  const picked = g.node('GatherElements', [x, index], { axis: { int: 1 } });
  const pooled = g.node('Reshape', [picked, g.constInt64('pooled_shape', [-1, t.width])]);
  await head(g, w, 'text', pooled, o);
}

/** Writes `opts.onnxPath` and its `.data` file; returns the bytes of weights written. */
export async function writeTower(opts: TowerWriteOptions): Promise<number> {
  const g = new GraphBuilder(`clip_${opts.kind}`, opts.dtype);
  const file = await WeightFile.create(`${opts.onnxPath}.data`);
  try {
    const w = new Weights(g, file, opts);
    if (opts.kind === 'visual') await visualGraph(g, w, opts);
    else await textGraph(g, w, opts);
    await file.close();
  } catch (e) {
    await file.abandon();
    throw e;
  }
  const graph = g.build(`CLIP ${opts.kind} tower built by Glimpse from a checkpoint (${opts.dtype} weights)`);
  const bytes = encodeModel({
    irVersion: IR_VERSION,
    opset: OPSET,
    extraOpsets: { [MS]: 1 },
    producerName: 'glimpse',
    producerVersion: '1',
    docString: graph.docString,
    graph,
  });
  await writeFile(opts.onnxPath, bytes);
  return file.written;
}

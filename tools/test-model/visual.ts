// The visual tower of the test model: mean colour → soft colour class, edge energy → soft pattern class,
// then a fixed projection to the shared embedding space.
import {
  COLOUR_PROTOTYPES,
  COLOUR_SHARPNESS,
  COLOURS,
  EDGE_SLOPE,
  EDGE_THRESHOLD,
  IMAGE_BIAS,
  PATTERNS,
  TEST_EMBED_DIM,
  TEST_IMAGE_SIZE,
  project,
} from './design';
import { GraphBuilder } from '../../src/core/onnx/graph-builder';
import type { WeightDtype } from '../../src/core/onnx/graph-builder';
import type { OnnxDim, OnnxGraph } from '../../src/core/onnx/onnx-proto';
import { OnnxDataType } from '../../src/core/onnx/onnx-proto';

interface VisualGraphOptions {
  dtype: WeightDtype;
  input: string;
  output: string;
  /** 'batch' for a dynamic first axis, 1 for a graph fixed at one image (Immich's exports). */
  batch: OnnxDim;
  /** CLIP normalisation the caller applied, 0..1 units, RGB order: the graph undoes it. */
  mean: readonly number[];
  std: readonly number[];
}

/** Slice end meaning "to the end of the axis". */
const TO_END = Number.MAX_SAFE_INTEGER;

export function buildVisualGraph(opts: VisualGraphOptions): OnnxGraph {
  const g = new GraphBuilder('glimpse_test_visual', opts.dtype);
  const side = TEST_IMAGE_SIZE;
  let x = g.input(opts.input, opts.dtype, [opts.batch, 3, side, side]);
  // The float16 variant computes in float32 between a Cast in and a Cast out (see GraphBuilder.weight).
  if (opts.dtype === 'float16') x = g.node('Cast', [x], { to: { int: OnnxDataType.float32 } }, 'pixels_f32');

  // Undo CLIP normalisation: prototypes and edge thresholds are in 0..1 RGB units.
  const std = g.constFloat('std', [...opts.std], [1, 3, 1, 1]);
  const mean = g.constFloat('mean', [...opts.mean], [1, 3, 1, 1]);
  const rgb = g.node('Add', [g.node('Mul', [x, std]), mean], {}, 'rgb');

  // Colour: softmax over prototypes of -sharpness × |c - p|², expanded as
  // 2s·c·p - s·|p|² - s·|c|² so it is one MatMul on the mean colour c.
  const c = g.node('ReduceMean', [rgb], { axes: { ints: [2, 3] }, keepdims: { int: 0 } }, 'mean_colour');
  const protos = COLOURS.map((name) => COLOUR_PROTOTYPES[name].map((v) => v / 255));
  const s = COLOUR_SHARPNESS;
  const cross = g.constFloat(
    'colour_cross',
    [0, 1, 2].flatMap((ch) => protos.map((p) => 2 * s * p[ch]!)),
    [3, COLOURS.length],
  );
  const offset = g.constFloat(
    'colour_offset',
    protos.map((p) => -s * p.reduce((a, v) => a + v * v, 0)),
  );
  const cSq = g.node('ReduceSumSquare', [c], { axes: { ints: [1] }, keepdims: { int: 1 } });
  const cTerm = g.node('Mul', [cSq, g.constFloat('neg_sharpness', [-s], [])]);
  const logits = g.node('Add', [g.node('Add', [g.node('MatMul', [c, cross]), offset]), cTerm]);
  const colour = g.node('Softmax', [logits], { axis: { int: 1 } }, 'colour_code');

  // Pattern: mean |step| between neighbouring rows and between neighbouring columns, each squashed by a
  // logistic into "does this direction change", then combined into four exclusive classes.
  const starts0 = g.constInt64('starts_0', [0]);
  const starts1 = g.constInt64('starts_1', [1]);
  const endsLast = g.constInt64('ends_last', [-1]);
  const endsAll = g.constInt64('ends_all', [TO_END]);
  const stepChange = (axis: number, label: string): string => {
    const ax = g.constInt64(`axis_${axis}`, [axis]);
    const next = g.node('Slice', [rgb, starts1, endsAll, ax]);
    const prev = g.node('Slice', [rgb, starts0, endsLast, ax]);
    const step = g.node('Abs', [g.node('Sub', [next, prev])]);
    const energy = g.node('ReduceMean', [step], { axes: { ints: [1, 2, 3] }, keepdims: { int: 0 } });
    const centred = g.node('Sub', [energy, g.constFloat(`threshold_${label}`, [EDGE_THRESHOLD], [])]);
    const p = g.node('Sigmoid', [g.node('Mul', [centred, g.constFloat(`slope_${label}`, [EDGE_SLOPE], [])])]);
    return g.node('Unsqueeze', [p, g.constInt64(`unsq_${label}`, [1])], {}, `${label}_changes`); // [N,1]
  };
  const one = g.constFloat('one', [1], []);
  const yesNo = (p: string): string => g.node('Concat', [g.node('Sub', [one, p]), p], { axis: { int: 1 } });
  const rows = yesNo(stepChange(2, 'rows')); // [N,2]: (rows alike, rows change)
  const cols = yesNo(stepChange(3, 'cols'));
  const outer = g.node('Mul', [
    g.node('Unsqueeze', [rows, g.constInt64('unsq_outer_rows', [2])]),
    g.node('Unsqueeze', [cols, g.constInt64('unsq_outer_cols', [1])]),
  ]); // [N,2,2]
  const pattern = g.node(
    'Reshape',
    [outer, g.constInt64('pattern_shape', [-1, PATTERNS.length])],
    {},
    'pattern_code',
  );

  // Projection: feature codes [N,15] × rows of the orthonormal projection, plus the constant bias row.
  const features = g.node('Concat', [colour, pattern], { axis: { int: 1 } }, 'features');
  const rowsOf = [...COLOURS, ...PATTERNS].map((f) => Array.from(project({ [f]: 1 })));
  const w = g.weight('projection', rowsOf.flat(), [rowsOf.length, TEST_EMBED_DIM]);
  const bias = g.weight('image_bias', Array.from(project({ bias: IMAGE_BIAS })), [TEST_EMBED_DIM]);
  const embeds = g.node(
    'Add',
    [g.node('MatMul', [features, w]), bias],
    {},
    opts.dtype === 'float32' ? opts.output : 'embeds_f32',
  );
  if (opts.dtype === 'float16') g.node('Cast', [embeds], { to: { int: OnnxDataType.float16 } }, opts.output);
  g.output(opts.output, opts.dtype, [opts.batch, TEST_EMBED_DIM]);

  return g.build(
    'Glimpse test model, visual tower: a hand-designed colour/pattern classifier, not a trained CLIP. ' +
      'See tools/test-model/design.ts for what each output direction means.',
  );
}

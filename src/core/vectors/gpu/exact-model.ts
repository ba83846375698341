// The ONNX graph behind exact search on the GPU: the library's vectors as one FP16 initializer in an
// external data file (1M × 1024 is 2 GB, past protobuf's 2 GB message limit), scored against a batch of
// queries with one Gemm and cut to the best k with TopK. Written with the ONNX writer in src/core/onnx.
import { GraphBuilder } from '../../onnx/graph-builder';
import { encodeModel, OnnxDataType } from '../../onnx/onnx-proto';

/** Input and output names of the exact-search graph. */
export const EXACT_INPUTS = { query: 'query', k: 'k', candidates: 'candidates' } as const;
export const EXACT_OUTPUTS = { scores: 'scores', rows: 'rows' } as const;

/**
 * The .onnx bytes of a graph scoring queries [q, dim] (float32) against `rows` × `dim` FP16 vectors
 * stored in `dataFile` (beside the model, row-major, little-endian) and returning the best k of each:
 * scores [q, k] (float32) and row indices [q, k] (int64), best first.
 *
 * Two passes, so the answer does not depend on how a provider accumulates FP16 products (CUDA's Gemm
 * sums in float32, onnxruntime's CPU kernel in float16: an error of 1e-2 at 1024-d, enough to reorder
 * CLIP scores): one FP16 Gemm over every row picks `candidates` rows, then those rows are scored again
 * in float32 against the float32 query, so scores differ from a float32 scan only by the storage
 * rounding of the vectors (≤ 2.5e-4 for unit vectors).
 */
export function exactSearchModel(rows: number, dim: number, dataFile: string): Uint8Array {
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(dim) || dim < 1)
    throw new RangeError(`exact search graph: ${rows} rows × ${dim} is not a matrix`);
  const { query, k, candidates } = EXACT_INPUTS;
  // Weights are stored as given (no float16 weight Casts are added): the dtype argument goes unused.
  const g = new GraphBuilder('exact_search', 'float32');
  g.input(query, 'float32', ['q', dim]);
  g.input(k, 'int64', [1]);
  g.input(candidates, 'int64', [1]);
  const vectors = g.initializer('vectors', 'float16', [rows, dim], {
    external: { location: dataFile, offset: 0, length: rows * dim * 2 },
  });
  const axis2 = g.constInt64('axis2', [2]);
  const to = (t: number) => ({ to: { int: t } });
  const query16 = g.node('Cast', [query], to(OnnxDataType.float16), 'query16');
  // Gemm with transB reads the vectors in the row order they were written: no transposed copy.
  const rough16 = g.node('Gemm', [query16, vectors], { transB: { int: 1 } }, 'rough16');
  const rough = g.node('Cast', [rough16], to(OnnxDataType.float32), 'rough');
  const [, candidateRows] = g.nodeOutputs('TopK', [rough, candidates], ['rough_best', 'candidate_rows'], {
    axis: { int: -1 },
  });
  const candidates16 = g.node('Gather', [vectors, candidateRows!], { axis: { int: 0 } }, 'candidates16');
  const candidates32 = g.node('Cast', [candidates16], to(OnnxDataType.float32), 'candidates32');
  const queryColumn = g.node('Unsqueeze', [query, axis2], {}, 'query_column');
  const exactColumn = g.node('MatMul', [candidates32, queryColumn], {}, 'exact_column');
  const exact = g.node('Squeeze', [exactColumn, axis2], {}, 'exact');
  const [, bestPositions] = g.nodeOutputs('TopK', [exact, k], [EXACT_OUTPUTS.scores, 'best_positions'], {
    axis: { int: -1 },
  });
  g.node('GatherElements', [candidateRows!, bestPositions!], { axis: { int: 1 } }, EXACT_OUTPUTS.rows);
  g.output(EXACT_OUTPUTS.scores, 'float32', ['q', 'k']);
  g.output(EXACT_OUTPUTS.rows, 'int64', ['q', 'k']);
  return encodeModel({
    irVersion: 8,
    opset: 17,
    producerName: 'glimpse',
    producerVersion: '',
    docString: `exact inner-product top k over ${rows} × ${dim} float16 vectors`,
    graph: g.build(''),
  });
}

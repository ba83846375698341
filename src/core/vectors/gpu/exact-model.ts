// The ONNX graph behind exact search on the GPU: the library's vectors as one FP16 initializer in an
// external data file (1M × 1024 is 2 GB, past protobuf's 2 GB message limit), scored against a batch of
// queries with one Gemm and cut to the best k with TopK. Written with protobufjs from the few onnx.proto
// fields it needs (field numbers as in onnx.proto, IR version 8).
import protobuf from 'protobufjs';

/** onnx.proto TensorProto.DataType values. */
const FLOAT = 1;
const INT64 = 7;
const FLOAT16 = 10;
/** AttributeProto.AttributeType.INT; TensorProto.DataLocation.EXTERNAL. */
const ATTRIBUTE_INT = 2;
const EXTERNAL = 1;

const messages: Record<string, protobuf.IType> = {
  ModelProto: {
    fields: {
      irVersion: { type: 'int64', id: 1 },
      producerName: { type: 'string', id: 2 },
      docString: { type: 'string', id: 6 },
      graph: { type: 'GraphProto', id: 7 },
      opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
    },
  },
  OperatorSetIdProto: {
    fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
  },
  StringStringEntryProto: {
    fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } },
  },
  GraphProto: {
    fields: {
      node: { rule: 'repeated', type: 'NodeProto', id: 1 },
      name: { type: 'string', id: 2 },
      initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
      input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
      output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
    },
  },
  NodeProto: {
    fields: {
      input: { rule: 'repeated', type: 'string', id: 1 },
      output: { rule: 'repeated', type: 'string', id: 2 },
      name: { type: 'string', id: 3 },
      opType: { type: 'string', id: 4 },
      attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
    },
  },
  AttributeProto: {
    fields: {
      name: { type: 'string', id: 1 },
      i: { type: 'int64', id: 3 },
      type: { type: 'int32', id: 20 },
    },
  },
  TensorProto: {
    fields: {
      dims: { rule: 'repeated', type: 'int64', id: 1 },
      dataType: { type: 'int32', id: 2 },
      name: { type: 'string', id: 8 },
      rawData: { type: 'bytes', id: 9 },
      externalData: { rule: 'repeated', type: 'StringStringEntryProto', id: 13 },
      dataLocation: { type: 'int32', id: 14 },
    },
  },
  ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
  TypeProto: { fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } } },
  TypeProtoTensor: {
    fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
  },
  TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'TensorShapeDimension', id: 1 } } },
  TensorShapeDimension: {
    oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
    fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } },
  },
};

// proto2: a field set to 0 (transA = 0, offset 0) must still be written.
const descriptor: protobuf.INamespace = {
  nested: {
    onnx: {
      nested: Object.fromEntries(
        Object.entries(messages).map(([name, t]) => [name, { ...t, edition: 'proto2' }]),
      ),
    },
  },
};

const ModelProto = protobuf.Root.fromJSON(descriptor).lookupType('onnx.ModelProto');

/** Input and output names of the exact-search graph. */
export const EXACT_INPUTS = { query: 'query', k: 'k', candidates: 'candidates' } as const;
export const EXACT_OUTPUTS = { scores: 'scores', rows: 'rows' } as const;

const tensor = (name: string, elemType: number, dims: Array<number | string>) => ({
  name,
  type: {
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  },
});

const intAttribute = (name: string, i: number) => ({ name, type: ATTRIBUTE_INT, i });

const node = (opType: string, input: string[], output: string[], attribute: object[] = []) => ({
  opType,
  name: output[0],
  input,
  output,
  attribute,
});

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
  const axis2 = new Uint8Array(BigInt64Array.of(2n).buffer);
  const { query, k, candidates } = EXACT_INPUTS;
  const message = ModelProto.fromObject({
    irVersion: 8,
    producerName: 'glimpse',
    docString: `exact inner-product top k over ${rows} × ${dim} float16 vectors`,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'exact_search',
      initializer: [
        {
          name: 'vectors',
          dataType: FLOAT16,
          dims: [rows, dim],
          dataLocation: EXTERNAL,
          externalData: [
            { key: 'location', value: dataFile },
            { key: 'offset', value: '0' },
            { key: 'length', value: String(rows * dim * 2) },
          ],
        },
        { name: 'axis2', dataType: INT64, dims: [1], rawData: axis2 },
      ],
      node: [
        node('Cast', [query], ['query16'], [intAttribute('to', FLOAT16)]),
        // Gemm with transB reads the vectors in the row order they were written: no transposed copy.
        node('Gemm', ['query16', 'vectors'], ['rough16'], [intAttribute('transB', 1)]),
        node('Cast', ['rough16'], ['rough'], [intAttribute('to', FLOAT)]),
        node('TopK', ['rough', candidates], ['rough_best', 'candidate_rows'], [intAttribute('axis', -1)]),
        node('Gather', ['vectors', 'candidate_rows'], ['candidates16'], [intAttribute('axis', 0)]),
        node('Cast', ['candidates16'], ['candidates32'], [intAttribute('to', FLOAT)]),
        node('Unsqueeze', [query, 'axis2'], ['query_column']),
        node('MatMul', ['candidates32', 'query_column'], ['exact_column']),
        node('Squeeze', ['exact_column', 'axis2'], ['exact']),
        node('TopK', ['exact', k], [EXACT_OUTPUTS.scores, 'best_positions'], [intAttribute('axis', -1)]),
        node(
          'GatherElements',
          ['candidate_rows', 'best_positions'],
          [EXACT_OUTPUTS.rows],
          [intAttribute('axis', 1)],
        ),
      ],
      input: [tensor(query, FLOAT, ['q', dim]), tensor(k, INT64, [1]), tensor(candidates, INT64, [1])],
      output: [
        tensor(EXACT_OUTPUTS.scores, FLOAT, ['q', 'k']),
        tensor(EXACT_OUTPUTS.rows, INT64, ['q', 'k']),
      ],
    },
  });
  return ModelProto.encode(message).finish();
}

// The part of the ONNX protobuf schema Glimpse's graph builders write, as a protobufjs reflection
// descriptor, with encode/decode of whole models (weights inline or in an external data file).
import protobuf from 'protobufjs';

/** ONNX TensorProto.DataType values used here (onnx.proto numbering). */
export const OnnxDataType = {
  float32: 1,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
} as const;
export type OnnxElemType = keyof typeof OnnxDataType;

/** ONNX AttributeProto.AttributeType values used here. */
const AttributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const;

/** Field numbers follow onnx.proto (IR version 8); only fields the builder sets or tests read are listed.
 *  Unlisted fields are skipped on decode, as protobuf allows. Nested messages of onnx.proto (TypeProto.Tensor,
 *  TensorShapeProto.Dimension) are flattened to top-level names: names never reach the wire. */
const messages: Record<string, protobuf.IType> = {
  ModelProto: {
    fields: {
      irVersion: { type: 'int64', id: 1 },
      producerName: { type: 'string', id: 2 },
      producerVersion: { type: 'string', id: 3 },
      modelVersion: { type: 'int64', id: 5 },
      docString: { type: 'string', id: 6 },
      graph: { type: 'GraphProto', id: 7 },
      opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
      metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
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
      docString: { type: 'string', id: 10 },
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
      docString: { type: 'string', id: 6 },
      domain: { type: 'string', id: 7 },
    },
  },
  AttributeProto: {
    fields: {
      name: { type: 'string', id: 1 },
      f: { type: 'float', id: 2 },
      i: { type: 'int64', id: 3 },
      ints: { rule: 'repeated', type: 'int64', id: 8 },
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
  ValueInfoProto: {
    fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } },
  },
  TypeProto: {
    fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } },
  },
  TypeProtoTensor: {
    fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
  },
  TensorShapeProto: {
    fields: { dim: { rule: 'repeated', type: 'TensorShapeDimension', id: 1 } },
  },
  TensorShapeDimension: {
    oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
    fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } },
  },
};

// onnx.proto is proto2: fields set to 0 (keepdims = 0, an empty dim) must still be written, as onnx.checker
// and onnxruntime tell "set to 0" from "absent". protobufjs reads JSON descriptors as proto3 unless told.
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

/** A tensor dimension: a fixed size, or a symbolic name such as "batch" for a dynamic axis. */
export type OnnxDim = number | string;

/** Where an initializer's bytes live in an external data file, relative to the .onnx file's folder. */
export interface OnnxExternalData {
  location: string;
  offset: number;
  length: number;
}

export interface OnnxTensor {
  name: string;
  dataType: number;
  dims: number[];
  /** Little-endian element bytes, as ONNX's raw_data; absent when `external` says where they are. */
  rawData?: Uint8Array;
  external?: OnnxExternalData;
}

interface OnnxValueInfo {
  name: string;
  elemType: number;
  dims: OnnxDim[];
}

export type OnnxAttributeValue = number | { int: number } | { ints: number[] };

export interface OnnxNode {
  opType: string;
  /** '' (or absent) for the standard operators; 'com.microsoft' for onnxruntime's contrib operators. */
  domain?: string;
  name: string;
  input: string[];
  output: string[];
  attributes: Record<string, OnnxAttributeValue>;
}

export interface OnnxGraph {
  name: string;
  docString: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

interface OnnxModel {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  docString: string;
  graph: OnnxGraph;
  /** Operator sets beyond the standard one, e.g. { 'com.microsoft': 1 }. */
  extraOpsets?: Record<string, number>;
}

/** ONNX TensorProto.DataLocation.EXTERNAL. */
const DATA_LOCATION_EXTERNAL = 1;

function tensorMessage(t: OnnxTensor): Record<string, unknown> {
  const base = { name: t.name, dataType: t.dataType, dims: t.dims };
  if (!t.external) return { ...base, rawData: t.rawData ?? new Uint8Array(0) };
  const { location, offset, length } = t.external;
  return {
    ...base,
    dataLocation: DATA_LOCATION_EXTERNAL,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
  };
}

function attributeMessage(name: string, value: OnnxAttributeValue): Record<string, unknown> {
  if (typeof value === 'number') return { name, type: AttributeType.FLOAT, f: value };
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  return { name, type: AttributeType.INTS, ints: value.ints };
}

function valueInfoMessage(v: OnnxValueInfo): Record<string, unknown> {
  const dim = v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name: v.name, type: { tensorType: { elemType: v.elemType, shape: { dim } } } };
}

/** Serialises a model to the bytes of an .onnx file. */
export function encodeModel(model: OnnxModel): Uint8Array {
  const g = model.graph;
  const message = ModelProto.fromObject({
    irVersion: model.irVersion,
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    docString: model.docString,
    opsetImport: [
      { domain: '', version: model.opset },
      ...Object.entries(model.extraOpsets ?? {}).map(([domain, version]) => ({ domain, version })),
    ],
    graph: {
      name: g.name,
      docString: g.docString,
      node: g.nodes.map((n) => ({
        opType: n.opType,
        domain: n.domain ?? '',
        name: n.name,
        input: n.input,
        output: n.output,
        attribute: Object.entries(n.attributes).map(([k, v]) => attributeMessage(k, v)),
      })),
      initializer: g.initializers.map(tensorMessage),
      input: g.inputs.map(valueInfoMessage),
      output: g.outputs.map(valueInfoMessage),
    },
  });
  return ModelProto.encode(message).finish();
}

/** What tests read back from a written file: opset, graph inputs/outputs and initializer element types. */
interface DecodedModelSummary {
  irVersion: number;
  opset: number;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: Array<{ name: string; dataType: number; dims: number[] }>;
  opTypes: string[];
  /** "domain:opType" of every node whose domain is not the standard one. */
  contribOps: string[];
}

interface DecodedValueInfo {
  name: string;
  type?: {
    tensorType?: { elemType?: number; shape?: { dim?: Array<{ dimValue?: number; dimParam?: string }> } };
  };
}

export function decodeModelSummary(bytes: Uint8Array): DecodedModelSummary {
  const obj = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: true }) as {
    irVersion: number;
    opsetImport: Array<{ version: number }>;
    graph: {
      input: DecodedValueInfo[];
      output: DecodedValueInfo[];
      initializer: Array<{ name: string; dataType: number; dims: number[] }>;
      node: Array<{ opType: string; domain: string }>;
    };
  };
  const info = (v: DecodedValueInfo): OnnxValueInfo => ({
    name: v.name,
    elemType: v.type?.tensorType?.elemType ?? 0,
    dims: (v.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || (d.dimValue ?? 0)),
  });
  return {
    irVersion: obj.irVersion,
    opset: obj.opsetImport[0]?.version ?? 0,
    inputs: obj.graph.input.map(info),
    outputs: obj.graph.output.map(info),
    initializers: obj.graph.initializer.map(({ name, dataType, dims }) => ({ name, dataType, dims })),
    opTypes: obj.graph.node.map((n) => n.opType),
    contribOps: obj.graph.node.filter((n) => n.domain).map((n) => `${n.domain}:${n.opType}`),
  };
}

// A small imperative builder for ONNX graphs: add initializers and nodes, get back value names to wire.
import { toFloat16 } from '../runtime/float16';
import type {
  OnnxAttributeValue,
  OnnxDim,
  OnnxElemType,
  OnnxExternalData,
  OnnxGraph,
  OnnxNode,
  OnnxTensor,
} from './onnx-proto';
import { OnnxDataType } from './onnx-proto';

export type WeightDtype = 'float32' | 'float16';

function bytesOf(view: ArrayBufferView): Uint8Array {
  // ONNX raw_data is little-endian; so are all machines onnxruntime-node ships for.
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}

function checkSize(name: string, length: number, dims: number[]): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== length) {
    throw new Error(`initializer ${name}: ${length} values do not fill dims [${dims.join(', ')}]`);
  }
}

export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly graph: Pick<OnnxGraph, 'inputs' | 'outputs'> = { inputs: [], outputs: [] };
  private counter = 0;

  /** @param weightDtype element type float weights are stored in; compute stays float32 (see `weight`). */
  constructor(
    private readonly name: string,
    private readonly weightDtype: WeightDtype,
  ) {}

  input(name: string, elemType: OnnxElemType, dims: OnnxDim[]): string {
    this.graph.inputs.push({ name, elemType: OnnxDataType[elemType], dims });
    return name;
  }

  output(name: string, elemType: OnnxElemType, dims: OnnxDim[]): void {
    this.graph.outputs.push({ name, elemType: OnnxDataType[elemType], dims });
  }

  /** A float weight stored in the builder's weight dtype. float16 weights get a Cast to float32 after them,
   *  so the graphs compute in float32 whatever they store: onnxruntime's CPU provider has float16 kernels
   *  for few of the ops used here (it wraps the others in Casts of its own), and a mean over 150k pixels or
   *  the expanded squared colour distances lose too much in float16 arithmetic. */
  weight(name: string, values: ArrayLike<number>, dims: number[]): string {
    checkSize(name, values.length, dims);
    if (this.weightDtype === 'float32') {
      return this.rawInitializer(name, 'float32', bytesOf(Float32Array.from(values)), dims);
    }
    const stored = this.rawInitializer(
      `${name}_f16`,
      'float16',
      bytesOf(toFloat16(Float32Array.from(values))),
      dims,
    );
    return this.node('Cast', [stored], { to: { int: OnnxDataType.float32 } }, name);
  }

  /** A float32 constant kept exact whatever the weight dtype: scalars and thresholds, a few bytes each. */
  constFloat(name: string, values: number[], dims: number[] = [values.length]): string {
    checkSize(name, values.length, dims);
    return this.rawInitializer(name, 'float32', bytesOf(Float32Array.from(values)), dims);
  }

  constInt64(name: string, values: number[], dims: number[] = [values.length]): string {
    checkSize(name, values.length, dims);
    return this.rawInitializer(name, 'int64', bytesOf(BigInt64Array.from(values, BigInt)), dims);
  }

  /** Adds a node and returns its (first) output name; `out` names it, else a unique name is made.
   *  `domain` is '' for standard operators, 'com.microsoft' for onnxruntime's contrib operators. */
  node(
    opType: string,
    input: string[],
    attributes: Record<string, OnnxAttributeValue> = {},
    out?: string,
    domain = '',
  ): string {
    return this.nodeOutputs(opType, input, [out ?? ''], attributes, domain)[0]!;
  }

  /** Adds a node with several outputs. An output named '' is made unique unless it is a skipped optional
   *  output, which `skip` marks by index (ONNX leaves those names empty). */
  nodeOutputs(
    opType: string,
    input: string[],
    outputs: string[],
    attributes: Record<string, OnnxAttributeValue> = {},
    domain = '',
    skip: number[] = [],
  ): string[] {
    const id = this.counter++;
    const output = outputs.map((o, i) =>
      skip.includes(i) ? '' : o || `${opType.toLowerCase()}_${id}${i ? `_${i}` : ''}`,
    );
    this.nodes.push({ opType, domain, name: `${opType}_${id}`, input, output, attributes });
    return output;
  }

  /** An initializer stored as given: `rawData` inline, or `external` bytes in a data file beside the model. */
  initializer(
    name: string,
    elemType: OnnxElemType,
    dims: number[],
    data: { rawData: Uint8Array } | { external: OnnxExternalData },
  ): string {
    if (this.initializers.some((t) => t.name === name)) throw new Error(`initializer ${name} defined twice`);
    this.initializers.push({ name, dataType: OnnxDataType[elemType], dims, ...data });
    return name;
  }

  build(docString: string): OnnxGraph {
    return {
      name: this.name,
      docString,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.graph.inputs,
      outputs: this.graph.outputs,
    };
  }

  private rawInitializer(name: string, elemType: OnnxElemType, rawData: Uint8Array, dims: number[]): string {
    return this.initializer(name, elemType, dims, { rawData });
  }
}

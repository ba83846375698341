// Where the graph writer gets each weight, as float32 in the graph's layout: a safetensors checkpoint
// (through the naming's recipes) or seeded random values (the random-weight twins for benchmarks).
import { toFloat16 } from '../../runtime/float16';
import type { ClipArchitecture, Naming } from './architecture';
import { CheckpointError, type SafetensorsFile } from './safetensors';
import { recipeFor, weightShape, type Recipe } from './weights';
import { mulberry32 } from '../../random';

export interface WeightSource {
  readonly arch: ClipArchitecture;
  /** Weight `name` (weights.ts naming) as float32, shaped as weightShape says. */
  read(name: string): Promise<Float32Array>;
  /** The weight already as float16 bits, where the source can make them cheaper than read + convert. */
  readFloat16?(name: string): Promise<Uint16Array>;
  close(): Promise<void>;
}

const TILE = 64;
/** Length of the random run a twin's weights repeat (a prime). */
const RANDOM_PERIOD = 65_537;

/** out[c][r] = src[r][c] for a rows×cols matrix, written into `out` at column offset `colOffset` of a
 *  row width `outCols` (so q, k and v can land side by side). Tiled: a plain loop misses cache every store. */
function transposeInto(
  src: Float32Array,
  rows: number,
  cols: number,
  out: Float32Array,
  outCols = rows,
  colOffset = 0,
): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let c = c0; c < c1; c++) {
        const base = c * outCols + colOffset;
        for (let r = r0; r < r1; r++) out[base + r] = src[r * cols + c]!;
      }
    }
  }
}

const sameDims = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

export class CheckpointSource implements WeightSource {
  private readonly present: Set<string>;

  constructor(
    private readonly file: SafetensorsFile,
    readonly arch: ClipArchitecture,
    private readonly naming: Naming,
  ) {
    this.present = new Set(file.tensors.keys());
  }

  private shapeOf(src: string): number[] {
    return this.file.tensors.get(src)!.shape;
  }

  private expect(src: string, dims: number[], weight: string): void {
    const got = this.shapeOf(src);
    if (!sameDims(got, dims))
      throw new CheckpointError(
        this.file.path,
        `${src} has shape [${got.join(', ')}], but the architecture read from the other tensors needs ` +
          `[${dims.join(', ')}] for ${weight}`,
      );
  }

  async read(name: string): Promise<Float32Array> {
    const dims = weightShape(name, this.arch);
    const r: Recipe = recipeFor(name, this.naming, this.present);
    switch (r.op) {
      case 'copy': {
        const count = dims.reduce((a, b) => a * b, 1);
        const got = this.shapeOf(r.src);
        // Class embeddings and biases may carry extra unit axes in some exports; the count must match.
        if (got.reduce((a, b) => a * b, 1) !== count) this.expect(r.src, dims, name);
        return this.file.readFloat32(r.src);
      }
      case 'transpose': {
        const [a, b] = dims as [number, number];
        this.expect(r.src, [b, a], name);
        const out = new Float32Array(a * b);
        transposeInto(await this.file.readFloat32(r.src), b, a, out);
        return out;
      }
      case 'pack-transposed': {
        const [w, w3] = dims as [number, number];
        const out = new Float32Array(w * w3);
        for (const [i, src] of r.srcs.entries()) {
          this.expect(src, [w, w], name);
          transposeInto(await this.file.readFloat32(src), w, w, out, w3, i * w);
        }
        return out;
      }
      case 'concat': {
        const out = new Float32Array(dims[0]!);
        let at = 0;
        for (const src of r.srcs) {
          this.expect(src, [dims[0]! / 3], name);
          const part = await this.file.readFloat32(src);
          out.set(part, at);
          at += part.length;
        }
        return out;
      }
    }
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

/** Random weights at open_clip's initialisation scales, so activations stay in range like a trained model's.
 *  Uniform with the normal's standard deviation (√3·σ half-width): cheap to draw, same scale. */
export class RandomSource implements WeightSource {
  constructor(
    readonly arch: ClipArchitecture,
    private readonly seed = 0,
  ) {}

  /** Mean and spread of weight `name`: open_clip's initialisation scales. */
  private scale(name: string, dims: number[]): [number, number] {
    const width = name.startsWith('visual.') ? this.arch.vision.width : this.arch.text.width;
    if (/ln_\w+\.weight$/.test(name)) return [1, 0.05];
    if (/\.bias$|token_embedding$/.test(name)) return [0, 0.02];
    if (dims.length === 4) return [0, 1 / Math.sqrt(3 * dims[2]! ** 2)];
    if (/embedding$/.test(name)) return [0, 1 / Math.sqrt(width)];
    return [0, 1 / Math.sqrt(dims[0]!)];
  }

  async read(name: string): Promise<Float32Array> {
    const dims = weightShape(name, this.arch);
    return this.draw(
      name,
      dims.reduce((x, y) => x * y, 1),
      ...this.scale(name, dims),
    );
  }

  /** The random run converted once and repeated as float16 bits: the twin skips a billion conversions. */
  async readFloat16(name: string): Promise<Uint16Array> {
    const dims = weightShape(name, this.arch);
    const count = dims.reduce((x, y) => x * y, 1);
    const period = Math.min(count, RANDOM_PERIOD);
    const out = new Uint16Array(count);
    toFloat16(this.draw(name, period, ...this.scale(name, dims)), out);
    for (let filled = period; filled < count; filled *= 2)
      out.copyWithin(filled, 0, Math.min(filled, count - filled));
    return out;
  }

  /** Values for a tensor named as a checkpoint names it: LayerNorm gains around 1, the rest small. */
  valuesFor(name: string, count: number): Float32Array {
    const gain = /(ln_\w*|layer_?norm\w*|layrnorm)\.weight$/.test(name);
    return this.draw(name, count, gain ? 1 : 0, gain ? 0.05 : 0.02);
  }

  private draw(name: string, count: number, mean: number, std: number): Float32Array {
    const out = new Float32Array(count);
    // Seeded by the weight's name, so reading a weight twice (the self-check does) gives the same values.
    let h = this.seed * 1_000_003;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    const rand = mulberry32(h);
    const half = std * Math.sqrt(3);
    // A prime-length random run, repeated: ViT-H's billion values in memcpy time rather than a billion
    // draws; the period divides no layer width, so rows and heads still differ.
    const period = Math.min(count, RANDOM_PERIOD);
    for (let i = 0; i < period; i++) out[i] = mean + (rand() * 2 - 1) * half;
    for (let filled = period; filled < count; filled *= 2)
      out.copyWithin(filled, 0, Math.min(filled, count - filled));
    return out;
  }

  async close(): Promise<void> {}
}

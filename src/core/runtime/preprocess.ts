// Image preprocessing for the visual tower: normalises packed RGB into an NCHW batch tensor in the model's
// dtype (decode.ts turns a file into that RGB).
import { float32ToFloat16Bits } from './float16';
import type { PreprocessSpec } from './types';

/** Per-channel lookup tables: a uint8 level's normalised value in float32, and the same value as
 *  float16 bits (rounded once from the float32 value, so both dtypes agree exactly). */
interface NormaliseTables {
  f32: [Float32Array, Float32Array, Float32Array];
  f16: [Uint16Array, Uint16Array, Uint16Array];
}

const LEVELS = 256; // uint8 input
const tableCache = new Map<string, NormaliseTables>();

function normaliseTables(spec: PreprocessSpec): NormaliseTables {
  const key = `${spec.mean.join(',')}|${spec.std.join(',')}`;
  let tables = tableCache.get(key);
  if (tables) return tables;
  const f32 = [0, 1, 2].map(() => new Float32Array(LEVELS)) as NormaliseTables['f32'];
  const f16 = [0, 1, 2].map(() => new Uint16Array(LEVELS)) as NormaliseTables['f16'];
  for (let c = 0; c < 3; c++) {
    const mean = Math.fround(spec.mean[c]!);
    const std = Math.fround(spec.std[c]!);
    if (!(std > 0)) throw new RangeError(`writeTensor: std[${c}] must be positive, got ${spec.std[c]}`);
    for (let v = 0; v < LEVELS; v++) {
      // Each step rounds to float32 exactly as ToTensor (x / 255) then Normalize ((x − mean) / std) do
      // in PyTorch's float32 arithmetic, so the tables reproduce the reference bit for bit.
      const value = Math.fround(Math.fround(Math.fround(v / 255) - mean) / std);
      f32[c]![v] = value;
      f16[c]![v] = float32ToFloat16Bits(value);
    }
  }
  tables = { f32, f16 };
  tableCache.set(key, tables);
  return tables;
}

/**
 * Normalises packed RGB (`imageSize` × `imageSize` × 3, row-major, as decodeForModel returns it) into
 * item `index` of an NCHW batch. A Float32Array receives float32 values; a Uint16Array receives float16
 * bits looked up directly, never via float32 conversion at write time.
 */
export function writeTensor(
  rgb: Uint8Array,
  spec: PreprocessSpec,
  out: Float32Array | Uint16Array,
  index: number,
): void {
  const plane = spec.imageSize * spec.imageSize;
  if (rgb.length !== plane * 3) {
    throw new RangeError(
      `writeTensor: rgb has ${rgb.length} bytes, expected ${plane * 3} for ${spec.imageSize}×${spec.imageSize}×3`,
    );
  }
  const base = index * 3 * plane;
  if (!Number.isInteger(index) || index < 0 || base + 3 * plane > out.length) {
    throw new RangeError(
      `writeTensor: item ${index} does not fit a batch tensor of ${out.length} values (${3 * plane} per item)`,
    );
  }
  const tables = normaliseTables(spec);
  const [r, g, b] = out instanceof Float32Array ? tables.f32 : tables.f16;
  const gBase = base + plane;
  const bBase = base + 2 * plane;
  for (let i = 0, p = 0; i < plane; i++, p += 3) {
    out[base + i] = r[rgb[p]!]!;
    out[gBase + i] = g[rgb[p + 1]!]!;
    out[bBase + i] = b[rgb[p + 2]!]!;
  }
}

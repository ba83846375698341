// IEEE 754 binary16 ⇄ binary32 conversion for model tensors: Node 20 has no Float16Array, so float16
// inputs are written as raw bits in a Uint16Array and float16 outputs are widened here.

/** Anything that stores float16 values two bytes each: a Uint16Array of raw bits, or the Float16Array
 *  that newer runtimes (Electron 45's Node) hand back from onnxruntime-node. Only the buffer view is read,
 *  so no global Float16Array needs to exist for this to type-check or run. */
interface Float16Data {
  readonly buffer: ArrayBufferLike;
  readonly byteOffset: number;
  readonly length: number;
  readonly BYTES_PER_ELEMENT: number;
}

const F32_INF_BITS = 0x7f800000;
/** Smallest float32 whose float16 rounding overflows: 65520 = 2^15 × (2 − 2^-11), the midpoint between
 *  float16's largest finite value 65504 and the next step, which rounds (to even) up to infinity. */
const F32_HALF_OVERFLOW_BITS = 0x477ff000;
/** 2^-14, float16's smallest normal: anything below becomes a float16 subnormal or zero. */
const F32_HALF_MIN_NORMAL_BITS = 0x38800000;
/** 2^-25, half of float16's smallest subnormal 2^-24: at or below this a value rounds (to even) to zero. */
const F32_HALF_ZERO_LIMIT_BITS = 0x33000000;

// One scratch cell reinterprets a single number's float32 bits without allocating.
const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** float16 bits of float32 bits `x`, rounding to nearest, ties to even; NaN stays NaN (quiet),
 *  overflow becomes ±infinity, tiny values become subnormals or ±0. */
function halfFromFloatBits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const abs = x & 0x7fffffff;
  if (abs >= F32_HALF_OVERFLOW_BITS) {
    return sign | (abs > F32_INF_BITS ? 0x7e00 | ((abs >>> 13) & 0x3ff) : 0x7c00);
  }
  if (abs >= F32_HALF_MIN_NORMAL_BITS) {
    // Rebias the exponent (127 → 15) and round the 13 dropped mantissa bits: adding 0xfff plus the lowest
    // kept bit carries exactly when the dropped part is above half, or half with an odd kept part.
    const odd = (abs >>> 13) & 1;
    return sign | ((abs - ((127 - 15) << 23) + 0xfff + odd) >>> 13);
  }
  if (abs <= F32_HALF_ZERO_LIMIT_BITS) return sign;
  // Subnormal result: restore the implicit bit and shift the 24-bit significand down so that one unit
  // is 2^-24; the shift is 14..24 bits here, rounded to nearest-even by hand.
  const exp = abs >>> 23;
  const significand = (abs & 0x7fffff) | 0x800000;
  const shift = 126 - exp;
  const kept = significand >>> shift;
  const dropped = significand & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  const roundUp = dropped > halfway || (dropped === halfway && (kept & 1) === 1);
  return sign | (kept + (roundUp ? 1 : 0));
}

/** float16 bits of one number (rounded to float32 first, as a Float32Array store would). */
export function float32ToFloat16Bits(value: number): number {
  scratchF32[0] = value;
  return halfFromFloatBits(scratchU32[0]!);
}

/** Converts a float32 array to float16 bits, element by element, into `out` (allocated when absent). */
export function toFloat16(src: Float32Array, out: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  if (out.length < src.length) {
    throw new RangeError(`toFloat16: output holds ${out.length} values, input has ${src.length}`);
  }
  // Reading the float32 bits through an aliasing Uint32Array view costs nothing and keeps every
  // conversion in integer arithmetic.
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfFromFloatBits(bits[i]!);
  return out;
}

/** The same conversion written with plain arithmetic and no bit tricks: slow, but easy to check by eye.
 *  Tests compare the fast path against it, and tools/reference/measure-preprocess.ts times both. */
export function float32ToFloat16BitsNaive(value: number): number {
  const v = Math.fround(value);
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a >= 65520) return sign | 0x7c00;
  // Below 2^-14 float16 counts in steps of 2^-24; a × 2^24 is exact in float64.
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  let mant = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (mant === 1024) {
    mant = 0;
    e++;
  }
  return sign | ((e + 15) << 10) | mant;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const frac = x - floor;
  if (frac > 0.5) return floor + 1;
  if (frac < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The float32 value of float16 bits `h` (exact: every float16 is a float32). */
export function float16BitsToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

let widenTable: Float32Array | undefined;

/** All 65536 float16 values as float32, built on first use (256 KiB): widening is then one load per
 *  element, which beats any bit manipulation in JavaScript. */
function float16Table(): Float32Array {
  if (!widenTable) {
    widenTable = new Float32Array(0x10000);
    for (let h = 0; h < 0x10000; h++) widenTable[h] = float16BitsToFloat32(h);
  }
  return widenTable;
}

/** Widens float16 data (raw bits in a Uint16Array, or a runtime Float16Array) to a Float32Array. */
export function toFloat32(data: Uint16Array | Float16Data, out?: Float32Array): Float32Array {
  if (data.BYTES_PER_ELEMENT !== 2) {
    throw new TypeError(
      `toFloat32: expected float16 data (2 bytes per element), got ${data.constructor.name} with ${data.BYTES_PER_ELEMENT}`,
    );
  }
  // A Float16Array is read through a Uint16Array view of its bytes: the table then does the conversion,
  // and the result is the same whether or not the runtime has Float16Array.
  const bits =
    data instanceof Uint16Array ? data : new Uint16Array(data.buffer, data.byteOffset, data.length);
  const result = out ?? new Float32Array(bits.length);
  if (result.length < bits.length) {
    throw new RangeError(`toFloat32: output holds ${result.length} values, input has ${bits.length}`);
  }
  const table = float16Table();
  for (let i = 0; i < bits.length; i++) result[i] = table[bits[i]!]!;
  return result;
}

// Re-checks an exported Glimpse CLIP bundle against the torch outputs stored in its verify/ folder, with
// onnxruntime-node on the CPU or the GPU, at several batch sizes (the batch axis must be dynamic).
// Usage: node tools/export/check_bundle.mjs BUNDLE [--provider cpu|cuda] [--batches 1,5] [--min-cosine X]
// Plain ESM JavaScript so it runs on a GPU host that has node but no tsx; `require` honours NODE_PATH there.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');

const USAGE =
  'usage: node tools/export/check_bundle.mjs BUNDLE [--provider cpu|cuda] [--batches 1,5] [--min-cosine X]';

/** float32 -> IEEE half bits, round to nearest even; onnxruntime-node takes float16 tensors as Uint16Array. */
export function toFloat16Bits(values) {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i];
    const x = u32[0];
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0); // inf or NaN
      continue;
    }
    let e = exp - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00; // overflow to inf
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign; // underflow to signed zero
        continue;
      }
      mant |= 0x800000; // subnormal half: shift the implicit bit in
      const shift = 14 - e;
      const half = mant >>> shift;
      const rest = mant & ((1 << shift) - 1);
      const mid = 1 << (shift - 1);
      out[i] = sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
      continue;
    }
    const half = (e << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    // Carry from rounding may bump the exponent, which is still the right half value (up to inf).
    out[i] = sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
  }
  return out;
}

export function fromFloat16Bits(bits) {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = h & 0x8000 ? -1 : 1;
    const e = (h >>> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0) out[i] = sign * m * 2 ** -24;
    else if (e === 0x1f) out[i] = m ? NaN : sign * Infinity;
    else out[i] = sign * (1 + m / 1024) * 2 ** (e - 15);
  }
  return out;
}

function readTensor(dir, entry, where) {
  const bytes = readFileSync(join(dir, entry.file));
  const Type = { float32: Float32Array, int64: BigInt64Array }[entry.dtype];
  if (!Type) throw new Error(`${where}: dtype "${entry.dtype}" is not float32 or int64`);
  const count = entry.shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * Type.BYTES_PER_ELEMENT) {
    throw new Error(
      `${where}: ${entry.file} has ${bytes.length} bytes, shape ${entry.shape} needs ${count * Type.BYTES_PER_ELEMENT}`,
    );
  }
  // Copy into a fresh buffer: Buffer slices need not be aligned for typed-array views.
  return new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/** Rows 0..batch-1 of the batch are items (i mod n): a batch larger than the stored set repeats items. */
function tile(data, itemSize, items, batch) {
  const out = new data.constructor(batch * itemSize);
  for (let b = 0; b < batch; b++)
    out.set(data.subarray((b % items) * itemSize, ((b % items) + 1) * itemSize), b * itemSize);
  return out;
}

function cosine(a, b) {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.max(Math.sqrt(na * nb), 1e-30);
}

function makeInput(tower, kind, data, shape) {
  if (kind === 'visual') {
    return tower.dtype === 'float16'
      ? new ort.Tensor('float16', toFloat16Bits(data), shape)
      : new ort.Tensor('float32', data, shape);
  }
  if (tower.idsDtype === 'int32') return new ort.Tensor('int32', Int32Array.from(data, Number), shape);
  return new ort.Tensor('int64', data, shape);
}

async function checkTower(bundleDir, model, index, kind, provider, batches, minCosine) {
  const tower = model[kind];
  const spec = index[kind];
  const where = join(bundleDir, 'verify', 'index.json');
  const input = readTensor(join(bundleDir, 'verify'), spec.input, `${where} (${kind}.input)`);
  const expected = readTensor(join(bundleDir, 'verify'), spec.expected, `${where} (${kind}.expected)`);
  const [items, ...itemShape] = spec.input.shape;
  const itemSize = itemShape.reduce((a, b) => a * b, 1);
  const dim = spec.expected.shape[1];
  const session = await ort.InferenceSession.create(join(bundleDir, tower.file), {
    executionProviders: provider === 'cuda' ? [{ name: 'cuda', deviceId: 0 }] : ['cpu'],
  });
  const results = {};
  let ok = true;
  for (const batch of batches) {
    const feeds = {
      [tower.input]: makeInput(tower, kind, tile(input, itemSize, items, batch), [batch, ...itemShape]),
    };
    const started = performance.now();
    const output = (await session.run(feeds))[tower.output];
    const ms = performance.now() - started;
    if (output.dims[0] !== batch || output.dims[1] !== dim) {
      throw new Error(`${kind}: batch ${batch} gave shape [${output.dims}], expected [${batch},${dim}]`);
    }
    const values = output.type === 'float16' ? fromFloat16Bits(output.data) : output.data;
    const cos = [];
    for (let b = 0; b < batch; b++) {
      const row = (b % items) * dim;
      cos.push(cosine(values.subarray(b * dim, (b + 1) * dim), expected.subarray(row, row + dim)));
    }
    const good = Math.min(...cos) >= minCosine;
    ok &&= good;
    results[batch] = { cosines: cos.map((c) => Number(c.toFixed(7))), ms: Number(ms.toFixed(1)) };
    console.log(
      `${kind} batch ${batch} on ${provider}: cosine ${cos.map((c) => c.toFixed(6)).join(', ')} ` +
        `(need >= ${minCosine}) ${good ? 'ok' : 'FAILED'} in ${ms.toFixed(1)} ms`,
    );
  }
  await session.release();
  return { ok, results };
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      provider: { type: 'string', default: 'cpu' },
      batches: { type: 'string' },
      'min-cosine': { type: 'string' },
    },
  });
  if (positionals.length !== 1 || !['cpu', 'cuda'].includes(values.provider)) {
    console.error(USAGE);
    return 2;
  }
  const bundleDir = positionals[0];
  const model = JSON.parse(readFileSync(join(bundleDir, 'model.json'), 'utf8'));
  const index = JSON.parse(readFileSync(join(bundleDir, 'verify', 'index.json'), 'utf8'));
  const items = index.visual.input.shape[0];
  const batches = values.batches ? values.batches.split(',').map(Number) : [items];
  if (batches.some((b) => !Number.isInteger(b) || b < 1)) {
    console.error(`--batches: "${values.batches}" is not a list of positive integers`);
    return 2;
  }
  const minCosine = values['min-cosine'] ? Number(values['min-cosine']) : index.minCosine;
  const summary = { bundle: model.id, provider: values.provider, minCosine, ok: true, towers: {} };
  for (const kind of ['visual', 'textual']) {
    const r = await checkTower(bundleDir, model, index, kind, values.provider, batches, minCosine);
    summary.ok &&= r.ok;
    summary.towers[kind] = r.results;
  }
  console.log(JSON.stringify(summary));
  return summary.ok ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}

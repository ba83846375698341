// Measures the GPU decoder's model input against (a) the same resize maths run on the CPU over sharp's
// full-size decode — the difference is nvJPEG's decode against libjpeg-turbo's —, (b) the CPU path
// (decodeForModel) and, where a Python with PIL and numpy is found, (c) open_clip's transform, in
// docs/PREPROCESSING.md's metric (|Δ| in normalised units). Needs a machine where `glimpse doctor` shows
// GPU photo decoding; the bound is mean ≤ 0.010, worst ≤ 0.060.
//
//   npx tsx tools/reference/measure-gpu-decode.ts --images DIR [--limit N] [--json OUT] [--python PATH] [--host]
//
// --host needs no GPU: the kernel's maths run on the CPU over sharp's full-size decode in place of the
// GPU's output, which measures the resampling against open_clip on its own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { loadGpuJpegAddon, probeGpuDecoder } from '../../src/core/decode/gpu-addon';
import { GpuJpegDecoder } from '../../src/core/decode/gpu-jpeg';
import { addonPlan, asOrientation, orientPixels } from '../../src/core/decode/orientation';
import { readOrientation } from '../../src/core/indexer/exif';
import { decodeForModel } from '../../src/core/decode/cpu-decode';
import { writeTensor } from '../../src/core/runtime/preprocess';
import { VIT_H_14_PREPROCESS } from '../../src/core/runtime/types';

const SPEC = VIT_H_14_PREPROCESS;
const ITEM = 3 * SPEC.imageSize * SPEC.imageSize;

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    limit: { type: 'string', default: '64' },
    json: { type: 'string' },
    python: { type: 'string' },
    host: { type: 'boolean', default: false },
  },
});
if (!values.images) throw new Error('measure-gpu-decode: --images DIR is required');

const normalised = (rgb: Uint8Array) => {
  const out = new Float32Array(ITEM);
  writeTensor(rgb, SPEC, out, 0);
  return out;
};

function compare(a: Float32Array, b: Float32Array, offset = 0) {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < ITEM; i++) {
    const d = Math.abs(a[i]! - b[offset + i]!);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / ITEM, max };
}

function pythonWithPil(explicit?: string): string | null {
  for (const c of [explicit, process.env.PYTHON, 'python3', '/usr/bin/python3']) {
    if (c && spawnSync(c, ['-c', 'import PIL, numpy'], { stdio: 'ignore' }).status === 0) return c;
  }
  return null;
}

const { addon } = loadGpuJpegAddon();
if (!addon) throw new Error('measure-gpu-decode: the GPU JPEG addon is not built (npm run setup:gpu-jpeg)');
const files = readdirSync(values.images)
  .filter((n) => ['.jpg', '.jpeg'].includes(extname(n).toLowerCase()))
  .slice(0, Number(values.limit))
  .map((n) => join(values.images!, n));
const bytes = files.map((f) => readFileSync(f));

/** The kernel's maths on the CPU over sharp's decode of the stored frame, turned upright. */
async function sameMathsOnCpu(file: Buffer): Promise<Uint8Array> {
  const stored = await sharp(file, { autoOrient: false }).raw().toBuffer({ resolveWithObject: true });
  const o = asOrientation(await readOrientation(file));
  const host = addon!.resampleHost(
    stored.data,
    Int32Array.from(addonPlan(stored.info.width, stored.info.height, o, SPEC)),
    SPEC.imageSize,
    0,
  );
  return orientPixels(host.model, SPEC.imageSize, SPEC.imageSize, o).rgb;
}

let outcomes;
let decoderSummary;
if (values.host) {
  outcomes = await Promise.all(
    bytes.map(async (b) => ({ ok: true as const, input: { rgb: await sameMathsOnCpu(b) }, decoder: 'cpu' })),
  );
  decoderSummary = 'host: the resize maths on the CPU over sharp decodes (no GPU)';
} else {
  const { decoder, reason } = GpuJpegDecoder.open();
  if (!decoder) throw new Error(`measure-gpu-decode: ${reason}`);
  outcomes = await decoder.decode(
    files.map((name, i) => ({ name, bytes: bytes[i]! })),
    SPEC,
    {},
  );
  decoderSummary = probeGpuDecoder().summary;
}
const decoded = outcomes.flatMap((o, i) =>
  o.ok && 'input' in o ? [{ file: files[i]!, bytes: bytes[i]!, rgb: o.input.rgb }] : [],
);
const handedBack = outcomes.flatMap((o, i) => ('fallback' in o ? [`${files[i]}: ${o.fallback}`] : []));

const python = pythonWithPil(values.python);
let openClip: Float32Array | null = null;
if (python && decoded.length) {
  const out = join(mkdtempSync(join(tmpdir(), 'glimpse-gpu-ref-')), 'ref.bin');
  const script = join(import.meta.dirname, 'openclip_preprocess_ref.py');
  const run = spawnSync(python, [script, '--out', out, ...decoded.map((d) => d.file)], { stdio: 'inherit' });
  if (run.status === 0) {
    const ref = readFileSync(out);
    openClip = new Float32Array(ref.buffer, ref.byteOffset, ref.length / 4);
  }
}

interface Fidelity {
  mean: number;
  max: number;
}
const rows: Array<{
  file: string;
  vsSameMathsOnCpu: Fidelity;
  vsCpuPath: Fidelity;
  vsOpenClip: Fidelity | null;
}> = [];
for (const [k, d] of decoded.entries()) {
  const gpu = normalised(d.rgb);
  const cpu = await decodeForModel(d.bytes, SPEC);
  rows.push({
    file: d.file,
    vsSameMathsOnCpu: compare(gpu, normalised(await sameMathsOnCpu(d.bytes))),
    vsCpuPath: compare(gpu, normalised(cpu.rgb)),
    vsOpenClip: openClip ? compare(gpu, openClip, k * ITEM) : null,
  });
}

const summarise = (pick: (r: (typeof rows)[number]) => Fidelity | null) => {
  const all = rows.map(pick).filter((x): x is Fidelity => x !== null);
  if (!all.length) return null;
  return {
    mean: all.reduce((s, x) => s + x.mean, 0) / all.length,
    worstMean: Math.max(...all.map((x) => x.mean)),
    max: Math.max(...all.map((x) => x.max)),
  };
};
const report = {
  date: new Date().toISOString(),
  decoder: decoderSummary,
  files: files.length,
  decodedOnGpu: decoded.length,
  handedBack,
  vsSameMathsOnCpu: summarise((r) => r.vsSameMathsOnCpu),
  vsCpuPath: summarise((r) => r.vsCpuPath),
  vsOpenClip: summarise((r) => r.vsOpenClip),
  openClipReference: openClip ? python : 'skipped: no Python with PIL and numpy',
  perFile: rows,
};
if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify({ ...report, perFile: undefined }, null, 2));

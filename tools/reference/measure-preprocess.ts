// Measures Glimpse's sharp preprocessing against open_clip's transform (openclip_preprocess_ref.py) on real
// photos, for each resampling strategy: fidelity (mean and max |Δ| in normalised units) and speed
// (images/s pinned to 1 core and to 2 cores), plus float16 conversion and writeTensor timings.
//
//   npx tsx tools/reference/measure-preprocess.ts [--data DIR] [--work DIR] [--python PATH] [--seconds N]
//     [--repeats N] [--fidelity-only]
//
// DIR defaults to scikit-image's sample photos (/usr/lib/python3/dist-packages/skimage/data); the corpus
// (JPEG conversions and 12–18 MP upscales and mosaics) is built under --work once and reused.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { float32ToFloat16BitsNaive, toFloat16, toFloat32 } from '../../src/core/runtime/float16';
import { decodeForModel, planResize, type Resampling } from '../../src/core/decode/cpu-decode';
import { writeTensor } from '../../src/core/runtime/preprocess';
import { VIT_H_14_PREPROCESS } from '../../src/core/runtime/types';
import { buildCorpus, type CorpusImage } from './corpus';

const SPEC = VIT_H_14_PREPROCESS;
const ITEM = 3 * SPEC.imageSize * SPEC.imageSize;
/** The indexer's thumbnail: longest side 256 px. */
const THUMBNAIL_SIZE = 256;

interface Method {
  name: string;
  run: (file: string, thumbnail: boolean) => Promise<Uint8Array>;
}

const viaDecode = (resampling: Resampling) => async (file: string, thumbnail: boolean) =>
  (await decodeForModel(file, SPEC, { resampling, thumbnailSize: thumbnail ? THUMBNAIL_SIZE : undefined }))
    .rgb;
const direct = (fastShrinkOnLoad: boolean) =>
  viaDecode({ via: 'direct', fastShrinkOnLoad, intermediateShortSide: 0 });
const intermediate = (intermediateShortSide: number, fastShrinkOnLoad: boolean) =>
  viaDecode({ via: 'intermediate', fastShrinkOnLoad, intermediateShortSide });

/** Thumbnail for the baselines below, from a second pipeline over the same file. */
const baselineThumbnail = (file: string) =>
  sharp(file, { autoOrient: true })
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside' })
    .webp()
    .toBuffer();

const METHODS: Method[] = [
  {
    // sharp's own cover crop: its rounding of the resized size and crop offset differ from torchvision's.
    name: "sharp fit 'cover' (its own crop arithmetic)",
    run: async (file, thumbnail) => {
      const [rgb] = await Promise.all([
        sharp(file, { autoOrient: true })
          .resize(SPEC.imageSize, SPEC.imageSize, { fit: 'cover', kernel: 'cubic' })
          .toColourspace('srgb')
          .raw()
          .toBuffer(),
        thumbnail ? baselineThumbnail(file) : undefined,
      ]);
      return rgb;
    },
  },
  { name: '(a) direct, fast shrink-on-load', run: direct(true) },
  { name: '(b) direct, gentle shrink-on-load', run: direct(false) },
  {
    // pipelineColourspace() stops sharp from reloading the JPEG at a reduced scale; sRGB photos only.
    name: '(b′) no shrink-on-load',
    run: async (file, thumbnail) => {
      const meta = await sharp(file, { autoOrient: true }).metadata();
      const plan = planResize(meta.autoOrient.width, meta.autoOrient.height, SPEC);
      const [resized] = await Promise.all([
        sharp(file, { autoOrient: true })
          .pipelineColourspace('srgb')
          .resize(plan.resizeWidth, plan.resizeHeight, { fit: 'fill', kernel: 'cubic' })
          .toColourspace('srgb')
          .raw()
          .toBuffer(),
        thumbnail ? baselineThumbnail(file) : undefined,
      ]);
      const rgb = new Uint8Array(ITEM);
      for (let y = 0; y < SPEC.imageSize; y++) {
        const from = ((plan.top + y) * plan.resizeWidth + plan.left) * 3;
        rgb.set(resized.subarray(from, from + SPEC.imageSize * 3), y * SPEC.imageSize * 3);
      }
      return rgb;
    },
  },
  { name: '(c) 256 px intermediate, fast', run: intermediate(256, true) },
  { name: '(c) 448 px intermediate, fast', run: intermediate(448, true) },
  { name: '(c) 448 px intermediate, gentle', run: intermediate(448, false) },
  { name: '(c) 512 px intermediate, gentle', run: intermediate(512, false) },
  { name: '(c) 672 px intermediate, gentle', run: intermediate(672, false) },
];

/** A Python that can import PIL and numpy: $PYTHON, else python3, else Debian's /usr/bin/python3. */
function findPython(explicit?: string): string {
  for (const candidate of [explicit, process.env.PYTHON, 'python3', '/usr/bin/python3']) {
    if (!candidate) continue;
    if (spawnSync(candidate, ['-c', 'import PIL, numpy'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  throw new Error('measure-preprocess: no Python with PIL and numpy found; pass --python PATH');
}

/** open_clip's tensors for `files`, from the Python reference, as one float32 NCHW array. */
function reference(python: string, files: string[], out: string): Float32Array {
  const script = join(import.meta.dirname, 'openclip_preprocess_ref.py');
  const run = spawnSync(python, [script, '--out', out, ...files], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`measure-preprocess: ${script} exited with ${run.status}`);
  const bytes = readFileSync(out);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

interface Fidelity {
  mean: number;
  max: number;
}

function compare(ours: Float32Array, ref: Float32Array, offset: number): Fidelity {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < ITEM; i++) {
    const d = Math.abs(ours[i]! - ref[offset + i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / ITEM, max };
}

const fmt = (x: number, digits = 4) => x.toFixed(digits);
/** Above this mean |Δ| between the two decoders, the difference is colour management, not rounding. */
const COLOUR_MANAGED_FLOOR = 0.001;

/** Decoder floor: the reference fed sharp's own full-size decode (saved as lossless PNG) against the
 *  reference fed the file itself. Whatever this shows comes from decoding (mozjpeg vs libjpeg-turbo,
 *  and sharp's conversion of embedded ICC profiles to sRGB, which PIL skips), not from resizing. */
async function decoderFloor(
  python: string,
  corpus: CorpusImage[],
  work: string,
): Promise<Map<string, Fidelity>> {
  const pngs: string[] = [];
  for (const c of corpus) {
    const png = c.file.replace(/\.(jpg|png)$/, '.sharp-decoded.png');
    if (!existsSync(png)) await sharp(c.file, { autoOrient: true }).png({ compressionLevel: 1 }).toFile(png);
    pngs.push(png);
  }
  const a = reference(
    python,
    corpus.map((c) => c.file),
    join(work, 'ref-original.bin'),
  );
  const b = reference(python, pngs, join(work, 'ref-sharp-decoded.bin'));
  const result = new Map<string, Fidelity>();
  corpus.forEach((c, i) => result.set(c.file, compare(b.subarray(i * ITEM, (i + 1) * ITEM), a, i * ITEM)));
  return result;
}

interface Rate {
  /** Images per wall-clock second. */
  wall: number;
  /** Images per CPU second of the whole process (all threads): on a shared, busy machine this is the
   *  steadier number, and pinned to one core it is what that core delivers when it is not contended. */
  cpu: number;
}

/** Throughput of one method over `files`, `inFlight` decodes at a time, for about `seconds`. */
async function throughput(
  method: Method,
  files: string[],
  thumbnail: boolean,
  inFlight: number,
  seconds: number,
): Promise<Rate> {
  for (const f of files) await method.run(f, thumbnail); // warm up: page cache, code paths
  let done = 0;
  let next = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline || next % files.length !== 0) {
      await method.run(files[next++ % files.length]!, thumbnail);
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const cpu = process.cpuUsage(cpu0);
  return { wall: done / ((performance.now() - start) / 1000), cpu: done / ((cpu.user + cpu.system) / 1e6) };
}

/** Runs the throughput measurement in a child pinned to `cores` CPUs (taskset), so 1-core numbers are
 *  not helped by the second core through libuv's other threads. */
function pinnedThroughput(cores: number, args: Record<string, unknown>): Rate {
  const cpus = Array.from({ length: cores }, (_, i) => i).join(',');
  const child = spawnSync(
    'taskset',
    [
      '-c',
      cpus,
      process.execPath,
      ...process.execArgv,
      import.meta.filename,
      '--child',
      JSON.stringify(args),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (child.status !== 0) throw new Error(`measure-preprocess: throughput child exited with ${child.status}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Rate;
}

/** ns per element of float16 conversion and writeTensor, on a 32-image batch. */
function tensorTimings(): string[] {
  const batch = 32;
  const n = batch * ITEM;
  const src = new Float32Array(n);
  for (let i = 0; i < n; i++) src[i] = (((i * 2654435761) >>> 0) / 2 ** 32) * 4 - 2; // spread over ±2
  const half = new Uint16Array(n);
  const back = new Float32Array(n);
  const time = (fn: () => void, reps: number) => {
    fn();
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    return ((performance.now() - t0) * 1e6) / reps;
  };
  const naive = time(() => {
    for (let i = 0; i < n; i++) half[i] = float32ToFloat16BitsNaive(src[i]!);
  }, 2);
  const fast = time(() => toFloat16(src, half), 10);
  const widen = time(() => toFloat32(half, back), 10);
  const rgb = new Uint8Array(ITEM).map((_, i) => (i * 31) & 0xff);
  const f32 = new Float32Array(n);
  const f16 = new Uint16Array(n);
  const w32 = time(() => {
    for (let b = 0; b < batch; b++) writeTensor(rgb, SPEC, f32, b);
  }, 10);
  const w16 = time(() => {
    for (let b = 0; b < batch; b++) writeTensor(rgb, SPEC, f16, b);
  }, 10);
  return [
    `| float32 → float16, plain arithmetic | ${fmt(naive / n, 2)} ns/element |`,
    `| float32 → float16, bit trick (toFloat16) | ${fmt(fast / n, 2)} ns/element |`,
    `| float16 → float32, table (toFloat32) | ${fmt(widen / n, 2)} ns/element |`,
    `| writeTensor → Float32Array | ${fmt(w32 / batch / 1e6, 3)} ms/image (${fmt(w32 / n, 2)} ns/element) |`,
    `| writeTensor → float16 bits | ${fmt(w16 / batch / 1e6, 3)} ms/image (${fmt(w16 / n, 2)} ns/element) |`,
  ];
}

async function childMain(args: {
  method: string;
  files: string[];
  thumbnail: boolean;
  inFlight: number;
  seconds: number;
}) {
  const method = METHODS.find((m) => m.name === args.method)!;
  const rate = await throughput(method, args.files, args.thumbnail, args.inFlight, args.seconds);
  process.stdout.write(`${JSON.stringify(rate)}\n`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: '/usr/lib/python3/dist-packages/skimage/data' },
      work: { type: 'string', default: join(tmpdir(), 'glimpse-preprocess-corpus') },
      python: { type: 'string' },
      seconds: { type: 'string', default: '3' },
      repeats: { type: 'string', default: '2' },
      child: { type: 'string' },
      'fidelity-only': { type: 'boolean', default: false },
    },
  });
  if (values.child) return childMain(JSON.parse(values.child));
  const python = findPython(values.python);
  const corpus = await buildCorpus(values.data, values.work);
  const files = corpus.map((c) => c.file);
  console.log(`Corpus (${values.work}):`);
  for (const c of corpus) console.log(`  ${c.label} ${(statSync(c.file).size / 1e6).toFixed(2)} MB`);

  const ref = reference(python, files, join(values.work, 'ref.bin'));
  const floor = await decoderFloor(python, corpus, values.work);
  for (const c of corpus) if (floor.get(c.file)!.mean > COLOUR_MANAGED_FLOOR) c.group = 'colour-managed';
  const ours = new Float32Array(ITEM);
  const lines = ['| method | group | mean abs Δ | max abs Δ | worst image (mean) |', '|---|---|---|---|---|'];
  const perImage: string[] = [];
  for (const method of METHODS) {
    for (const group of ['native', 'large', 'colour-managed'] as const) {
      let sum = 0;
      let max = 0;
      let worst = { label: '', mean: 0 };
      const count = corpus.filter((c) => c.group === group).length;
      if (count === 0) continue;
      for (const [i, c] of corpus.entries()) {
        if (c.group !== group) continue;
        writeTensor(await method.run(c.file, false), SPEC, ours, 0);
        const f = compare(ours, ref, i * ITEM);
        sum += f.mean;
        max = Math.max(max, f.max);
        if (f.mean > worst.mean) worst = { label: c.label, mean: f.mean };
        perImage.push(`| ${method.name} | ${c.label} | ${fmt(f.mean)} | ${fmt(f.max, 3)} |`);
      }
      lines.push(
        `| ${method.name} | ${group} (${count}) | ${fmt(sum / count)} | ${fmt(max, 3)} | ${worst.label} ${fmt(worst.mean)} |`,
      );
    }
  }
  const floorLines = ['| image | decoder floor mean abs Δ | max abs Δ |', '|---|---|---|'];
  for (const c of corpus) {
    const f = floor.get(c.file);
    if (f) floorLines.push(`| ${c.label} | ${fmt(f.mean)} | ${fmt(f.max, 3)} |`);
  }
  console.log('\nFidelity against open_clip (normalised units; one uint8 level ≈ 0.0146):\n');
  console.log(lines.join('\n'));
  console.log('\nPer image:\n');
  console.log(['| method | image | mean abs Δ | max abs Δ |', '|---|---|---|---|', ...perImage].join('\n'));
  console.log('\nDecoder floor (sharp decode incl. ICC → sRGB vs PIL decode, both through the reference):\n');
  console.log(floorLines.join('\n'));

  if (values['fidelity-only']) return;
  const seconds = Number(values.seconds);
  const repeats = Number(values.repeats);
  const loadBefore = loadavg()[0]!;
  // Best of `repeats`, with methods interleaved, so a burst of other work on the machine hits all alike.
  const best = new Map<string, { one: Rate; two: Rate }>();
  for (let r = 0; r < repeats; r++) {
    for (const method of METHODS) {
      for (const thumbnail of [false, true]) {
        for (const group of ['large', 'native'] as const) {
          const set = corpus.filter((c) => c.group === group).map((c) => c.file);
          const args = { method: method.name, files: set, thumbnail, seconds };
          const one = pinnedThroughput(1, { ...args, inFlight: 1 });
          const two = pinnedThroughput(2, { ...args, inFlight: 2 });
          const key = `| ${method.name} | ${thumbnail ? '256 px WebP' : 'no'} | ${group} |`;
          const prev = best.get(key);
          const max = (a: Rate, b: Rate | undefined) => ({
            wall: Math.max(a.wall, b?.wall ?? 0),
            cpu: Math.max(a.cpu, b?.cpu ?? 0),
          });
          best.set(key, { one: max(one, prev?.one), two: max(two, prev?.two) });
        }
      }
    }
  }
  const speed = [
    '| method | thumbnail | group | img/s 1 core (CPU time) | img/s 1 core (wall) | img/s 2 cores (wall) |',
    '|---|---|---|---|---|---|',
  ];
  for (const [key, { one, two }] of best)
    speed.push(`${key} ${fmt(one.cpu, 1)} | ${fmt(one.wall, 1)} | ${fmt(two.wall, 1)} |`);
  console.log(
    `\nSpeed (images/s, best of ${repeats}; children pinned with taskset, in-flight decodes = cores; ` +
      `load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after on ${availableParallelism()} cores):\n`,
  );
  console.log(speed.join('\n'));
  console.log('\nTensor conversion (32 × 3 × 224 × 224 batch, 1 core):\n');
  console.log(['| operation | time |', '|---|---|', ...tensorTimings()].join('\n'));
}

await main();

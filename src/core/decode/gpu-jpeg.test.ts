import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { decodeForModel } from '../decode/cpu-decode';
import { VIT_H_14_PREPROCESS } from '../runtime/types';
import { closeGpuDecoder, probeGpuDecoder } from './gpu-addon';
import { GpuJpegDecoder } from './gpu-jpeg';
import { addonPlan, orientPixels, type Orientation } from './orientation';
import { addonForTests, buildStubs, removeStubs } from './testing';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/images');
const SPEC = VIT_H_14_PREPROCESS;
const { addon, skip } = addonForTests();
const SWITCHES = ['GJ_STUB_CUINIT', 'GJ_STUB_DEVICES', 'GJ_STUB_NO_HARDWARE', 'GJ_STUB_LOG'];

/** Whether the system itself has `library` where the addon looks after the given folder (then "not
 *  installed" cannot be staged here). */
function systemHas(library: string): boolean {
  const toolkit = ['/usr/local/cuda/lib64', '/usr/local/cuda/targets/x86_64-linux/lib'];
  const inToolkit = (dir: string) =>
    existsSync(dir) && readdirSync(dir).some((name) => name.startsWith(library));
  if (toolkit.some(inToolkit)) return true;
  try {
    return execFileSync('ldconfig', ['-p'], { encoding: 'utf8' }).includes(library);
  } catch {
    return false;
  }
}

/** The stub's "decoded" pixels for a width × height file: red follows x, green y, blue x + y. */
function stubPixels(width: number, height: number): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      rgb[at] = width > 1 ? Math.floor((x * 255) / (width - 1)) : 0;
      rgb[at + 1] = height > 1 ? Math.floor((y * 255) / (height - 1)) : 0;
      rgb[at + 2] = (x + y) % 256;
    }
  return rgb;
}

const jpeg = (width: number, height: number, o: Orientation = 1) =>
  sharp({ create: { width, height, channels: 3, background: '#7a8' } })
    .jpeg()
    .withMetadata({ orientation: o })
    .toBuffer();

describe.skipIf(skip)('the GPU decoder against stub CUDA and nvJPEG libraries', () => {
  let stubs: string;
  let log: string;
  beforeAll(() => {
    stubs = buildStubs();
    log = join(stubs, 'calls.log');
  });
  afterAll(() => removeStubs(stubs));
  afterEach(() => {
    closeGpuDecoder();
    for (const name of SWITCHES) delete process.env[name];
    rmSync(log, { force: true });
  });
  const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
  const open = () => {
    process.env.GJ_STUB_LOG = log;
    return GpuJpegDecoder.open({ libraryDir: stubs, batch: 8 });
  };

  it('loads the addon this install built', () => {
    expect(typeof addon!.decode).toBe('function');
  });

  it.skipIf(systemHas('libcuda.so.1'))('says in one line that there is no driver library', () => {
    const empty = mkdtempSync(join(tmpdir(), 'glimpse-no-cuda-'));
    onTestFinished(() => removeStubs(empty));
    expect(probeGpuDecoder({ libraryDir: empty }).summary).toMatch(
      /^GPU decoding off: no NVIDIA driver: libcuda\.so\.1 did not load \(.*\)$/,
    );
  });

  it('looks through a colon-separated list of folders, in order', () => {
    const empty = mkdtempSync(join(tmpdir(), 'glimpse-no-cuda-'));
    onTestFinished(() => removeStubs(empty));
    expect(probeGpuDecoder({ libraryDir: `${empty}:${stubs}` })).toMatchObject({
      available: true,
      device: 'Stub GPU',
    });
  });

  it('says so when the driver does not start or finds no device', () => {
    process.env.GJ_STUB_CUINIT = '100';
    expect(probeGpuDecoder({ libraryDir: stubs })).toMatchObject({
      available: false,
      summary: 'GPU decoding off: the NVIDIA driver did not start (cuInit: CUDA_ERROR_NO_DEVICE)',
    });
    closeGpuDecoder();
    delete process.env.GJ_STUB_CUINIT;
    process.env.GJ_STUB_DEVICES = '0';
    expect(probeGpuDecoder({ libraryDir: stubs }).summary).toBe('GPU decoding off: no CUDA device found');
  });

  it.skipIf(systemHas('libnvjpeg.so'))('says so when nvJPEG is not installed', () => {
    const cudaOnly = buildStubs(['cuda']);
    onTestFinished(() => removeStubs(cudaOnly));
    expect(probeGpuDecoder({ libraryDir: cudaOnly }).summary).toMatch(
      /^GPU decoding off: nvJPEG is not installed \(libnvjpeg\.so\.13 or \.so\.12; .*\)$/,
    );
    const { decoder, reason } = GpuJpegDecoder.open({ libraryDir: cudaOnly });
    expect(decoder).toBeNull();
    expect(reason).toMatch(/nvJPEG is not installed/);
  });

  it('decodes a batch on the hardware engine in one call, upright and resized like the kernel', async () => {
    const { decoder } = open();
    expect(probeGpuDecoder().summary).toBe("photos decode on Stub GPU with nvJPEG's hardware JPEG engine");
    const files = [
      { name: 'wide.jpg', bytes: await jpeg(400, 300) },
      { name: 'turned.jpg', bytes: await jpeg(300, 500, 6) },
      { name: 'mirrored.jpg', bytes: await jpeg(333, 250, 2) },
    ];
    const outcomes = await decoder!.decode(files, SPEC, { thumbnailSize: 256 });
    expect(calls()).toEqual(['hw-batch 3']);
    for (const [k, [w, h, o]] of (
      [
        [400, 300, 1],
        [300, 500, 6],
        [333, 250, 2],
      ] as const
    ).entries()) {
      const outcome = outcomes[k]!;
      if (!outcome.ok || !('input' in outcome)) throw new Error(`file ${k}: ${JSON.stringify(outcome)}`);
      const expected = addon!.resampleHost(
        stubPixels(w, h),
        Int32Array.from(addonPlan(w, h, o, SPEC, 256)),
        SPEC.imageSize,
        0,
      );
      expect(
        Buffer.from(outcome.input.rgb).equals(Buffer.from(orientPixels(expected.model, 224, 224, o).rgb)),
      ).toBe(true);
      const cpu = await decodeForModel(files[k]!.bytes, SPEC, { thumbnailSize: 256 });
      expect(outcome.input.info).toEqual(cpu.info);
      const [gpuThumb, cpuThumb] = (await Promise.all(
        [outcome.input.thumbnail!, cpu.thumbnail!].map((t) => sharp(t).metadata()),
      )) as [Metadata, Metadata];
      expect([gpuThumb.format, gpuThumb.width, gpuThumb.height]).toEqual([
        'webp',
        cpuThumb.width,
        cpuThumb.height,
      ]);
    }
  });

  it('splits a round that does not fit the device-memory budget into several batches', async () => {
    process.env.GJ_STUB_LOG = log;
    const { decoder } = GpuJpegDecoder.open({ libraryDir: stubs, memoryBudget: 1 });
    const bytes = await jpeg(64, 48);
    const outcomes = await decoder!.decode(
      [0, 1, 2].map((i) => ({ name: `${i}.jpg`, bytes })),
      SPEC,
      {},
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(calls()).toEqual(['hw-batch 1', 'hw-batch 1', 'hw-batch 1']);
  });

  it("uses nvJPEG's CUDA backend and says why when the card has no hardware engine", async () => {
    process.env.GJ_STUB_NO_HARDWARE = '1';
    const { decoder } = open();
    expect(probeGpuDecoder()).toMatchObject({
      available: true,
      backend: 'cuda',
      summary:
        "photos decode on Stub GPU with nvJPEG's CUDA backend (no hardware JPEG engine (NVJPEG_STATUS_ARCH_MISMATCH))",
    });
    const outcomes = await decoder!.decode([{ name: 'a.jpg', bytes: await jpeg(64, 48) }], SPEC, {});
    expect(outcomes[0]).toMatchObject({ ok: true, decoder: 'gpu' });
    expect(calls()).toEqual(['cuda-decode ok']);
  });

  it('hands a file nvJPEG rejects inside a batch back for the CPU, and decodes the rest', async () => {
    const { decoder } = open();
    const good = await jpeg(120, 90);
    // A comment segment carries the stub's marker, so the file stays a well-formed JPEG.
    const comment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, 14]), Buffer.from('GJ-STUB-FAIL')]);
    const poisoned = Buffer.concat([good.subarray(0, 2), comment, good.subarray(2)]);
    const outcomes = await decoder!.decode(
      [
        { name: 'a.jpg', bytes: good },
        { name: 'b.jpg', bytes: poisoned },
        { name: 'c.jpg', bytes: good },
      ],
      SPEC,
      {},
    );
    expect(outcomes.map((o) => (o.ok ? o.decoder : 'fallback' in o ? o.fallback : 'error'))).toEqual([
      'gpu',
      'rejected',
      'gpu',
    ]);
    expect(calls()).toEqual([
      'hw-batch rejected',
      'cuda-decode ok',
      'cuda-decode rejected',
      'cuda-decode ok',
    ]);
  });

  it('sends what the header check refuses to the CPU without calling nvJPEG', async () => {
    const { decoder } = open();
    const files = [
      {
        name: 'p.jpg',
        bytes: await sharp({ create: { width: 64, height: 48, channels: 3, background: '#123' } })
          .jpeg({ progressive: true })
          .toBuffer(),
      },
      { name: 'cmyk.jpg', bytes: readFileSync(join(FIXTURES, 'cmyk.jpg')) },
      { name: 'alpha.png', bytes: readFileSync(join(FIXTURES, 'alpha.png')) },
      { name: 'truncated.jpg', bytes: readFileSync(join(FIXTURES, 'truncated.jpg')) },
    ];
    const outcomes = await decoder!.decode(files, SPEC, {});
    expect(outcomes).toEqual([
      { ok: false, fallback: 'progressive' },
      { ok: false, fallback: 'cmyk' },
      { ok: false, fallback: 'not-jpeg' },
      { ok: false, fallback: 'truncated' },
    ]);
    expect(calls()).toEqual([]);
  });
});

// Finds and opens our nvJPEG addon (addons/gpu-jpeg) and says in one line why GPU decoding is off when it
// is: no addon, no driver, no device, no nvJPEG, no hardware JPEG engine (then the CUDA backend runs).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The addon's results per image: model input and thumbnail as packed RGB in the stored frame. */
type AddonResult =
  { ok: true; backend: 'hardware' | 'cuda'; model: Buffer; thumbnail: Buffer } | { ok: false; error: string };

interface AddonProbe {
  ok: boolean;
  reason: string;
  backend: '' | 'hardware' | 'cuda';
  hardwareReason: string;
  device: string;
  nvjpegLibrary: string;
}

export interface GpuJpegAddon {
  open(options: { device?: number; libraryDir?: string; memoryBudget?: number }): AddonProbe;
  close(): void;
  /** plans: 9 numbers per buffer (addonPlan in orientation.ts); filter 0 bicubic, 1 bilinear. */
  decode(buffers: Buffer[], plans: Int32Array, modelSize: number, filter: number): Promise<AddonResult[]>;
  resampleHost(
    rgb: Buffer,
    plan: Int32Array,
    modelSize: number,
    filter: number,
  ): { model: Buffer; thumbnail: Buffer };
}

const ADDON_FILE = join('addons', 'gpu-jpeg', 'build', 'Release', 'glimpse_gpu_jpeg.node');

/** The addon's build folder: GLIMPSE_GPU_JPEG_ADDON names the .node file; otherwise the nearest
 *  addons/gpu-jpeg above this module (source, bundled CLI), in the packaged app's resources, or in the
 *  working directory. */
function addonPath(): string | null {
  const explicit = process.env.GLIMPSE_GPU_JPEG_ADDON;
  if (explicit) return explicit;
  const roots: string[] = [];
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    roots.push(dir);
    if (dirname(dir) === dir) break;
  }
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources) roots.push(join(resources, 'app.asar.unpacked'), resources);
  // A bundle copied elsewhere (the GPU host scripts' /tmp/run/app) run from the checkout.
  roots.push(process.cwd());
  for (const root of roots) if (existsSync(join(root, ADDON_FILE))) return join(root, ADDON_FILE);
  return null;
}

/** Why the addon is absent: the reason postinstall recorded when it skipped the build, if any. */
export function addonSkipReason(): string | null {
  for (let dir = import.meta.dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const marker = join(dir, 'addons', 'gpu-jpeg', 'build', 'SKIPPED');
    if (existsSync(marker)) return readFileSync(marker, 'utf8').trim();
  }
  return null;
}

type LoadedAddon = { addon: GpuJpegAddon; reason: null } | { addon: null; reason: string };

let loaded: LoadedAddon | undefined;

export function loadGpuJpegAddon(): LoadedAddon {
  if (loaded) return loaded;
  const path = addonPath();
  if (!path) {
    const skipped = addonSkipReason();
    loaded = {
      addon: null,
      reason: skipped
        ? `the GPU JPEG addon was not built (${skipped})`
        : 'the GPU JPEG addon is not built (run `npm run setup:gpu-jpeg`)',
    };
    return loaded;
  }
  try {
    loaded = { addon: createRequire(import.meta.url)(path) as GpuJpegAddon, reason: null };
  } catch (error) {
    const text = error instanceof Error ? error.message.split('\n')[0] : String(error);
    loaded = { addon: null, reason: `the GPU JPEG addon did not load (${text})` };
  }
  return loaded;
}

/** What `glimpse doctor` and the GPU panel show. */
interface GpuDecoderProbe {
  available: boolean;
  /** One line: what decodes photos on the GPU, or why nothing does. */
  summary: string;
  backend: 'hardware' | 'cuda' | null;
  device: string | null;
}

export interface ProbeOptions {
  device?: number;
  /** Folders (colon-separated) tried first for libcuda.so.1 and libnvjpeg.so.13/.12, before the system's
   *  search and /usr/local/cuda (default: GLIMPSE_CUDA_LIBRARY_PATH). */
  libraryDir?: string;
  /** Device memory for one decode round, in bytes (default: GLIMPSE_GPU_DECODE_MEMORY_MB, else an eighth
   *  of the card up to 4 GiB). */
  memoryBudget?: number;
}

let probed: { probe: GpuDecoderProbe; addon: GpuJpegAddon | null } | undefined;

/** Opens the GPU decoder once per process and describes the outcome. */
export function probeGpuDecoder(options: ProbeOptions = {}): GpuDecoderProbe {
  return openGpuDecoder(options).probe;
}

export function openGpuDecoder(options: ProbeOptions = {}): {
  probe: GpuDecoderProbe;
  addon: GpuJpegAddon | null;
} {
  if (probed) return probed;
  const { addon, reason } = loadGpuJpegAddon();
  if (!addon) {
    probed = { probe: off(reason), addon: null };
    return probed;
  }
  // The native decoder is one per process: another copy of this module (a test file before this one)
  // may have left it open with other options.
  addon.close();
  const megabytes = Number(process.env.GLIMPSE_GPU_DECODE_MEMORY_MB);
  const p = addon.open({
    device: options.device ?? 0,
    libraryDir: options.libraryDir ?? process.env.GLIMPSE_CUDA_LIBRARY_PATH ?? '',
    memoryBudget: options.memoryBudget ?? (megabytes > 0 ? megabytes * 2 ** 20 : 0),
  });
  if (!p.ok) {
    probed = { probe: off(p.reason), addon: null };
    return probed;
  }
  const backend = p.backend === 'hardware' ? 'hardware' : 'cuda';
  const how =
    backend === 'hardware'
      ? "nvJPEG's hardware JPEG engine"
      : `nvJPEG's CUDA backend (${p.hardwareReason || 'no hardware JPEG engine'})`;
  probed = {
    probe: {
      available: true,
      summary: `photos decode on ${p.device} with ${how}`,
      backend,
      device: p.device,
    },
    addon,
  };
  return probed;
}

/** Forgets the opened decoder (tests; a settings change of device). */
export function closeGpuDecoder(): void {
  // The addon remembers a failed open too; closing lets the next probe try again.
  if (probed) loaded?.addon?.close();
  probed = undefined;
}

function off(reason: string): GpuDecoderProbe {
  return { available: false, summary: `GPU decoding off: ${reason}`, backend: null, device: null };
}

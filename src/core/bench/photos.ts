// Generates photo-like JPEGs for benchmarks: smooth colour fields, shapes and sensor-like noise, so
// they compress like camera photos (3–6 MB at 12 MP) instead of like noise or flat colour.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { mulberry32 } from '../random';

interface PhotoSetOptions {
  out: string;
  count: number;
  /** Megapixels per photo (12 ≈ 4000×3000). */
  megapixels?: number;
  /** Photos encoded at once. */
  concurrency?: number;
  /** Baseline (camera-like) or progressive (web-like) JPEG. */
  progressive?: boolean;
  seed?: number;
}

/** Pixels are drawn at 1/8 scale and enlarged with a smooth kernel (cheap, and photo-like), then
 *  fine noise is added at full size so the JPEG has real high-frequency content to encode. */
async function makePhoto(
  path: string,
  width: number,
  height: number,
  seed: number,
  progressive: boolean,
  noise: Buffer,
): Promise<void> {
  const r = mulberry32(seed);
  const w = Math.ceil(width / 8);
  const h = Math.ceil(height / 8);
  const small = Buffer.alloc(w * h * 3);
  const base = [r() * 255, r() * 255, r() * 255];
  const tilt = [r() - 0.5, r() - 0.5, r() - 0.5];
  const blobs = Array.from({ length: 6 + Math.floor(r() * 6) }, () => ({
    x: r() * w,
    y: r() * h,
    rad: (0.05 + r() * 0.25) * w,
    c: [r() * 255, r() * 255, r() * 255],
  }));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = [0, 1, 2].map((c) => base[c]! + tilt[c]! * 200 * (x / w - y / h));
      for (const b of blobs) {
        const d = Math.hypot(x - b.x, y - b.y) / b.rad;
        if (d < 1) for (let c = 0; c < 3; c++) px[c] = px[c]! * d + b.c[c]! * (1 - d);
      }
      for (let c = 0; c < 3; c++) small[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, px[c]!));
    }
  }
  await sharp(small, { raw: { width: w, height: h, channels: 3 } })
    .resize(width, height, { kernel: 'cubic' })
    .composite([{ input: noise, raw: { width, height, channels: 3 }, blend: 'overlay' }])
    .jpeg({ quality: 90, progressive, mozjpeg: false })
    .toFile(path);
}

/** Writes `count` JPEGs named photo-00000.jpg… into `out`; returns their paths. */
export async function makePhotoSet(opts: PhotoSetOptions): Promise<string[]> {
  const mp = opts.megapixels ?? 12;
  const width = Math.round(Math.sqrt((mp * 1e6 * 4) / 3));
  const height = Math.round((width * 3) / 4);
  await mkdir(opts.out, { recursive: true });
  // Generating noise costs more than encoding a photo: one field serves the whole set.
  const noise = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: { r: 0, g: 0, b: 0 },
      noise: { type: 'gaussian', mean: 128, sigma: 28 },
    },
  })
    .raw()
    .toBuffer();
  const paths = Array.from({ length: opts.count }, (_, i) =>
    join(opts.out, `photo-${String(i).padStart(5, '0')}.jpg`),
  );
  let next = 0;
  const workers = Array.from({ length: opts.concurrency ?? 4 }, async () => {
    while (next < paths.length) {
      const i = next++;
      await makePhoto(
        paths[i]!,
        width,
        height,
        (opts.seed ?? 1) * 100_003 + i,
        opts.progressive ?? false,
        noise,
      );
    }
  });
  await Promise.all(workers);
  return paths;
}

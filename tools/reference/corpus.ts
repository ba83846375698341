// The photos tools/reference/measure-preprocess.ts measures on: scikit-image's sample photos as shipped,
// high-quality JPEGs of the PNG ones, and 12–18 MP JPEGs (smooth upscales, and mosaics of samples and
// textures at 1:1) where JPEG shrink-on-load and aliasing show. Built under a work folder once and reused.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { OverlayOptions } from 'sharp';

export interface CorpusImage {
  file: string;
  /** 'colour-managed': sharp converts an embedded non-sRGB profile to sRGB where PIL (and open_clip)
   *  ignore it, so these differ by design and are kept out of the resampling comparison. */
  group: 'native' | 'large' | 'colour-managed';
  label: string;
}

/** Builds the corpus: the sample photos as they are, high-quality JPEGs of the PNG ones, and large JPEGs
 *  (progressive and baseline) for shrink-on-load: smooth upscales, and mosaics of sample photos and
 *  textures at 1:1, which keep real pixel-level detail where aliasing shows. */
export async function buildCorpus(data: string, work: string): Promise<CorpusImage[]> {
  mkdirSync(work, { recursive: true });
  const src = (name: string) => join(data, name);
  const out: CorpusImage[] = [];
  const make = async (name: string, group: CorpusImage['group'], build: () => Promise<unknown>) => {
    const file = join(work, name);
    if (!existsSync(file)) await build();
    const meta = await sharp(file).metadata();
    out.push({ file, group, label: `${name} ${meta.width}×${meta.height}` });
  };
  for (const name of ['astronaut.png', 'chelsea.png', 'coffee.png', 'motorcycle_left.png']) {
    await make(name, 'native', async () => copyFileSync(src(name), join(work, name)));
    const jpeg = name.replace('.png', '-q95.jpg');
    await make(jpeg, 'native', () => sharp(src(name)).jpeg({ quality: 95 }).toFile(join(work, jpeg)));
  }
  // Original camera/encoder JPEGs, copied byte for byte.
  for (const name of ['hubble_deep_field.jpg', 'rocket.jpg', 'retina.jpg']) {
    await make(name, 'native', async () => copyFileSync(src(name), join(work, name)));
  }
  // Smooth 12–18 MP upscales: [file, source, width, height, progressive].
  const upscales: Array<[string, string, number, number, boolean]> = [
    ['motorcycle-18mp-progressive.jpg', 'motorcycle_left.png', 5184, 3498, true],
    ['motorcycle-18mp-baseline.jpg', 'motorcycle_left.png', 5184, 3498, false],
    ['coffee-13mp-baseline.jpg', 'coffee.png', 4500, 3000, false],
    ['astronaut-12mp-progressive.jpg', 'astronaut.png', 3464, 3464, true],
  ];
  for (const [file, name, width, height, progressive] of upscales) {
    await make(file, 'large', () =>
      sharp(src(name))
        .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
        .jpeg({ quality: 92, progressive })
        .toFile(join(work, file)),
    );
  }
  for (const progressive of [true, false]) {
    const file = `mosaic-18mp-${progressive ? 'progressive' : 'baseline'}.jpg`;
    await make(file, 'large', async () =>
      (await mosaic(data, 5184, 3456)).jpeg({ quality: 92, progressive }).toFile(join(work, file)),
    );
  }
  return out;
}

/** A width × height canvas tiled with sample images at their native resolution. */
async function mosaic(data: string, width: number, height: number) {
  const tiles = ['motorcycle_left.png', 'coffee.png', 'astronaut.png', 'chelsea.png'];
  tiles.push('brick.png', 'grass.png', 'gravel.png'); // CC0 textures: the finest detail in the set
  const inputs: OverlayOptions[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (let i = 0; y < height; i++) {
    const name = tiles[i % tiles.length]!;
    const meta = await sharp(join(data, name)).metadata();
    const w = Math.min(meta.width, width - x);
    const h = Math.min(meta.height, height - y);
    const input = await sharp(join(data, name))
      .toColourspace('srgb')
      .extract({ left: 0, top: 0, width: w, height: h })
      .removeAlpha()
      .png()
      .toBuffer();
    inputs.push({ input, left: x, top: y });
    rowHeight = Math.max(rowHeight, h);
    x += w;
    if (x >= width) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
  }
  const canvas = await sharp({ create: { width, height, channels: 3, background: '#808080' } })
    .composite(inputs)
    .png()
    .toBuffer();
  return sharp(canvas);
}

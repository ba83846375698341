// The decode baseline: what a first attempt would do per file — read it and let sharp make the model's
// square input with its defaults (resize with fit 'cover', lanczos3, shrink-on-load) — and nothing else:
// no hash, no EXIF, no thumbnail, no tensor. Ours ÷ this says what the indexer's extra care costs.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { timedLanes } from '../../src/core/bench/timed-lanes';
import type { Sample } from './paired';

export async function naiveDecode(
  files: string[],
  opts: { size: number; concurrency: number; seconds: number },
): Promise<Sample> {
  let next = 0;
  let images = 0;
  const seconds = await timedLanes(
    opts.concurrency,
    opts.seconds,
    async () => {
      const bytes = await readFile(files[next++ % files.length]!);
      const { info } = await sharp(bytes)
        .resize(opts.size, opts.size, { fit: 'cover' })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.width !== opts.size || info.height !== opts.size)
        throw new Error(`naive decode made ${info.width}×${info.height}, not ${opts.size}²`);
      images++;
    },
    // At least one image per slot, as benchDecode does, so a short window still measures every slot.
    () => images < opts.concurrency,
  );
  return { items: images, seconds };
}

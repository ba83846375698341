// The decoders an indexing run tries in order: nvJPEG on the GPU where this machine can use it, then
// the CPU for everything the GPU hands back (and for everything on machines without one).
import { CpuDecoder } from '../indexer/stages/cpu-decoder';
import type { PhotoDecoder } from '../indexer/stages/decoder';
import { GpuJpegDecoder } from './gpu-jpeg';

/** GLIMPSE_GPU_DECODE=off keeps decoding on the CPU (to compare, or where the GPU is better left to the
 *  model); otherwise the GPU decoder is used whenever `glimpse doctor` shows it. */
export function defaultPhotoDecoders(opts: { device?: number } = {}): PhotoDecoder[] {
  const cpu = new CpuDecoder();
  if (process.env.GLIMPSE_GPU_DECODE === 'off') return [cpu];
  const { decoder } = GpuJpegDecoder.open({ device: opts.device });
  return decoder ? [decoder, cpu] : [cpu];
}

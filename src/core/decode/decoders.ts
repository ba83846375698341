// The decoders an indexing run tries in order: nvJPEG on the GPU where this machine can use it, then
// the CPU for everything the GPU hands back (and for everything on machines without one).
import { CpuDecoder } from '../indexer/stages/cpu-decoder';
import type { PhotoDecoder } from '../indexer/stages/decoder';
import { probeGpuDecoder } from './gpu-addon';
import { GpuJpegDecoder } from './gpu-jpeg';

/** The decoders for a run, and one line on GPU decoding: what runs it, or why it is off. */
interface PhotoDecoderChoice {
  decoders: PhotoDecoder[];
  gpu: string;
}

/** GLIMPSE_GPU_DECODE=off keeps decoding on the CPU (to compare, or where the GPU is better left to the
 *  model); otherwise the GPU decoder is used whenever `glimpse doctor` shows it. */
export function choosePhotoDecoders(opts: { device?: number } = {}): PhotoDecoderChoice {
  const cpu = new CpuDecoder();
  if (process.env.GLIMPSE_GPU_DECODE === 'off')
    return { decoders: [cpu], gpu: 'GPU decoding off: GLIMPSE_GPU_DECODE=off' };
  const open = GpuJpegDecoder.open({ device: opts.device });
  return open.decoder
    ? { decoders: [open.decoder, cpu], gpu: probeGpuDecoder({ device: opts.device }).summary }
    : { decoders: [cpu], gpu: open.reason };
}

export function defaultPhotoDecoders(opts: { device?: number } = {}): PhotoDecoder[] {
  return choosePhotoDecoders(opts).decoders;
}

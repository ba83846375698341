// Decides, from the bytes' header alone, whether a photo can go to the GPU decoder or must go to the
// CPU decoder, and names the reason so that a run can count them.
import { parseJpegHeader, type JpegHeader } from './jpeg-header';

/** Why a file went to the CPU decoder instead of the GPU one. */
type CpuFallbackReason =
  | 'not-jpeg' // PNG, WebP, HEIC, GIF… or no image at all
  | 'progressive'
  | 'cmyk' // four components (CMYK or YCCK)
  | 'sampling' // chroma subsampling other than 4:4:4, 4:2:2, 4:4:0, 4:2:0 (4:1:1, odd factors)
  | 'arithmetic' // arithmetic-coded entropy data
  | 'lossless' // lossless or hierarchical JPEG
  | 'precision' // 12- or 16-bit samples
  | 'oversized' // more pixels or a longer side than the GPU path accepts
  | 'extreme-aspect' // the CPU path crops long strips before resizing; the GPU path does not
  | 'colour-profile' // an ICC profile other than sRGB: the CPU path converts it, the GPU path would not
  | 'corrupt' // a header the parser cannot read
  | 'truncated' // no end-of-image marker
  | 'rejected'; // nvJPEG refused the file inside a batch

export interface GpuLimits {
  /** Largest pixel count sent to the GPU (device memory per image is 3 bytes a pixel). */
  maxPixels: number;
  /** Largest side (nvJPEG's hardware engine stops at 16384). */
  maxSide: number;
}

/** 0x3FFF² like the CPU path's limit; a 16384 px side is the hardware engine's own bound. */
export const DEFAULT_GPU_LIMITS: GpuLimits = { maxPixels: 0x3fff * 0x3fff, maxSide: 16384 };

/** The CPU path resizes strips longer than this many times their short side through a centre part. */
const MAX_ASPECT = 32;

/** Luma (h, v) factors nvJPEG decodes on every backend when both chroma components are 1×1. */
const LUMA_FACTORS = new Set(['1x1', '2x1', '1x2', '2x2']);

type GpuEligibility =
  { gpu: true; header: JpegHeader } | { gpu: false; reason: CpuFallbackReason; detail: string };

export function gpuEligibility(bytes: Uint8Array, limits: GpuLimits = DEFAULT_GPU_LIMITS): GpuEligibility {
  const cpu = (reason: CpuFallbackReason, detail: string): GpuEligibility => ({ gpu: false, reason, detail });
  const parsed = parseJpegHeader(bytes);
  if (!parsed.ok) {
    if (parsed.reason.startsWith('not a JPEG')) return cpu('not-jpeg', parsed.reason);
    return cpu(parsed.reason.startsWith('truncated') ? 'truncated' : 'corrupt', parsed.reason);
  }
  const h = parsed.header;
  if (!h.hasEnd) return cpu('truncated', 'no end-of-image marker: the file was cut short');
  if (h.process === 'lossless' || h.hierarchical)
    return cpu('lossless', `${h.process} (hierarchical: ${h.hierarchical})`);
  if (h.arithmetic) return cpu('arithmetic', 'arithmetic-coded JPEG');
  if (h.process === 'progressive') return cpu('progressive', 'progressive JPEG');
  if (h.precision !== 8) return cpu('precision', `${h.precision}-bit samples`);
  if (h.components.length === 4) return cpu('cmyk', h.adobeTransform === 2 ? 'YCCK JPEG' : 'CMYK JPEG');
  if (h.components.length !== 1 && h.components.length !== 3) {
    return cpu('sampling', `${h.components.length} colour components`);
  }
  if (h.components.length === 3) {
    const [y, cb, cr] = h.components as [
      JpegHeader['components'][0],
      JpegHeader['components'][0],
      JpegHeader['components'][0],
    ];
    const chromaPlain = cb.h === 1 && cb.v === 1 && cr.h === 1 && cr.v === 1;
    if (!chromaPlain || !LUMA_FACTORS.has(`${y.h}x${y.v}`)) {
      return cpu('sampling', `sampling factors ${h.components.map((c) => `${c.h}x${c.v}`).join(',')}`);
    }
    // An Adobe segment with transform 0 means the three components are RGB, not YCbCr.
    if (h.adobeTransform === 0) return cpu('sampling', 'RGB (untransformed) components');
  }
  if (h.width === 0 || h.height === 0) return cpu('corrupt', 'zero image size in the frame header');
  if (h.width * h.height > limits.maxPixels || Math.max(h.width, h.height) > limits.maxSide) {
    return cpu('oversized', `${h.width}×${h.height} is over the GPU path's limit`);
  }
  const long = Math.max(h.width, h.height);
  if (long > MAX_ASPECT * Math.min(h.width, h.height)) return cpu('extreme-aspect', `${h.width}×${h.height}`);
  if (h.icc.present && !h.icc.srgb) return cpu('colour-profile', 'an ICC profile other than sRGB');
  return { gpu: true, header: h };
}

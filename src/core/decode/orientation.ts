// EXIF orientation on small pixel buffers: the GPU resizes in the file's stored frame and the model
// input and thumbnail are turned upright afterwards, which gives what resizing the upright image would.
import { planResize, type ResizePlan } from '../decode/cpu-decode';
import type { PreprocessSpec } from '../runtime/types';

/** EXIF orientation 1–8; anything else reads as 1. */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

export function asOrientation(value: unknown): Orientation {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 8
    ? (value as Orientation)
    : 1;
}

/** Orientations 5–8 swap width and height. */
export const swapsAxes = (o: Orientation) => o >= 5;

/** Where upright pixel (x, y) lies in a stored image of width × height. */
function storedPixel(o: Orientation, x: number, y: number, width: number, height: number): [number, number] {
  switch (o) {
    case 1:
      return [x, y];
    case 2:
      return [width - 1 - x, y];
    case 3:
      return [width - 1 - x, height - 1 - y];
    case 4:
      return [x, height - 1 - y];
    case 5:
      return [y, x];
    case 6:
      return [y, height - 1 - x];
    case 7:
      return [width - 1 - y, height - 1 - x];
    case 8:
      return [width - 1 - y, x];
  }
}

/** Turns packed RGB stored as width × height upright. */
export function orientPixels(
  rgb: Uint8Array,
  width: number,
  height: number,
  o: Orientation,
): { rgb: Uint8Array; width: number; height: number } {
  if (rgb.length !== width * height * 3) {
    throw new RangeError(`orientPixels: ${rgb.length} bytes for ${width}×${height} RGB`);
  }
  if (o === 1) return { rgb, width, height };
  const outWidth = swapsAxes(o) ? height : width;
  const outHeight = swapsAxes(o) ? width : height;
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const [sx, sy] = storedPixel(o, x, y, width, height);
      const from = (sy * width + sx) * 3;
      const to = (y * outWidth + x) * 3;
      out[to] = rgb[from]!;
      out[to + 1] = rgb[from + 1]!;
      out[to + 2] = rgb[from + 2]!;
    }
  }
  return { rgb: out, width: outWidth, height: outHeight };
}

/** The model resize and crop of the upright image, expressed in the stored frame: resizing the stored
 *  image to resizeWidth × resizeHeight and taking the square at (left, top), then orienting it, gives the
 *  upright crop. */
export function storedFramePlan(
  storedWidth: number,
  storedHeight: number,
  o: Orientation,
  spec: PreprocessSpec,
): ResizePlan {
  const swap = swapsAxes(o);
  const upright = planResize(swap ? storedHeight : storedWidth, swap ? storedWidth : storedHeight, spec);
  const W = swap ? upright.resizeHeight : upright.resizeWidth;
  const H = swap ? upright.resizeWidth : upright.resizeHeight;
  const S = spec.imageSize;
  const { left: L, top: T } = upright;
  const corner: Record<Orientation, [number, number]> = {
    1: [L, T],
    2: [W - L - S, T],
    3: [W - L - S, H - T - S],
    4: [L, H - T - S],
    5: [T, L],
    6: [T, H - L - S],
    7: [W - T - S, H - L - S],
    8: [W - T - S, L],
  };
  const [left, top] = corner[o];
  return { resizeWidth: W, resizeHeight: H, left, top };
}

/** The thumbnail's size for an upright width × height: longest side `size`, never enlarged. */
export function thumbnailSize(
  width: number,
  height: number,
  size: number,
): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= size) return { width, height };
  const scale = size / long;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** What the addon takes per image (9 numbers): stored width and height, the model resize and crop in the
 *  stored frame, the thumbnail's stored-frame size (0 × 0 for none), and 1 where Pillow's x-then-y pass
 *  order in the upright image is y-then-x in the stored one. */
export function addonPlan(
  width: number,
  height: number,
  o: Orientation,
  spec: PreprocessSpec,
  thumbnailSide?: number,
): number[] {
  const plan = storedFramePlan(width, height, o, spec);
  // Scaling commutes with turning, so the stored-frame thumbnail is the upright one's, turned.
  const thumb = thumbnailSide ? thumbnailSize(width, height, thumbnailSide) : { width: 0, height: 0 };
  return [
    width,
    height,
    plan.resizeWidth,
    plan.resizeHeight,
    plan.left,
    plan.top,
    thumb.width,
    thumb.height,
    swapsAxes(o) ? 1 : 0,
  ];
}

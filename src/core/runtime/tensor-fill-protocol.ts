// Messages between the image tower's client and the thread that turns uint8 RGB pixels into the
// model's NCHW input tensor (tensor-fill-worker.ts).
import type { PreprocessSpec } from './types';

export interface FillWorkerData {
  spec: PreprocessSpec;
}

export interface FillRequest {
  id: number;
  /** `items` images of imageSize × imageSize × 3 bytes, packed (decode.ts's layout). */
  pixels: Uint8Array;
  /** The batch tensor to fill (float32 values or float16 bits); both buffers travel and come back. */
  tensor: Float32Array | Uint16Array;
  items: number;
}

export type FillReply =
  | { type: 'filled'; id: number; pixels: Uint8Array; tensor: Float32Array | Uint16Array; fillMs: number }
  | { type: 'error'; id: number; message: string; pixels: Uint8Array; tensor: Float32Array | Uint16Array };

// Worker thread that normalises uint8 RGB pixels into a batch tensor. onnxruntime-node's run() blocks
// the tower worker's thread for the whole batch, so filling the next batch there would leave the GPU
// idle meanwhile; here it overlaps the running batch and costs the engine's main thread nothing.
import { parentPort, workerData } from 'node:worker_threads';
import { writeTensor } from './preprocess';
import type { FillReply, FillRequest, FillWorkerData } from './tensor-fill-protocol';

const { spec } = workerData as FillWorkerData;
const port = parentPort!;
const imageBytes = spec.imageSize * spec.imageSize * 3;

port.on('message', (req: FillRequest) => {
  const t0 = performance.now();
  const transfer = [req.pixels.buffer as ArrayBuffer, req.tensor.buffer as ArrayBuffer];
  try {
    if (req.pixels.length < req.items * imageBytes)
      throw new RangeError(
        `pixels hold ${req.pixels.length} bytes, fewer than ${req.items} images of ${spec.imageSize}×${spec.imageSize}×3`,
      );
    for (let i = 0; i < req.items; i++)
      writeTensor(req.pixels.subarray(i * imageBytes, (i + 1) * imageBytes), spec, req.tensor, i);
    const reply: FillReply = {
      type: 'filled',
      id: req.id,
      pixels: req.pixels,
      tensor: req.tensor,
      fillMs: performance.now() - t0,
    };
    port.postMessage(reply, transfer);
  } catch (e) {
    const reply: FillReply = {
      type: 'error',
      id: req.id,
      message: (e as Error).message,
      pixels: req.pixels,
      tensor: req.tensor,
    };
    port.postMessage(reply, transfer);
  }
});

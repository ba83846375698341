// Client of the tensor-fill worker: hands it a batch of uint8 pixels and a tensor buffer (both
// transferred, never copied) and gets both back with the tensor filled.
import { Worker } from 'node:worker_threads';
import { workerScript } from '../worker-script';
import type { FillReply, FillRequest } from './tensor-fill-protocol';
import type { PreprocessSpec } from './types';

interface Filled<T extends Float32Array | Uint16Array> {
  pixels: Uint8Array;
  tensor: T;
  fillMs: number;
}

interface Pending {
  resolve: (r: Filled<Float32Array | Uint16Array>) => void;
  reject: (e: Error) => void;
}

export class TensorFiller {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(spec: PreprocessSpec) {
    const script = workerScript(import.meta.url, 'tensor-fill-worker');
    this.worker = new Worker(script.source, { workerData: { spec }, eval: script.eval });
    this.worker.on('message', (msg: FillReply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.type === 'filled') p.resolve({ pixels: msg.pixels, tensor: msg.tensor, fillMs: msg.fillMs });
      else p.reject(Object.assign(new Error(msg.message), { pixels: msg.pixels, tensor: msg.tensor }));
    });
    const failAll = (e: Error) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', failAll);
    this.worker.on('exit', (code) => failAll(new Error(`the tensor-fill worker exited (code ${code})`)));
  }

  /** Writes the first `items` images of `pixels` into `tensor` (NCHW, normalised). Both buffers are
   *  transferred to the worker and come back in the result; do not touch them until then. */
  fill<T extends Float32Array | Uint16Array>(
    pixels: Uint8Array,
    tensor: T,
    items: number,
  ): Promise<Filled<T>> {
    const id = this.nextId++;
    const req: FillRequest = { id, pixels, tensor, items };
    return new Promise<Filled<T>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      this.worker.postMessage(req, [pixels.buffer as ArrayBuffer, tensor.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

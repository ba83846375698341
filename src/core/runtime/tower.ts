// Client side of one embedding tower: starts its worker thread, waits for the session, and runs
// batches through it with buffers transferred both ways (no copies of pixel data).
import './ort-env';
import { Worker } from 'node:worker_threads';
import type { GraphPlacement } from '../../shared/types';
import { workerScript } from '../worker-script';
import type { ProviderFallback } from './providers';
import type { InputData, RunRequest, TowerReady, TowerWorkerData, WorkerToClient } from './tower-protocol';
import type { TensorDtype } from './types';

export class TowerLoadError extends Error {
  readonly code = 'MODEL_LOAD_FAILED';
  constructor(
    message: string,
    readonly fallbacks: ProviderFallback[],
  ) {
    super(
      fallbacks.length
        ? `${message}: ${fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ')}`
        : message,
    );
    this.name = 'TowerLoadError';
  }
}

export interface TowerRun<T extends InputData> {
  vectors: Float32Array;
  dim: number;
  /** The input buffer, returned for reuse. */
  data: T;
  runMs: number;
  /** On the tower's first run only: where the graph's nodes ran. */
  placement?: GraphPlacement;
}

interface Pending {
  resolve: (r: TowerRun<InputData>) => void;
  reject: (e: Error) => void;
}

export class Tower {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  readonly ready: Promise<TowerReady>;

  constructor(config: TowerWorkerData) {
    const script = workerScript(import.meta.url, 'tower-worker');
    this.worker = new Worker(script.source, { workerData: config, eval: script.eval });
    this.ready = new Promise<TowerReady>((resolve, reject) => {
      const onMessage = (msg: WorkerToClient) => {
        if (msg.type === 'ready') resolve(msg);
        else if (msg.type === 'failed') reject(new TowerLoadError(msg.message, msg.fallbacks));
        else this.settle(msg);
      };
      this.worker.on('message', onMessage);
      this.worker.on('error', (e) => {
        reject(e);
        this.failAll(e);
      });
      this.worker.on('exit', (code) => {
        const e = new Error(`${config.file}: the ${config.kind} model's worker exited (code ${code})`);
        reject(e);
        this.failAll(e);
      });
    });
    // Nobody may be awaiting `ready` yet; the rejection is still delivered to whoever awaits later.
    this.ready.catch(() => {});
  }

  private settle(msg: WorkerToClient) {
    if (msg.type !== 'result' && msg.type !== 'error') return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.type === 'result')
      p.resolve({
        vectors: msg.vectors,
        dim: msg.dim,
        data: msg.data,
        runMs: msg.runMs,
        placement: msg.placement,
      });
    else p.reject(Object.assign(new Error(msg.message), { data: msg.data }));
  }

  private failAll(e: Error) {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Runs `rows` rows of `data` (the first `items` real, the rest padding). `data` is transferred to the
   *  worker and must not be touched until the returned promise settles with it. */
  async run<T extends InputData>(
    data: T,
    opts: {
      items: number;
      rows: number;
      rowLength: number;
      dtype: TensorDtype | 'int64' | 'int32';
      dims: number[];
    },
  ): Promise<TowerRun<T>> {
    await this.ready;
    if (this.closed) throw new Error('the model was closed');
    const id = this.nextId++;
    const req: RunRequest = { type: 'run', id, data, ...opts };
    return new Promise<TowerRun<T>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      this.worker.postMessage(req, [data.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker.terminate();
  }
}

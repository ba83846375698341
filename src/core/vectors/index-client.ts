// Client side of the index worker: starts the thread, sends changes, matches replies to requests,
// and ends the thread between hnswlib calls (see close() in index-worker.ts for why not terminate()).
import { Worker } from 'node:worker_threads';
import { workerScript } from '../worker-script';
import type {
  ChangeMessage,
  FromIndexWorker,
  IndexRequest,
  IndexWorkerConfig,
  Replies,
} from './index-protocol';

export class VectorIndexError extends Error {
  readonly code = 'VECTOR_INDEX_FAILED';
  override name = 'VectorIndexError';
}

/** How long close() waits for the worker to end itself: one insert slice, or a graph load, is far less. */
const CLOSE_TIMEOUT_MS = 10_000;

export class IndexClient {
  private readonly worker: Worker;
  private readonly exited: Promise<unknown>;
  private readonly calls = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  private nextCall = 1;
  private broken: VectorIndexError | null = null;
  private closed = false;

  /** `onApplied(seq)`: every change up to `seq` is in the graph. */
  constructor(
    private readonly config: IndexWorkerConfig,
    private readonly onApplied: (seq: number) => void,
  ) {
    const script = workerScript(import.meta.url, 'index-worker');
    this.worker = new Worker(script.source, { workerData: config, eval: script.eval });
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.on('message', (msg: FromIndexWorker) => this.onMessage(msg));
    this.worker.on('error', (e) => this.fail(`${config.displayName}: index worker failed (${e.message})`));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.fail(`${config.displayName}: index worker exited (code ${code})`);
    });
  }

  /** Throws if the worker failed or was closed. */
  assertUsable(): void {
    if (this.broken) throw this.broken;
    if (this.closed) throw new VectorIndexError(`${this.config.displayName}: the index was closed`);
  }

  send(change: ChangeMessage): void {
    this.worker.postMessage(change);
  }

  call<K extends keyof Replies>(request: Extract<IndexRequest, { op: K }>): Promise<Replies[K]> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextCall++;
    return new Promise<Replies[K]>((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (v: never) => void, reject });
      this.worker.postMessage({ type: 'request', id, request });
    });
  }

  /** Ends the worker; calls still waiting are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failCalls(new VectorIndexError(`${this.config.displayName}: the index was closed`));
    // terminate() is only the fallback for a worker that no longer answers.
    this.worker.postMessage({ type: 'request', id: 0, request: { op: 'close' } });
    const timer = setTimeout(() => void this.worker.terminate(), CLOSE_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private onMessage(msg: FromIndexWorker): void {
    if (msg.type === 'applied') this.onApplied(msg.seq);
    else if (msg.type === 'reply') {
      const call = this.calls.get(msg.id);
      if (!call) return;
      this.calls.delete(msg.id);
      if (msg.ok) call.resolve(msg.value as never);
      else call.reject(new VectorIndexError(msg.message));
    } else this.fail(msg.message);
  }

  private fail(message: string): void {
    this.broken ??= new VectorIndexError(message);
    this.failCalls(this.broken);
  }

  private failCalls(e: Error): void {
    for (const call of this.calls.values()) call.reject(e);
    this.calls.clear();
  }
}

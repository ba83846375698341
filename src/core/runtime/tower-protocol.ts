// Messages between an embedding tower's client (tower.ts) and its worker thread (tower-worker.ts).
import type { GraphPlacement } from '../../shared/types';
import type { ProviderFallback, ProviderName } from './providers';
import type { TensorDtype } from './types';

export interface TowerWorkerData {
  /** 'image' towers take float pixels, 'text' towers integer token ids. */
  kind: 'image' | 'text';
  file: string;
  input: string;
  output: string;
  providers: ProviderName[];
  deviceId: number;
  /** Threads for the CPU provider; 0 lets onnxruntime choose (all physical cores). */
  cpuThreads: number;
}

/** What the worker reports once its session exists. */
export interface TowerReady {
  type: 'ready';
  requested: ProviderName[];
  active: ProviderName;
  fallbacks: ProviderFallback[];
  inputType: string;
  inputShape: Array<number | string>;
  outputType: string;
  outputShape: Array<number | string>;
  loadMs: number;
}

interface TowerFailed {
  type: 'failed';
  message: string;
  fallbacks: ProviderFallback[];
}

export type InputData = Float32Array | Uint16Array | BigInt64Array | Int32Array;

export interface RunRequest {
  type: 'run';
  id: number;
  /** The whole buffer travels (transferred) and comes back with the result, so callers can reuse it. */
  data: InputData;
  /** Rows that carry real items; the rest of `rows` is padding. */
  items: number;
  /** Rows to run (≥ items; a fixed shape on CUDA). */
  rows: number;
  /** Elements per row. */
  rowLength: number;
  dtype: TensorDtype | 'int64' | 'int32';
  dims: number[];
}

interface RunResult {
  type: 'result';
  id: number;
  /** items × dim, L2-normalised float32. */
  vectors: Float32Array;
  dim: number;
  /** The request's buffer, handed back. */
  data: InputData;
  runMs: number;
  /** On the session's first run only: where its nodes ran. */
  placement?: GraphPlacement;
}

interface RunError {
  type: 'error';
  id: number;
  message: string;
  data: InputData;
}

export type WorkerToClient = TowerReady | TowerFailed | RunResult | RunError;

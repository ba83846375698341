// What the CLIP model loaded and where its graphs run: providers, fallbacks, node placement, op times.
export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'webgpu' | 'cpu';

export interface ProviderFallback {
  provider: ProviderName;
  reason: string;
}

export interface TowerInfo {
  requested: ProviderName[];
  active: ProviderName;
  fallbacks: ProviderFallback[];
  loadMs: number;
  /** The warm-up run after loading (kernel choice, memory arena), before any real batch; absent in
   *  reports from before it existed. */
  warmMs?: number;
  /** Where the graph's nodes ran in the warm-up run (from onnxruntime's profiler). */
  placement?: GraphPlacement;
}

/** Where onnxruntime placed a graph's nodes: in a GPU session, nodes on the CPU and memory copies
 *  between the two are what keep the GPU waiting. */
export interface GraphPlacement {
  /** Nodes of the optimised graph (after fusion), memory copies included. */
  nodes: number;
  /** Nodes per onnxruntime provider name, e.g. { CUDAExecutionProvider: 412, CPUExecutionProvider: 3 }. */
  byProvider: Record<string, number>;
  /** Nodes (other than copies) left on the CPU in a session that asked for another provider. */
  cpuNodes: number;
  /** Those nodes per op type, e.g. { Shape: 2, Gather: 1 }. */
  cpuOps: Record<string, number>;
  /** MemcpyToHost / MemcpyFromHost nodes onnxruntime inserted. */
  memcpyNodes: number;
}

/** One op type's share of the model's time, from onnxruntime's profiler. */
export interface OpTime {
  op: string;
  provider: string;
  totalMs: number;
  calls: number;
  /** Of all node time in the profile, 0..1. */
  share: number;
}

export interface EmbedderInfo {
  modelId: string;
  modelName: string;
  layout: 'glimpse' | 'immich';
  embedDim: number;
  precision: 'fp16' | 'fp32';
  requested: ProviderName[];
  visual: TowerInfo | null;
  textual: TowerInfo | null;
}

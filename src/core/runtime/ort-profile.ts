// Reads onnxruntime's profiler trace (the JSON its enableProfiling option writes): where each node of
// the graph ran — nodes left on the CPU and memory copies in a GPU session — and which ops took the time.
import type { GraphPlacement, OpTime } from '../../shared/types';

/** One event of the trace (Chrome trace format); only node events carry `args.op_name`. */
export interface TraceEvent {
  cat?: string;
  name?: string;
  /** Start and duration in microseconds. */
  ts?: number;
  dur?: number;
  args?: { op_name?: string; provider?: string; node_index?: string };
}

const MEMCPY_OPS = new Set(['MemcpyToHost', 'MemcpyFromHost']);

function nodeEvents(events: readonly TraceEvent[]) {
  return events.filter(
    (e): e is TraceEvent & { args: { op_name: string; provider: string } } =>
      e.cat === 'Node' && typeof e.args?.op_name === 'string' && typeof e.args.provider === 'string',
  );
}

/** Reads a trace file's text, naming the file when it is not a trace. */
export function parseTrace(text: string, file: string): TraceEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not an onnxruntime profile (${(e as Error).message})`, { cause: e });
  }
  if (!Array.isArray(parsed)) throw new Error(`${file}: not an onnxruntime profile (expected a JSON array)`);
  return parsed as TraceEvent[];
}

/**
 * Where the graph's nodes ran, from a trace of at least one run. Each node counts once however many
 * runs the trace holds (nodes are told apart by their event name, which carries the node's name).
 */
export function graphPlacement(events: readonly TraceEvent[], preferred: string): GraphPlacement {
  const seen = new Map<string, { op: string; provider: string }>();
  for (const e of nodeEvents(events))
    seen.set(e.name ?? e.args.node_index ?? '', { op: e.args.op_name, provider: e.args.provider });
  const byProvider: Record<string, number> = {};
  const cpuOps: Record<string, number> = {};
  let memcpyNodes = 0;
  for (const { op, provider } of seen.values()) {
    byProvider[provider] = (byProvider[provider] ?? 0) + 1;
    if (MEMCPY_OPS.has(op)) memcpyNodes++;
    else if (provider === 'CPUExecutionProvider' && preferred !== 'CPUExecutionProvider')
      cpuOps[op] = (cpuOps[op] ?? 0) + 1;
  }
  const cpuNodes = Object.values(cpuOps).reduce((a, b) => a + b, 0);
  return { nodes: seen.size, byProvider, cpuNodes, cpuOps, memcpyNodes };
}

/** The `top` op types by total time over every run in the trace, with their share of all node time. */
export function topOps(events: readonly TraceEvent[], top = 10): OpTime[] {
  const totals = new Map<string, { us: number; calls: number; provider: string }>();
  let all = 0;
  for (const e of nodeEvents(events)) {
    const dur = e.dur ?? 0;
    all += dur;
    const key = `${e.args.op_name}\u0000${e.args.provider}`;
    const t = totals.get(key) ?? { us: 0, calls: 0, provider: e.args.provider };
    t.us += dur;
    t.calls++;
    totals.set(key, t);
  }
  return [...totals.entries()]
    .map(([key, t]) => ({
      op: key.split('\u0000')[0]!,
      provider: t.provider,
      totalMs: t.us / 1000,
      calls: t.calls,
      share: all > 0 ? t.us / all : 0,
    }))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, top);
}

/** The trace without its first `skip` runs (warm-up): node events of later runs only. onnxruntime
 *  marks each run with a 'model_run' session event spanning its nodes. */
export function withoutFirstRuns(events: readonly TraceEvent[], skip: number): TraceEvent[] {
  const runs = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run')
    .sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
  if (skip <= 0) return [...events];
  if (runs.length <= skip) return [];
  const last = runs[skip - 1]!;
  const end = (last.ts ?? 0) + (last.dur ?? 0);
  return events.filter((e) => e.cat === 'Node' && (e.ts ?? 0) >= end);
}

/** Mean duration of the runs after the first `skip`, in ms (null when there are none). */
export function meanRunMs(events: readonly TraceEvent[], skip: number): number | null {
  const runs = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run')
    .sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0))
    .slice(skip);
  if (!runs.length) return null;
  return runs.reduce((sum, e) => sum + (e.dur ?? 0), 0) / runs.length / 1000;
}

/** onnxruntime's name for a provider of ours, as the trace spells it. */
export function ortProviderName(provider: string): string {
  const names: Record<string, string> = {
    cpu: 'CPUExecutionProvider',
    cuda: 'CUDAExecutionProvider',
    dml: 'DmlExecutionProvider',
    coreml: 'CoreMLExecutionProvider',
    webgpu: 'WebGpuExecutionProvider',
  };
  return names[provider] ?? provider;
}

import { describe, expect, it } from 'vitest';
import {
  graphPlacement,
  meanRunMs,
  parseTrace,
  topOps,
  withoutFirstRuns,
  type TraceEvent,
} from './ort-profile';

const CUDA = 'CUDAExecutionProvider';
const CPU = 'CPUExecutionProvider';

/** A node event as onnxruntime's profiler writes it. */
const node = (name: string, op: string, provider: string, dur: number): TraceEvent => ({
  cat: 'Node',
  name: `${name}_kernel_time`,
  dur,
  args: { op_name: op, provider },
});

/** Two runs of a small ViT-like graph on CUDA: the shape arithmetic left on the CPU, and the copies
 *  onnxruntime adds around it. */
const oneRun = (scale: number): TraceEvent[] => [
  node('Memcpy_in', 'MemcpyFromHost', CUDA, 40 * scale),
  node('conv1', 'Conv', CUDA, 900 * scale),
  node('Attention_0', 'Attention', CUDA, 2000 * scale),
  node('Attention_1', 'Attention', CUDA, 1800 * scale),
  node('Shape_3', 'Shape', CPU, 2 * scale),
  node('Gather_4', 'Gather', CPU, 3 * scale),
  node('Memcpy_out', 'MemcpyToHost', CUDA, 30 * scale),
];
const trace: TraceEvent[] = [
  { cat: 'Session', name: 'session_initialization', dur: 5_000_000, args: {} },
  ...oneRun(2), // the first run is slower (kernel choice)
  { cat: 'Session', name: 'SequentialExecutor::Execute', dur: 9000, args: {} },
  ...oneRun(1),
];

describe("reading onnxruntime's profile", () => {
  it('counts each node once, by provider, with the CPU ones and the memory copies named', () => {
    expect(graphPlacement(trace, CUDA)).toEqual({
      nodes: 7,
      byProvider: { [CUDA]: 5, [CPU]: 2 },
      cpuNodes: 2,
      cpuOps: { Shape: 1, Gather: 1 },
      memcpyNodes: 2,
    });
  });

  it('does not call CPU nodes misplaced in a session that asked for the CPU', () => {
    const cpuOnly = [node('conv1', 'Conv', CPU, 10), node('Shape_3', 'Shape', CPU, 1)];
    expect(graphPlacement(cpuOnly, CPU)).toMatchObject({ nodes: 2, cpuNodes: 0, memcpyNodes: 0 });
  });

  it('ranks op types by their total time over every run', () => {
    const ops = topOps(trace, 2);
    expect(ops.map((o) => o.op)).toEqual(['Attention', 'Conv']);
    expect(ops[0]).toMatchObject({ provider: CUDA, calls: 4, totalMs: (3 * 3800) / 1000 });
    const all = 3 * (40 + 900 + 2000 + 1800 + 2 + 3 + 30);
    expect(ops[0]!.share).toBeCloseTo((3 * 3800) / all, 10);
  });

  it('leaves out the warm-up runs', () => {
    // Node events laid out in time inside their run, as onnxruntime writes them.
    const run = (start: number, dur: number, op: string): TraceEvent[] => [
      { cat: 'Session', name: 'model_run', ts: start, dur },
      { ...node(`${op}_${start}`, op, CUDA, dur - 10), ts: start + 5 },
    ];
    const timed = [...run(0, 5000, 'Conv'), ...run(6000, 1000, 'Attention'), ...run(8000, 1200, 'Attention')];
    expect(topOps(withoutFirstRuns(timed, 1)).map((o) => [o.op, o.calls])).toEqual([['Attention', 2]]);
    expect(withoutFirstRuns(timed, 3)).toEqual([]);
    expect(meanRunMs(timed, 1)).toBe(1.1);
    expect(meanRunMs(timed, 3)).toBeNull();
  });

  it('names the file when it is not a profile', () => {
    expect(() => parseTrace('{"not":', '/tmp/p.json')).toThrow(/\/tmp\/p\.json: not an onnxruntime profile/);
    expect(() => parseTrace('{}', '/tmp/p.json')).toThrow(/expected a JSON array/);
  });
});

// Exact search on the GPU alone (the stage `glimpse bench gpu` runs after the model): N FP16 vectors
// held by onnxruntime's CUDA provider, query latency, answers checked against a float32 scan.
//
// usage: npx tsx tools/bench/exact-gpu.ts [--count 1000000] [--dim 1024] [--queries 200] [--provider cuda]
import { parseArgs } from 'node:util';
import { benchExactGpu } from '../../src/core/bench/exact-gpu';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    dim: { type: 'string', default: '1024' },
    queries: { type: 'string', default: '200' },
    provider: { type: 'string', default: 'cuda' },
  },
});
const provider = values.provider;
if (provider !== 'cuda' && provider !== 'cpu') throw new Error(`--provider ${provider}: use cuda or cpu`);
const started = performance.now();
const exactGpu = await benchExactGpu({
  count: Number(values.count),
  dim: Number(values.dim),
  queries: Number(values.queries),
  provider,
});
console.log(JSON.stringify({ exactGpu, totalSeconds: (performance.now() - started) / 1000 }, null, 2));

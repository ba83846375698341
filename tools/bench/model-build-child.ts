// Runs one bundle build in its own process for the build benchmark, so its peak memory is its own:
// prints {"seconds", "maxRssBytes", "cpuSeconds", "bytesWritten"} as JSON. Args: --from <ckpt> | --random <arch>, --out <dir>.
import { parseArgs } from 'node:util';
import { buildFromCheckpoint, buildRandom } from '../../src/core/model-store/build/build-bundle';

const { values } = parseArgs({
  options: { from: { type: 'string' }, random: { type: 'string' }, out: { type: 'string' } },
});
const opts = { out: values.out!, dtype: 'float16' as const };
const result = values.from
  ? await buildFromCheckpoint(values.from, opts)
  : await buildRandom(values.random!, opts);
process.stdout.write(
  `${JSON.stringify({
    seconds: result.seconds,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    // CPU time, user + system: on a shared machine, wall time says more about the neighbours.
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    bytesWritten: result.bytesWritten,
  })}\n`,
);

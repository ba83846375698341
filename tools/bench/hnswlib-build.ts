// hnswlib-node built for this CPU (the install's rebuild, tools/postinstall.mjs) against its portable SSE
// build kept beside it: the same CLIP-like vectors inserted into and searched in one graph by each, in
// alternating rounds, in this thread. JSON on stdout.
//
// usage: npx tsx tools/bench/hnswlib-build.ts [--count 20000] [--rounds 2]
import type hnswlib from 'hnswlib-node';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { SPACE } from '../../src/core/vectors/params';
import { ClipLikeVectors } from '../../src/core/vectors/synthetic-clip';
import { percentile } from './quality';

const require = createRequire(import.meta.url);
const release = join(dirname(require.resolve('hnswlib-node/package.json')), 'build/Release');
type Hnswlib = typeof hnswlib;

const { values } = parseArgs({ options: { count: { type: 'string' }, rounds: { type: 'string' } } });
const count = Number(values.count ?? 20_000);
const rounds = Number(values.rounds ?? 2);
const portableFile = join(release, 'addon.portable.node');
if (!existsSync(portableFile))
  throw new Error(
    `${portableFile}: no portable build kept (the install did not rebuild hnswlib-node for this CPU)`,
  );
const builds: Record<string, Hnswlib> = {
  portable: require(portableFile) as Hnswlib,
  thisCpu: require(join(release, 'addon.node')) as Hnswlib,
};
const level = readFileSync(join(release, 'GLIMPSE_CPU_LEVEL'), 'utf8').trim();

const dim = 1024;
const gen = new ClipLikeVectors({ dim, seed: 3 });
const rowsOf = (set: Float32Array) =>
  Array.from({ length: set.length / dim }, (_, i) => Array.from(set.subarray(i * dim, (i + 1) * dim)));
const data = rowsOf(gen.sample(count));
const queries = [...rowsOf(gen.sample(200)), ...rowsOf(gen.between(200))];

const ms: Record<string, { insert: number[]; search: number[] }> = {};
for (let r = 0; r < rounds; r++) {
  const order = r % 2 ? ['thisCpu', 'portable'] : ['portable', 'thisCpu'];
  for (const name of order) {
    const graph = new builds[name]!.HierarchicalNSW(SPACE, dim);
    graph.initIndex(count, 16, 200, 100);
    let t = performance.now();
    data.forEach((v, i) => graph.addPoint(v, i));
    const insert = (performance.now() - t) / count;
    graph.setEf(128);
    const search: number[] = [];
    for (const q of queries) {
      t = performance.now();
      graph.searchKnn(q, 10);
      search.push(performance.now() - t);
    }
    (ms[name] ??= { insert: [], search: [] }).insert.push(insert);
    ms[name].search.push(...search);
    console.error(
      `round ${r} ${name}: ${insert.toFixed(3)} ms an insert, search p50 ${percentile(search, 50).toFixed(3)} ms`,
    );
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const summary = (name: string) => ({
  insert_ms: mean(ms[name]!.insert),
  search_p50_ms: percentile(ms[name]!.search, 50),
  search_p95_ms: percentile(ms[name]!.search, 95),
});
const [portable, thisCpu] = [summary('portable'), summary('thisCpu')];
console.log(
  JSON.stringify(
    {
      count,
      dim,
      M: 16,
      efConstruction: 200,
      ef: 128,
      level,
      portable,
      this_cpu: thisCpu,
      insert_speedup: portable.insert_ms / thisCpu.insert_ms,
      search_p50_speedup: portable.search_p50_ms / thisCpu.search_p50_ms,
    },
    null,
    2,
  ),
);

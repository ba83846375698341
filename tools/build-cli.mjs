// Bundles the CLI (and the worker scripts it starts) into out/cli/ so `glimpse` runs on plain node with
// no TypeScript tooling. Native modules stay external: they load from node_modules at run time.
//
// usage: node tools/build-cli.mjs [--outdir DIR] [--entry NAME=FILE ...]
import { build } from 'esbuild';
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const outdir = args.includes('--outdir') ? args[args.indexOf('--outdir') + 1] : 'out/cli';
const entryPoints = {
  glimpse: 'src/cli/index.ts',
  // Loaded with new Worker() from beside the bundle (src/core/worker-script.ts).
  'tower-worker': 'src/core/runtime/tower-worker.ts',
  'index-worker': 'src/core/vectors/index-worker.ts',
  'tensor-fill-worker': 'src/core/runtime/tensor-fill-worker.ts',
};
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--entry') {
    const [name, file] = args[++i].split('=');
    entryPoints[name] = file;
  }
}

/** Packages with native code or large data files that must be loaded from node_modules. */
export const NATIVE_EXTERNALS = ['onnxruntime-node', 'sharp', 'better-sqlite3', 'hnswlib-node'];

await build({
  entryPoints,
  outdir: resolve(outdir),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  external: NATIVE_EXTERNALS,
  sourcemap: 'linked',
  logLevel: 'warning',
  // Bundled CommonJS dependencies call require(); ESM output needs one.
  banner: {
    js: "import { createRequire as __glimpseRequire } from 'node:module'; const require = __glimpseRequire(import.meta.url);",
  },
});
// The launcher sizes libuv's pool before the ES module entry loads: `node out/cli/glimpse.cjs …`.
for (const launcher of ['glimpse.cjs', 'threadpool.cjs'])
  copyFileSync(join('bin', launcher), join(resolve(outdir), launcher));
console.log(`CLI bundled into ${outdir}/ (run it with node ${outdir}/glimpse.cjs)`);

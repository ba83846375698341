// Finishes `npm ci` in both worlds: on a machine with internet it fetches what the registry
// packages leave out (onnxruntime-node's CUDA provider, Electron's binary and better-sqlite3's
// Electron build); offline it skips each with one line saying what is missing and how to get it later.
// It also builds our own GPU JPEG decoder addon (addons/gpu-jpeg) with npm's node-gyp; without a compiler
// or Node's headers that is skipped with one line too, and photos decode on the CPU.
// The install never fails here: every step is optional for the CLI and the tests.
//
// It rebuilds hnswlib-node for this CPU's SIMD level (AVX2 or AVX-512: ~1.5× the inserts and searches of
// its portable SSE build, docs/PERFORMANCE.md), unless GLIMPSE_PORTABLE_BUILD=1 (packaging for other machines).
//
// usage: node tools/postinstall.mjs [--only cuda,electron,sqlite-electron,gpu-jpeg,hnswlib] [--portable]
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { x86Level } from './cpu-level.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modules = join(root, 'node_modules');
const DOWNLOAD_TIMEOUT_MS = 20 * 60 * 1000; // the CUDA provider package is ~300 MB
const BUILD_TIMEOUT_MS = 10 * 60 * 1000; // compiling better-sqlite3 takes ~2 min on 2 cores

const only = (() => {
  const i = process.argv.indexOf('--only');
  return i > 0 ? new Set(process.argv[i + 1].split(',')) : null;
})();
const wanted = (step) => !only || only.has(step);
const say = (line) => console.log(`glimpse setup: ${line}`);

/** Runs a command quietly and returns a short reason when it fails. */
function run(cmd, args, { cwd = root, env = process.env, timeout = DOWNLOAD_TIMEOUT_MS } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, timeout, encoding: 'utf8' });
  if (r.status === 0) return null;
  if (r.error) return r.error.code === 'ETIMEDOUT' ? `timed out after ${timeout / 1000} s` : r.error.message;
  const text = `${r.stderr}\n${r.stdout}`;
  const known = text.match(/(ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET)[^\n]*/);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const reason = known?.[0] ?? lines.find((l) => /error/i.test(l)) ?? lines.pop() ?? `exit code ${r.status}`;
  return reason.slice(0, 160);
}

/** onnxruntime-node's own install step is blocked (package.json allowScripts) so that an offline
 *  machine can install; this runs the same step and tolerates its failure. */
function cudaProvider() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return; // bundled or not offered elsewhere
  const ortDir = join(modules, 'onnxruntime-node');
  const provider = join(ortDir, 'bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so');
  if (!existsSync(ortDir) || existsSync(provider)) return;
  if (process.env.ONNXRUNTIME_NODE_INSTALL === 'skip') {
    say(
      'skipped the CUDA provider for onnxruntime-node (ONNXRUNTIME_NODE_INSTALL=skip); CPU only until `npm run setup:gpu`.',
    );
    return;
  }
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'true' };
  delete env.npm_config_onnxruntime_node_install;
  const why = run(process.execPath, [join(ortDir, 'script/install.js')], { cwd: ortDir, env });
  if (why)
    say(
      `skipped the CUDA provider for onnxruntime-node (${why}); models run on the CPU until \`npm run setup:gpu\` succeeds online.`,
    );
  else say('installed the CUDA provider for onnxruntime-node from NuGet.');
}

function electronVersion() {
  const file = join(modules, 'electron/package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : null;
}

/** Electron 45 downloads its binary on first launch; doing it now makes `npm start` immediate. */
function electronBinary() {
  const dir = join(modules, 'electron');
  if (!electronVersion() || existsSync(join(dir, 'path.txt'))) return;
  const why = run(process.execPath, [join(dir, 'install.js')], { cwd: dir });
  if (why)
    say(`skipped Electron's binary (${why}); \`npm start\` downloads it on first launch (needs github.com).`);
}

/** better-sqlite3 is built for Node by its own install; the app needs a second build for Electron's
 *  ABI. It lives in native/electron/ and is loaded through better-sqlite3's nativeBinding option,
 *  so the Node build used by the CLI and the tests is never replaced. */
function sqliteForElectron() {
  const version = electronVersion();
  if (!version) return;
  const abi = readFileSync(join(modules, 'electron/abi_version'), 'utf8').trim();
  const target = join(
    root,
    'native',
    `electron-v${abi}-${process.platform}-${process.arch}`,
    'better_sqlite3.node',
  );
  if (existsSync(target)) return;
  const work = mkdtempSync(join(tmpdir(), 'glimpse-sqlite-'));
  try {
    cpSync(join(modules, 'better-sqlite3'), work, {
      recursive: true,
      filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`),
    });
    const bin = join(modules, '.bin');
    const prebuilt = run(join(bin, 'prebuild-install'), ['--runtime', 'electron', '--target', version], {
      cwd: work,
    });
    // npm tells its scripts where its bundled node-gyp is; the project's nodedir setting (local
    // Node headers) must not leak into a build for Electron's ABI.
    const gyp = process.env.npm_config_node_gyp;
    const env = { ...process.env };
    delete env.npm_config_nodedir;
    const built =
      prebuilt &&
      (gyp
        ? run(
            process.execPath,
            [gyp, 'rebuild', '--release', `--target=${version}`, '--dist-url=https://electronjs.org/headers'],
            {
              cwd: work,
              timeout: BUILD_TIMEOUT_MS,
              env,
            },
          )
        : 'node-gyp not found: run this through npm');
    if (prebuilt && built) {
      say(
        `skipped better-sqlite3 for Electron ${version} (${built}); the app needs it, the CLI and tests do not. Retry online: \`npm run setup:electron\`.`,
      );
      return;
    }
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(work, 'build/Release/better_sqlite3.node'), target);
    say(`built better-sqlite3 for Electron ${version} → ${target}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** npm passes its bundled node-gyp to scripts; run by hand, the copy beside this Node's npm is used. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
    join(dirname(process.execPath), 'node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  return candidates.find((c) => c && existsSync(c)) ?? null;
}

/** N-API headers from any Node serve every runtime: this Node's own (official builds and distro packages
 *  ship them) spare node-gyp a download, which matters offline. */
function localHeaders() {
  const prefix = join(dirname(process.execPath), '..');
  return !process.env.npm_config_nodedir && existsSync(join(prefix, 'include/node/node_api.h'))
    ? [`--nodedir=${prefix}`]
    : [];
}

/** hnswlib chooses SSE, AVX or AVX-512 distance code at compile time, and the registry's package compiles
 *  for any x86-64 (SSE). Built here for this CPU's level in a copy beside it, then swapped in; the portable
 *  addon is kept beside it (addon.portable.node) and stays in use if anything fails. */
function hnswlibForThisCpu() {
  const pkg = join(modules, 'hnswlib-node');
  const addon = join(pkg, 'build/Release/addon.node');
  if (process.platform !== 'linux' || process.arch !== 'x64' || !existsSync(addon)) return;
  const keep = (why) =>
    say(`kept hnswlib-node's portable SSE build (${why}); vector search runs at its speed.`);
  const portable = join(pkg, 'build/Release/addon.portable.node');
  const marker = join(pkg, 'build/Release/GLIMPSE_CPU_LEVEL');
  // A new file renamed over the old one: a running Glimpse keeps the inode it mapped.
  const swapIn = (file) => {
    cpSync(file, `${addon}.new`);
    renameSync(`${addon}.new`, addon);
  };
  if (process.env.GLIMPSE_PORTABLE_BUILD === '1' || process.argv.includes('--portable')) {
    // Packaging for other machines (npm run dist): the build made for this CPU must not ship.
    if (existsSync(portable)) swapIn(portable);
    rmSync(marker, { force: true });
    return keep('asked for: GLIMPSE_PORTABLE_BUILD=1 or --portable');
  }
  const level = x86Level(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '');
  if (!level) return keep('this CPU has no AVX2 and FMA');
  const gyp = nodeGyp();
  if (!gyp) return keep('node-gyp not found: run this through npm');
  // Beside the package, so its binding.gyp finds node-addon-api through node_modules.
  const work = join(modules, '.glimpse-hnswlib-build');
  rmSync(work, { recursive: true, force: true });
  try {
    cpSync(pkg, work, { recursive: true, filter: (src) => !src.startsWith(join(pkg, 'build')) });
    const env = { ...process.env, CXXFLAGS: `-march=${level} -O3` };
    const why = run(process.execPath, [gyp, 'rebuild', '--release', ...localHeaders()], {
      cwd: work,
      env,
      timeout: BUILD_TIMEOUT_MS,
    });
    if (why) return keep(why);
    if (!existsSync(portable)) cpSync(addon, portable);
    swapIn(join(work, 'build/Release/addon.node'));
    writeFileSync(marker, `${level}\n`);
    say(
      `built hnswlib-node for this CPU (${level}); set GLIMPSE_PORTABLE_BUILD=1 when installing for other machines.`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Our N-API addon for nvJPEG decoding: it needs only a C++ compiler and Node's headers (no CUDA), and
 *  one build serves Node and Electron. A skip leaves build/SKIPPED with the reason, which the addon's
 *  test reports instead of failing. */
function gpuJpegAddon() {
  const dir = join(root, 'addons', 'gpu-jpeg');
  const skip = (why) => {
    mkdirSync(join(dir, 'build'), { recursive: true });
    writeFileSync(join(dir, 'build', 'SKIPPED'), `${why}\n`);
    say(
      `skipped the GPU JPEG decoder addon (${why}); photos decode on the CPU. Retry: \`npm run setup:gpu-jpeg\`.`,
    );
  };
  if (process.platform !== 'linux')
    return skip(`nvJPEG decoding is built on Linux only, not ${process.platform}`);
  const gyp = nodeGyp();
  if (!gyp) return skip('node-gyp not found: run this through npm');
  const why = run(process.execPath, [gyp, 'rebuild', '--release', ...localHeaders()], {
    cwd: dir,
    timeout: BUILD_TIMEOUT_MS,
  });
  if (why) return skip(why);
  say(
    'built the GPU JPEG decoder addon (addons/gpu-jpeg); `glimpse doctor` says whether this machine can use it.',
  );
}

if (wanted('gpu-jpeg')) gpuJpegAddon();
if (wanted('hnswlib')) hnswlibForThisCpu();
if (process.env.GLIMPSE_SKIP_SETUP === '1') {
  say(
    'skipped all downloads (GLIMPSE_SKIP_SETUP=1): no CUDA provider, no Electron binary, no Electron build of better-sqlite3.',
  );
} else {
  if (wanted('cuda')) cudaProvider();
  if (wanted('electron')) electronBinary();
  if (wanted('sqlite-electron')) sqliteForElectron();
}

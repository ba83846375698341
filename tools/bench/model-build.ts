// The opt-in build stage of `npm run bench` (--only build): a full-size random checkpoint built into an
// FP16 bundle, beside the baseline of just reading that checkpoint once, plus the random-weight twin.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PRESETS } from '../../src/core/model-store/build/architecture';
import { writeRandomCheckpoint } from '../checkpoint/random-checkpoint';

const CHILD = fileURLToPath(new URL('./model-build-child.ts', import.meta.url));
const run = promisify(execFile);

interface ChildResult {
  seconds: number;
  maxRssBytes: number;
  cpuSeconds: number;
  bytesWritten: number;
}

async function child(args: string[]): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
}

/** Reads the whole file once in 16 MB chunks: the I/O a build cannot avoid. */
async function readOnce(path: string): Promise<number> {
  const started = performance.now();
  const handle = await open(path, 'r');
  const buffer = Buffer.allocUnsafe(16 * 1024 * 1024);
  try {
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return (performance.now() - started) / 1000;
}

interface ModelBuildBench {
  arch: string;
  checkpointBytes: number;
  checkpointGeneratedSeconds: number;
  readSeconds: number;
  build: ChildResult;
  twin: ChildResult;
}

/** Everything is written under `scratch` (a fresh temporary folder by default) and deleted afterwards:
 *  a ViT-H checkpoint is 4 GB. */
export async function benchModelBuild(
  arch: string,
  log: (line: string) => void,
  scratch = mkdtempSync(join(tmpdir(), 'glimpse-bench-build-')),
): Promise<ModelBuildBench> {
  const preset = PRESETS[arch];
  if (!preset) throw new Error(`--build-arch: unknown architecture "${arch}"`);
  try {
    const checkpoint = join(scratch, `${arch}.safetensors`);
    log(`build: writing a random ${arch} checkpoint`);
    const started = performance.now();
    await writeRandomCheckpoint(checkpoint, preset);
    const checkpointGeneratedSeconds = (performance.now() - started) / 1000;
    // Read once first so that neither side gets a colder page cache than the other.
    await readOnce(checkpoint);
    log('build: reading it once (baseline)');
    const readSeconds = await readOnce(checkpoint);
    log('build: building the FP16 bundle from it');
    const build = await child(['--from', checkpoint, '--out', join(scratch, 'built')]);
    log('build: the random-weight twin');
    const twin = await child(['--random', arch, '--out', join(scratch, 'twin')]);
    return {
      arch,
      checkpointBytes: statSync(checkpoint).size,
      checkpointGeneratedSeconds,
      readSeconds,
      build,
      twin,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

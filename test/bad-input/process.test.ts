// The glimpse command as a real process, for what an in-process run cannot show: an argument list of
// any length (onnxruntime reads the process's own command line), and a reader that goes away (| head).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../chaos/child';
import { writeColourPhotos } from '../helpers/corpus';
import { testModelDir } from '../helpers/test-model';

let root: string;
let model: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glimpse-process-'));
  model = await testModelDir('float32');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Ended {
  code: number | null;
  signal: string | null;
  out: string;
  err: string;
}

/** Runs the CLI from source; `firstChunkOnly` closes our end of its stdout after the first output. */
function glimpse(args: string[], opts: { stdin?: string; firstChunkOnly?: boolean } = {}): Promise<Ended> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/index.ts', '--providers', 'cpu', ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, GLIMPSE_HOME: join(root, 'home'), GLIMPSE_LIBRARY: join(root, 'library') },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (opts.firstChunkOnly) proc.stdout.destroy();
  });
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  proc.stdin.end(opts.stdin ?? '');
  return new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, out, err })));
}

describe('glimpse as a process', () => {
  it('searches with a 20 KB query (onnxruntime once died reading its own command line)', async () => {
    const query = 'a dog asleep on a red sofa '.repeat(800);
    const r = await glimpse(['--model', model, 'search', query]);
    expect(r.signal).toBeNull();
    expect(r.err).not.toMatch(/Segmentation|SIGSEGV/);
    expect(r.code).toBe(0);
  });

  it('indexes hundreds of folders named on the command line', async () => {
    const folders = Array.from({ length: 300 }, (_, i) =>
      join(root, 'many', `an-album-with-a-rather-long-name-as-cameras-and-people-write-them-${i}`),
    );
    for (const f of folders) mkdirSync(f, { recursive: true });
    await writeColourPhotos(folders[299]!, 2);
    expect(folders.join(' ').length).toBeGreaterThan(20_000);
    const r = await glimpse(['--model', model, 'index', '--json', ...folders]);
    expect(r.signal).toBeNull();
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('ends quietly when the reader of its output goes away (glimpse … | head)', async () => {
    const lines = Array.from({ length: 20000 }, (_, i) => `photo number ${i}`).join('\n');
    const r = await glimpse(['--model', model, 'tokenize'], { stdin: lines, firstChunkOnly: true });
    expect(r.err).not.toMatch(/EPIPE|Error|at /);
    expect(r.code).toBe(0);
  });
});

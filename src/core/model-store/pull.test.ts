import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  filesOf,
  sha256Hex,
  startCountingProxy,
  startModelServer,
  testModelListData,
  testEntry,
  type ModelServer,
  type ServedFile,
} from '../../../test/helpers/model-server';
import { testModelDir } from '../../../test/helpers/test-model';
import { parseModelList } from './model-list';
import { downloadFailure as failure } from '../../../test/helpers/download-error';
import { ModelStore } from './model-store';
import type { PullProgress } from './progress';

// Downloads against a loopback server that behaves like Hugging Face, with faults injected per file.

const ID = 'glimpse-test-tiny-fp32';
const FAST_RETRY = { retries: 3, baseDelayMs: 10, maxDelayMs: 40 };
let bundle: ServedFile[];
let server: ModelServer;
let home: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  bundle = filesOf(await testModelDir('float32'));
});

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(opts: { pageSize?: number; env?: Record<string, string> } = {}) {
  server = await startModelServer({ files: bundle, pageSize: opts.pageSize });
  home = mkdtempSync(join(tmpdir(), 'glimpse-pull-'));
  cleanups.push(
    () => server.close(),
    () => rmSync(home, { recursive: true, force: true }),
  );
  const modelList = parseModelList(testModelListData([testEntry(ID, server.hubUrl)]), 'test model list');
  return new ModelStore({ home, env: opts.env ?? {}, modelList });
}

const size = (path: string) => bundle.find((f) => f.path === path)!.bytes.length;
const total = () => bundle.reduce((s, f) => s + f.bytes.length, 0);
const partialDir = () => join(home, 'models', '.partial', ID);
const installedDir = () => join(home, 'models', ID);

describe('pulling a model from a Hugging Face-style repository', () => {
  it('downloads every file once, verifies it, and installs a bundle loadBundle accepts', async () => {
    const manager = await setup({ pageSize: 2 });
    const seen: PullProgress[] = [];
    const result = await manager.pull(ID, { retry: FAST_RETRY, onProgress: (p) => seen.push(p) });

    expect(result.model).toMatchObject({ id: ID, valid: true, bundleId: ID, layout: 'glimpse' });
    for (const f of bundle)
      expect(sha256Hex(readFileSync(join(installedDir(), f.path)))).toBe(sha256Hex(f.bytes));
    expect(result.bytesDownloaded).toBe(total());
    expect(result.source).toContain(`${server.repo}@${server.commit.slice(0, 12)}`);
    for (const f of bundle) expect(server.fileRequests(f.path).map((r) => r.status)).toEqual([200]);
    // The tree listing came in pages of two entries (Link: rel="next").
    expect(server.log.filter((l) => l.url.includes('/tree/')).length).toBe(2);
    expect(existsSync(partialDir())).toBe(false);
    expect(existsSync(`${partialDir()}.json`)).toBe(false);
    const record = JSON.parse(readFileSync(join(installedDir(), '.glimpse-install.json'), 'utf8'));
    expect(record.files.map((f: { path: string }) => f.path).sort()).toEqual(
      bundle.map((f) => f.path).sort(),
    );

    const phases = [...new Set(seen.map((p) => p.phase))];
    expect(phases).toEqual(['resolving', 'downloading', 'installing', 'done']);
    const done = seen.map((p) => p.bytesDone);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(seen.at(-1)).toMatchObject({ bytesDone: total(), bytesTotal: total(), filesDone: bundle.length });
  });

  it('resumes a connection cut mid-file with a Range request, without fetching those bytes again', async () => {
    const manager = await setup();
    server.fault('tokenizer.json', { cutAfter: 500_000 });
    const result = await manager.pull(ID, { retry: FAST_RETRY });

    const requests = server.fileRequests('tokenizer.json');
    expect(requests.map((r) => [r.range, r.status, r.bytesSent])).toEqual([
      [null, 200, 500_000],
      ['bytes=500000-', 206, size('tokenizer.json') - 500_000],
    ]);
    expect(result.bytesDownloaded).toBe(total());
    expect(result.model.valid).toBe(true);
  });

  it('stops on cancel, keeps the partial file, and a later pull resumes from it', async () => {
    const manager = await setup();
    server.fault('tokenizer.json', { stallAfter: 400_000 });
    const controller = new AbortController();
    const partFile = join(partialDir(), 'tokenizer.json');
    const poll = setInterval(() => {
      if (existsSync(partFile) && statSync(partFile).size >= 400_000) controller.abort();
    }, 5);
    cleanups.push(() => clearInterval(poll));
    const err = await failure(manager.pull(ID, { retry: FAST_RETRY, signal: controller.signal }));
    expect(err.code).toBe('CANCELLED');
    expect(err.message).toMatch(/pull again to resume/);
    expect(statSync(partFile).size).toBe(400_000);
    expect(existsSync(installedDir())).toBe(false);

    // A new run (as after a restart) picks up the partial.
    const result = await manager.pull(ID, { retry: FAST_RETRY });
    const requests = server.fileRequests('tokenizer.json');
    expect(requests.at(-1)).toMatchObject({
      range: 'bytes=400000-',
      status: 206,
      bytesSent: size('tokenizer.json') - 400_000,
    });
    expect(result.bytesResumed).toBeGreaterThanOrEqual(400_000);
    expect(result.bytesDownloaded + result.bytesResumed).toBe(total());
    expect(result.model.valid).toBe(true);
  });

  it('starts a file again when the server answers a Range request with the whole file', async () => {
    const manager = await setup();
    server.fault('tokenizer.json', { cutAfter: 300_000 });
    server.fault('tokenizer.json', { ignoreRange: true });
    const notes: string[] = [];
    const result = await manager.pull(ID, { retry: FAST_RETRY, onNote: (n) => notes.push(n) });

    expect(server.fileRequests('tokenizer.json').map((r) => [r.range, r.status, r.bytesSent])).toEqual([
      [null, 200, 300_000],
      ['bytes=300000-', 200, size('tokenizer.json')],
    ]);
    expect(notes.join('\n')).toMatch(
      /tokenizer\.json: the server did not resume at byte 300000 \(answered 200\)/,
    );
    expect(sha256Hex(readFileSync(join(installedDir(), 'tokenizer.json')))).toBe(
      sha256Hex(bundle.find((f) => f.path === 'tokenizer.json')!.bytes),
    );
    expect(result.model.valid).toBe(true);
  });

  it('starts a file again when the server sends a different range than the one asked for', async () => {
    const manager = await setup();
    server.fault('tokenizer.json', { cutAfter: 300_000 });
    server.fault('tokenizer.json', { wrongRange: true });
    await manager.pull(ID, { retry: FAST_RETRY });
    expect(server.fileRequests('tokenizer.json').map((r) => [r.range, r.status])).toEqual([
      [null, 200],
      ['bytes=300000-', 206],
      [null, 200],
    ]);
    expect(existsSync(join(installedDir(), 'model.json'))).toBe(true);
  });

  it('reports a damaged large file by SHA-256, deletes it and installs nothing', async () => {
    const manager = await setup();
    server.fault('visual.onnx', { corrupt: true });
    const err = await failure(manager.pull(ID, { retry: FAST_RETRY }));
    expect(err.code).toBe('CHECKSUM');
    expect(err.message).toMatch(
      /^visual\.onnx: the download from http:\/\/127\.0\.0\.1:\d+\/.*visual\.onnx is damaged — SHA-256/,
    );
    expect(err.message).toMatch(/deleted and nothing was installed/);
    expect(existsSync(installedDir())).toBe(false);
    expect(existsSync(join(partialDir(), 'visual.onnx'))).toBe(false);
    // Files verified before it stay for the next attempt, which fetches only what is missing.
    expect(existsSync(join(partialDir(), 'tokenizer.json'))).toBe(true);
    await manager.pull(ID, { retry: FAST_RETRY });
    expect(server.fileRequests('tokenizer.json')).toHaveLength(1);
    expect(server.fileRequests('visual.onnx')).toHaveLength(2);
  });

  it('checks small files by their Git blob id', async () => {
    const manager = await setup();
    server.fault('model.json', { corrupt: true });
    const err = await failure(manager.pull(ID, { retry: FAST_RETRY }));
    expect(err).toMatchObject({ code: 'CHECKSUM' });
    expect(err.message).toMatch(/^model\.json: .* Git blob id/);
  });

  it('says a missing file is not there, naming the file and URL', async () => {
    const manager = await setup();
    server.fault('textual.onnx', { status: 404 });
    const err = await failure(manager.pull(ID, { retry: FAST_RETRY }));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toMatch(
      /^textual\.onnx: http:\/\/127\.0\.0\.1:\d+\/test-org\/test-model\/resolve\/[0-9a-f]{40}\/textual\.onnx: the server answered 404 Not Found — the file is not there/,
    );
    expect(existsSync(installedDir())).toBe(false);
  });

  it('retries a server error, and gives up with a clear message when it persists', async () => {
    const manager = await setup();
    server.fault('model.json', { status: 503 });
    await manager.pull(ID, { retry: FAST_RETRY });
    expect(server.fileRequests('model.json').map((r) => r.status)).toEqual([503, 200]);

    const again = await setup();
    server.fault('model.json', { status: 500, times: Infinity });
    const err = await failure(again.pull(ID, { retry: { ...FAST_RETRY, retries: 2 } }));
    expect(err.code).toBe('SERVER');
    expect(err.message).toMatch(
      /model\.json: .*: the server answered 500 Internal Server Error — the server is having trouble/,
    );
    expect(server.fileRequests('model.json')).toHaveLength(3);
  });

  it('explains a repository that does not exist or is gated (401)', async () => {
    const manager = await setup();
    const err = await failure(
      manager.pull(ID, { from: `${server.origin}/other/repo/resolve/main/`, retry: FAST_RETRY }),
    );
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.message).toMatch(
      /401 Unauthorized — the repository does not exist, or it is private or gated/,
    );
  });

  it('gives up on a stalled connection after the idle timeout and resumes where it stopped', async () => {
    const manager = await setup();
    server.fault('tokenizer.json', { stallAfter: 200_000 });
    const notes: string[] = [];
    await manager.pull(ID, { retry: FAST_RETRY, idleTimeoutMs: 300, onNote: (n) => notes.push(n) });
    expect(notes.join('\n')).toMatch(/no data for 0\.3 s/);
    expect(server.fileRequests('tokenizer.json').at(-1)).toMatchObject({
      range: 'bytes=200000-',
      status: 206,
    });
  });

  it('sends HF_TOKEN to the Hub', async () => {
    const manager = await setup({ env: { HF_TOKEN: 'hf_secret' } });
    await manager.pull(ID, { retry: FAST_RETRY });
    const api = server.log.filter((l) => l.url.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(0);
    expect(api.every((l) => l.authorization === 'Bearer hf_secret')).toBe(true);
  });

  it('runs one download of a model at a time', async () => {
    const manager = await setup();
    server.fault('tokenizer.json', { stallAfter: 1000 });
    const first = manager.pull(ID, { retry: FAST_RETRY });
    while (!server.fileRequests('tokenizer.json').length) await new Promise((r) => setTimeout(r, 5));
    const err = await failure(manager.pull(ID, { retry: FAST_RETRY }));
    expect(err.message).toBe(`${ID} is already being downloaded (process ${process.pid})`);
    server.release();
    expect((await first).model.valid).toBe(true);
  });

  it('refuses before any byte when the disk is too full', async () => {
    const manager = await setup();
    const err = await failure(manager.pull(ID, { statfs: async () => ({ bavail: 1000, bsize: 4096 }) }));
    expect(err.code).toBe('DISK_FULL');
    expect(err.message).toMatch(
      /downloading glimpse-test-tiny-fp32 needs 1\.\d+ MB more on .*, but only 4\.10 MB is free/,
    );
    expect(server.log.filter((l) => l.file !== null)).toEqual([]);
  });

  it('goes through HTTP_PROXY, and not for hosts in NO_PROXY', async () => {
    const proxy = await startCountingProxy();
    cleanups.push(() => proxy.close());
    const manager = await setup({ env: { HTTP_PROXY: proxy.url } });
    await manager.pull(ID, { retry: FAST_RETRY });
    expect(proxy.requests.filter((r) => r.startsWith(`GET ${server.origin}/`)).length).toBe(
      server.log.length,
    );
    expect(proxy.requests.some((r) => r.includes('/cdn/'))).toBe(true);

    const direct = await setup({ env: { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' } });
    const before = proxy.requests.length;
    await direct.pull(ID, { retry: FAST_RETRY });
    expect(proxy.requests.length).toBe(before);
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

/** A throwaway self-signed certificate for 127.0.0.1. */
function selfSignedCert(dir: string): { key: string; cert: string } {
  const run = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ]);
  if (run.status !== 0) throw new Error(`openssl failed: ${run.stderr}`);
  return {
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
  };
}

describe('pulling over HTTPS', () => {
  it.skipIf(!hasOpenssl)('tunnels through HTTPS_PROXY with CONNECT and checks the certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-tls-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const tls = selfSignedCert(dir);
    const secure = await startModelServer({ files: bundle, tls });
    const proxy = await startCountingProxy();
    cleanups.push(
      () => secure.close(),
      () => proxy.close(),
    );
    const modelList = parseModelList(testModelListData([testEntry(ID, secure.hubUrl)]), 'test model list');
    home = mkdtempSync(join(tmpdir(), 'glimpse-pull-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const manager = new ModelStore({ home, env: { HTTPS_PROXY: proxy.url }, modelList });

    const untrusted = await failure(manager.pull(ID, { retry: FAST_RETRY }));
    expect(untrusted.code).toBe('TLS');
    expect(untrusted.message).toMatch(/certificate of 127\.0\.0\.1:\d+ was not accepted/);

    const result = await manager.pull(ID, { retry: FAST_RETRY, ca: tls.cert });
    expect(result.model.valid).toBe(true);
    const port = new URL(secure.origin).port;
    // One tunnel per request — API calls, redirects, files — plus the one the untrusted attempt gave up on.
    expect(proxy.requests.filter((r) => r === `CONNECT 127.0.0.1:${port}`).length).toBe(
      secure.log.length + 1,
    );
    expect(proxy.requests.every((r) => r.startsWith('CONNECT '))).toBe(true);
    expect(secure.fileRequests('visual.onnx')).toHaveLength(1);
  });
});

describe('pulling from a plain web server', () => {
  it('learns the files from model.json and their size and SHA-256 from HEAD', async () => {
    const manager = await setup();
    const result = await manager.pull(ID, { from: server.plainUrl, retry: FAST_RETRY });
    expect(result.model.valid).toBe(true);
    expect(result.source).toBe(server.plainUrl);
    expect(server.log.some((l) => l.method === 'HEAD' && l.url === '/plain/visual.onnx')).toBe(true);
    expect(server.log.some((l) => l.url.startsWith('/api/'))).toBe(false);
  });

  it('still catches a damaged file by the SHA-256 in its ETag', async () => {
    const manager = await setup();
    server.fault('textual.onnx', { corrupt: true });
    const err = await failure(manager.pull(ID, { from: server.plainUrl, retry: FAST_RETRY }));
    expect(err.code).toBe('CHECKSUM');
  });
});

// A loopback HTTP(S) server that serves a model bundle the way Hugging Face does — API revision and tree
// listings, /resolve/ URLs that redirect large files to a CDN path with X-Linked-Etag/-Size, real Range
// and ETag behaviour — plus a plain file folder, a request log, and faults to inject per file. Also a
// small forward proxy (absolute-form GET and CONNECT) that counts what went through it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';

export interface ServedFile {
  path: string;
  bytes: Buffer;
}

interface Fault {
  /** Answer with this status instead of the file. */
  status?: number;
  /** Send this many body bytes, then close the connection. */
  cutAfter?: number;
  /** Send this many body bytes, then hold the response until release() or the client leaves. */
  stallAfter?: number;
  /** Answer a Range request with 200 and the whole file. */
  ignoreRange?: boolean;
  /** Answer a Range request with 206 starting at byte 0. */
  wrongRange?: boolean;
  /** Flip one byte of the body (the headers still promise the right file). */
  corrupt?: boolean;
  /** Requests this fault applies to (default 1); Infinity for all. */
  times?: number;
}

interface LoggedRequest {
  method: string;
  url: string;
  /** The bundle path served, for file requests. */
  file: string | null;
  range: string | null;
  /** The Authorization header, if one was sent. */
  authorization: string | null;
  status: number;
  bytesSent: number;
}

export interface ModelServer {
  /** http(s)://127.0.0.1:<port> */
  origin: string;
  repo: string;
  commit: string;
  /** Base URL in Hugging Face's form: <origin>/<repo>/resolve/main/ */
  hubUrl: string;
  /** A plain folder of the same files: <origin>/plain/ */
  plainUrl: string;
  log: LoggedRequest[];
  /** Requests that served bytes of `path` (file requests only, redirects excluded). */
  fileRequests(path: string): LoggedRequest[];
  fault(path: string, fault: Fault): void;
  /** Lets stalled responses go on. */
  release(): void;
  close(): Promise<void>;
}

interface ModelServerOptions {
  files: ServedFile[];
  repo?: string;
  /** Files stored in LFS (redirected to the CDN path, SHA-256 in the listing); default *.onnx, *.armnn. */
  lfs?: (path: string) => boolean;
  /** Tree entries per page of the API listing (Link: rel="next" pagination); default all. */
  pageSize?: number;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string; cert: string };
}

/** The files of a bundle folder, "/"-separated paths; dotfiles (build stamps) left out. */
export function filesOf(dir: string): ServedFile[] {
  const out: ServedFile[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push({ path: relative(dir, full).split(sep).join('/'), bytes: readFileSync(full) });
    }
  };
  walk(dir);
  return out;
}

export const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const gitBlobSha1 = (b: Buffer) =>
  createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${b.length}\0`), b]))
    .digest('hex');

export async function startModelServer(opts: ModelServerOptions): Promise<ModelServer> {
  const repo = opts.repo ?? 'test-org/test-model';
  const commit = createHash('sha1').update(repo).digest('hex');
  const isLfs = opts.lfs ?? ((p: string) => /\.(onnx|armnn)$/.test(p));
  const files = new Map(opts.files.map((f) => [f.path, { ...f, sha256: sha256Hex(f.bytes) }]));
  const bySha = new Map([...files.values()].map((f) => [f.sha256, f]));
  const faults = new Map<string, Fault[]>();
  const log: LoggedRequest[] = [];
  let stalled: Array<() => void> = [];

  const takeFault = (path: string): Fault | undefined => {
    const list = faults.get(path);
    const f = list?.[0];
    if (!f) return undefined;
    const left = (f.times ?? 1) - 1;
    if (left <= 0) list!.shift();
    else f.times = left;
    return f;
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  function serveBytes(
    req: IncomingMessage,
    res: ServerResponse,
    entry: ServedFile & { sha256: string },
    entryLog: LoggedRequest,
  ): void {
    const fault = req.method === 'HEAD' ? undefined : takeFault(entry.path);
    if (fault?.status) {
      entryLog.status = fault.status;
      res.writeHead(fault.status, { 'content-type': 'text/plain' });
      res.end(`injected ${fault.status}`);
      return;
    }
    const size = entry.bytes.length;
    let body = entry.bytes;
    if (fault?.corrupt) {
      body = Buffer.from(entry.bytes);
      body[body.length >> 1]! ^= 0xff;
    }
    const headers: Record<string, string> = {
      'accept-ranges': 'bytes',
      etag: `"${entry.sha256}"`,
      'content-type': 'application/octet-stream',
    };
    const m = req.headers.range?.match(/^bytes=(\d+)-(\d*)$/);
    let start = 0;
    let end = size - 1;
    let status = 200;
    if (m && !fault?.ignoreRange) {
      start = fault?.wrongRange ? 0 : Number(m[1]);
      end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
      if (start >= size) {
        entryLog.status = 416;
        res.writeHead(416, { 'content-range': `bytes */${size}` });
        res.end();
        return;
      }
      status = 206;
      headers['content-range'] = `bytes ${start}-${end}/${size}`;
    }
    const slice = body.subarray(start, end + 1);
    headers['content-length'] = String(slice.length);
    entryLog.status = status;
    res.writeHead(status, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const limit = fault?.cutAfter ?? fault?.stallAfter;
    if (limit === undefined) {
      entryLog.bytesSent = slice.length;
      res.end(slice);
      return;
    }
    const first = slice.subarray(0, limit);
    entryLog.bytesSent = first.length;
    res.write(first, () => {
      if (fault!.cutAfter !== undefined) {
        res.socket?.end(); // a clean close mid-body: every byte written arrives, then the stream stops short
        return;
      }
      const go = () => {
        entryLog.bytesSent += slice.length - first.length;
        res.end(slice.subarray(first.length));
      };
      stalled.push(go);
    });
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const entryLog: LoggedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '',
      file: null,
      range: req.headers.range ?? null,
      authorization: req.headers.authorization ?? null,
      status: 0,
      bytesSent: 0,
    };
    log.push(entryLog);
    const path = decodeURIComponent(url.pathname);
    const api = path.match(/^\/api\/models\/([^/]+\/[^/]+)\/(revision|tree)\/([^/]+)$/);
    if (api) {
      if (api[1] !== repo) return json(res, (entryLog.status = 401), { error: 'Repository not found' });
      if (api[3] !== 'main' && api[3] !== commit)
        return json(res, (entryLog.status = 404), { error: 'Revision Not Found' });
      entryLog.status = 200;
      if (api[2] === 'revision') return json(res, 200, { id: repo, sha: commit });
      const dirs = new Set<string>();
      for (const p of files.keys())
        for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) dirs.add(p.slice(0, i));
      const tree = [
        ...[...dirs].map((d) => ({ type: 'directory', oid: gitBlobSha1(Buffer.from(d)), size: 0, path: d })),
        ...[...files.values()].map((f) => ({
          type: 'file',
          oid: gitBlobSha1(f.bytes),
          size: isLfs(f.path) ? 134 : f.bytes.length,
          path: f.path,
          ...(isLfs(f.path) ? { lfs: { oid: f.sha256, size: f.bytes.length, pointerSize: 134 } } : {}),
        })),
      ];
      const pageSize = opts.pageSize ?? tree.length;
      const cursor = Number(url.searchParams.get('cursor') ?? 0);
      const page = tree.slice(cursor, cursor + pageSize);
      const more = cursor + pageSize < tree.length;
      const next = `${url.pathname}?recursive=true&cursor=${cursor + pageSize}`;
      return json(res, 200, page, more ? { link: `<${next}>; rel="next"` } : {});
    }
    const resolve = path.match(/^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/);
    if (resolve) {
      const entry =
        resolve[1] === repo && (resolve[2] === 'main' || resolve[2] === commit)
          ? files.get(resolve[3]!)
          : undefined;
      if (!entry) return json(res, (entryLog.status = 404), { error: 'Entry not found' });
      if (isLfs(entry.path)) {
        entryLog.status = 302;
        res.writeHead(302, {
          location: `/cdn/${entry.sha256}`,
          'x-linked-etag': `"${entry.sha256}"`,
          'x-linked-size': String(entry.bytes.length),
          'x-repo-commit': commit,
        });
        return res.end();
      }
      entryLog.file = entry.path;
      return serveBytes(req, res, entry, entryLog);
    }
    const cdn = path.match(/^\/cdn\/([0-9a-f]{64})$/);
    const plain = path.match(/^\/plain\/(.+)$/);
    const entry = cdn ? bySha.get(cdn[1]!) : plain ? files.get(plain[1]!) : undefined;
    if (!entry) {
      entryLog.status = 404;
      res.writeHead(404);
      return res.end('not found');
    }
    entryLog.file = entry.path;
    serveBytes(req, res, entry, entryLog);
  };

  const server = opts.tls ? https.createServer(opts.tls, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const origin = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    origin,
    repo,
    commit,
    hubUrl: `${origin}/${repo}/resolve/main/`,
    plainUrl: `${origin}/plain/`,
    log,
    fileRequests: (p) => log.filter((l) => l.file === p),
    fault: (p, f) => faults.set(p, [...(faults.get(p) ?? []), { ...f }]),
    release: () => {
      const go = stalled;
      stalled = [];
      go.forEach((g) => g());
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

interface CountingProxy {
  url: string;
  /** "GET http://…" or "CONNECT host:port", in order. */
  requests: string[];
  close(): Promise<void>;
}

/** A forward proxy: absolute-form requests for http:// and CONNECT tunnels for https://. */
export async function startCountingProxy(): Promise<CountingProxy> {
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '');
    const upstream = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: net.Socket, head: Buffer) => {
    requests.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A model-list entry for a test bundle served at `baseUrl` (validated like resources/models.json). */
export function testEntry(
  id: string,
  baseUrl: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    name: `${id} (test)`,
    description: 'the tiny test model',
    layout: 'glimpse',
    precision: 'fp32',
    embedDim: 64,
    imageSize: 224,
    sizeBytes: 1_500_000,
    speed: { gpu: 'fast', cpu: 'fast' },
    hardware: { needsGpu: false, summary: 'any machine' },
    source: { baseUrl },
    ...extra,
  };
}

export function testModelListData(models: Array<Record<string, unknown>>): unknown {
  return {
    format: 'glimpse-model-list',
    formatVersion: 1,
    recommendOrder: [models[models.length - 1]!.id],
    models,
  };
}

// One HTTP(S) request for the model downloader, on node:http/https: redirects followed, proxies from the
// environment (CONNECT tunnels for https), an inactivity timeout that also covers the body, AbortSignal.
// Node 20's fetch ignores HTTPS_PROXY, and undici's ProxyAgent is not exposed without a dependency.
import type { IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import tls from 'node:tls';
import { ModelDownloadError, networkError } from './errors';
import { proxyAuthorization, proxyFor, type Env } from './proxy';

/** A stalled connection is given up after this long without a byte (then retried by the caller). */
const DEFAULT_IDLE_TIMEOUT_MS = 30 * 1000;
/** Hugging Face answers a file with one redirect to its CDN; ten is curl's default bound. */
const MAX_REDIRECTS = 10;

export interface HttpOptions {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** Headers sent only to this origin (an access token), dropped when a redirect leaves it. */
  originHeaders?: { origin: string; headers: Record<string, string> };
  signal?: AbortSignal;
  idleTimeoutMs?: number;
  /** Where HTTPS_PROXY / HTTP_PROXY / NO_PROXY are read; default process.env. */
  env?: Env;
  /** Certificates to trust instead of Node's bundled roots (tests; NODE_EXTRA_CA_CERTS covers users). */
  ca?: string | Buffer;
}

interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Headers of the first answer in a redirect chain: Hugging Face puts X-Linked-Etag/-Size there. */
  firstHeaders: IncomingHttpHeaders;
  /** The URL that finally answered. */
  url: string;
  body: IncomingMessage;
  /** The proxy used for the final request, or null. */
  proxy: string | null;
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

const defaultPort = (u: URL) => (u.protocol === 'https:' ? 443 : 80);
const bareHost = (u: URL) => u.hostname.replace(/^\[|\]$/g, '');
/** Where a request is sent: the host (IPv6 without brackets) and port of `u`. */
const endpoint = (u: URL) => ({ hostname: bareHost(u), port: u.port || defaultPort(u) });
/** Node's client module for the scheme of `u`. */
const clientFor = (u: URL) => (u.protocol === 'https:' ? https : http);

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new DOMException('This operation was aborted', 'AbortError');
}

/** Opens a tunnel to `target` through an HTTP proxy (CONNECT), for a TLS connection inside it. */
function connectTunnel(proxy: URL, target: URL, opts: HttpOptions, timeoutMs: number): Promise<Socket> {
  const mod = clientFor(proxy);
  const authority = `${target.hostname}:${target.port || defaultPort(target)}`;
  const auth = proxyAuthorization(proxy);
  return new Promise((resolve, reject) => {
    const req = mod.request({
      ...endpoint(proxy),
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, ...(auth ? { 'proxy-authorization': auth } : {}) },
      agent: false,
      ...(opts.ca ? { ca: opts.ca } : {}),
    });
    const onAbort = () => req.destroy(abortError(opts.signal!));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.setTimeout(timeoutMs, () =>
      req.destroy(Object.assign(new Error('proxy timed out'), { code: 'ETIMEDOUT' })),
    );
    req.on('connect', (res, socket, head) => {
      opts.signal?.removeEventListener('abort', onAbort);
      req.setTimeout(0);
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(
          new ModelDownloadError(
            'PROXY',
            `the proxy ${proxy.host} answered ${res.statusCode} to CONNECT ${authority}` +
              (res.statusCode === 407
                ? ' (it wants credentials: put them in the proxy URL, http://user:pass@host:port)'
                : ''),
            { url: target.href, status: res.statusCode },
          ),
        );
        return;
      }
      if (head.length) socket.unshift(head);
      resolve(socket);
    });
    req.on('error', (e) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    req.end();
  });
}

async function requestOnce(
  url: URL,
  headers: Record<string, string>,
  opts: HttpOptions,
): Promise<{
  res: IncomingMessage;
  proxy: URL | null;
}> {
  if (opts.signal?.aborted) throw abortError(opts.signal);
  const timeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const proxy = proxyFor(url, opts.env ?? process.env);
  const method = opts.method ?? 'GET';
  const tlsOpts = opts.ca ? { ca: opts.ca } : {};
  let reqOpts: RequestOptions;
  let mod: typeof http | typeof https;
  if (!proxy) {
    mod = clientFor(url);
    reqOpts = {
      ...endpoint(url),
      path: url.pathname + url.search,
      method,
      headers,
      agent: false,
      ...tlsOpts,
    };
  } else if (url.protocol === 'http:') {
    // Plain HTTP through a proxy: the request line carries the absolute URL.
    mod = clientFor(proxy);
    const auth = proxyAuthorization(proxy);
    reqOpts = {
      ...endpoint(proxy),
      path: url.href,
      method,
      headers: { ...headers, host: url.host, ...(auth ? { 'proxy-authorization': auth } : {}) },
      agent: false,
      ...tlsOpts,
    };
  } else {
    const socket = await connectTunnel(proxy, url, opts, timeoutMs);
    mod = https;
    reqOpts = {
      ...endpoint(url),
      path: url.pathname + url.search,
      method,
      headers,
      // No agent: with one, Node would open its own connection and ignore createConnection.
      // `host` is what the certificate is checked against; SNI carries host names only (RFC 6066).
      createConnection: () =>
        tls.connect({
          socket,
          host: bareHost(url),
          servername: isIP(bareHost(url)) ? undefined : bareHost(url),
          ...tlsOpts,
        }),
    };
  }
  return new Promise((resolve, reject) => {
    let res: IncomingMessage | null = null;
    const req = mod.request(reqOpts, (r) => {
      res = r;
      resolve({ res: r, proxy });
    });
    const fail = (e: Error) => {
      // After the headers, the body stream carries the error to whoever reads it.
      if (res) res.destroy(e);
      else req.destroy(e);
    };
    const onAbort = () => fail(abortError(opts.signal!));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    // Socket inactivity: covers connecting, waiting for headers, and every pause in the body.
    req.setTimeout(timeoutMs, () =>
      fail(
        new ModelDownloadError('TIMEOUT', `${url.href}: no data for ${timeoutMs / 1000} s`, {
          url: url.href,
          transient: true,
        }),
      ),
    );
    req.on('error', (e) => {
      if (!res) reject(e);
    });
    req.on('close', () => opts.signal?.removeEventListener('abort', onAbort));
    req.end();
  });
}

/** Sends a request and follows redirects; any status is returned (the caller decides what it means).
 *  Network failures reject with a ModelDownloadError in plain words; an abort rejects with the
 *  signal's reason. */
export async function httpRequest(target: string, opts: HttpOptions = {}): Promise<HttpResponse> {
  let url = new URL(target);
  let firstHeaders: IncomingHttpHeaders | null = null;
  for (let hop = 0; ; hop++) {
    const headers = {
      'user-agent': 'glimpse-model-manager',
      ...opts.headers,
      ...(opts.originHeaders && url.origin === opts.originHeaders.origin ? opts.originHeaders.headers : {}),
    };
    let answer: { res: IncomingMessage; proxy: URL | null };
    try {
      answer = await requestOnce(url, headers, opts);
    } catch (e) {
      if (opts.signal?.aborted) throw abortError(opts.signal);
      throw networkError(e, url.href);
    }
    const { res, proxy } = answer;
    firstHeaders ??= res.headers;
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if ([301, 302, 303, 307, 308].includes(status) && location) {
      res.resume(); // the redirect's own body is not wanted
      if (hop >= MAX_REDIRECTS)
        throw new ModelDownloadError('HTTP', `${target}: more than ${MAX_REDIRECTS} redirects`, {
          url: target,
        });
      url = new URL(location, url);
      continue;
    }
    return {
      status,
      headers: res.headers,
      firstHeaders,
      url: url.href,
      body: res,
      proxy: proxy?.host ?? null,
    };
  }
}

/** Reads a whole (small) response body as text. */
export async function readText(body: IncomingMessage, limitBytes = 32 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    n += (chunk as Buffer).length;
    if (n > limitBytes) {
      body.destroy();
      throw new Error(`response larger than ${limitBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

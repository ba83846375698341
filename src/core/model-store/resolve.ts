// Turns a model's source (a Hugging Face repository or a plain web folder) into the exact files to fetch:
// URL, size and SHA-256 of each, read from the Hub's API or the server's headers when not pinned.
import picomatch from 'picomatch';
import { z } from 'zod';
import type { FileSpec, SourceSpec } from './model-list';
import { httpStatusError, ModelDownloadError } from './errors';
import { headerValue, httpRequest, readText, type HttpOptions } from './http';
import type { Env } from './proxy';

export interface RemoteFile {
  /** Path inside the bundle, "/"-separated. */
  path: string;
  url: string;
  /** Bytes; null when the server does not say until the download starts. */
  size: number | null;
  sha256: string | null;
  /** Git's blob id (SHA-1 of "blob <size>\0" + bytes): Hugging Face's checksum for small non-LFS files. */
  gitSha1: string | null;
}

interface ResolvedSource {
  /** What the files come from, for messages: "huggingface.co/org/repo@<commit>" or the base URL. */
  label: string;
  kind: 'huggingface' | 'web';
  files: RemoteFile[];
  /** Authorization for the Hub's own origin (HF_TOKEN), never sent to the CDN it redirects to. */
  originHeaders?: HttpOptions['originHeaders'];
}

interface HubRepo {
  /** Origin plus any path prefix the Hub is served under (https://huggingface.co, a mirror). */
  endpoint: string;
  repo: string;
  revision: string;
}

const HF_DEFAULT_ENDPOINT = 'https://huggingface.co';
/** Files in a repository that are never part of a model: docs, git metadata, other runtimes' formats. */
const DEFAULT_EXCLUDE = [
  'README.md',
  '.gitattributes',
  '**/*.armnn',
  '**/*.rknn',
  '**/rknpu/**',
  '**/fp16/**',
];

const treeEntry = z.object({
  type: z.string(),
  path: z.string(),
  size: z.number().int().nonnegative(),
  oid: z.string().optional(),
  lfs: z.object({ oid: z.string(), size: z.number().int().nonnegative() }).nullish(),
});

/** Recognises Hub URLs: …/<org>/<repo>/resolve/<revision>/ on any host (mirrors use the same layout), and
 *  https://huggingface.co/<org>/<repo>[/tree/<revision>] on the Hub's own host (or HF_ENDPOINT's). */
export function parseHubUrl(baseUrl: string, env: Env = process.env): HubRepo | null {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  const resolve = path.match(/^(.*?)\/([^/]+)\/([^/]+)\/resolve\/([^/]+)$/);
  if (resolve) {
    return {
      endpoint: `${url.origin}${resolve[1]}`,
      repo: `${resolve[2]}/${resolve[3]}`,
      revision: decodeURIComponent(resolve[4]!),
    };
  }
  const hubHosts = new Set(['huggingface.co', 'hf.co', new URL(env.HF_ENDPOINT || HF_DEFAULT_ENDPOINT).host]);
  const page = path.match(/^\/([^/]+)\/([^/]+)(?:\/tree\/([^/]+))?$/);
  if (hubHosts.has(url.host) && page) {
    return {
      endpoint: url.origin,
      repo: `${page[1]}/${page[2]}`,
      revision: page[3] ? decodeURIComponent(page[3]) : 'main',
    };
  }
  return null;
}

/** A path a source names must stay inside the bundle: it is fetched relative to the base URL and
 *  written to partial/<path>. Checked before any request for it. */
function checkPath(path: string, label: string): string {
  const segments = path.split('/');
  if (
    path.startsWith('/') ||
    path.includes('\\') ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  )
    throw new ModelDownloadError(
      'BAD_SOURCE',
      `${label} names the file "${path}", which is not a plain path inside the model folder`,
      { file: path },
    );
  return path;
}

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');
const withSlash = (u: string) => (u.endsWith('/') ? u : `${u}/`);

function hubToken(env: Env): string | undefined {
  return env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN || undefined;
}

async function getJson(
  url: string,
  http: HttpOptions,
  what: string,
): Promise<{ json: unknown; link?: string }> {
  const res = await httpRequest(url, http);
  if (res.status !== 200) {
    res.body.resume();
    throw httpStatusError(res.status, url, what);
  }
  const text = await readText(res.body);
  try {
    return { json: JSON.parse(text), link: headerValue(res.headers, 'link') };
  } catch {
    throw new ModelDownloadError('BAD_SOURCE', `${url}: the Hub's API did not answer with JSON`, { url });
  }
}

/** The next page of a paginated Hub listing (RFC 8288 Link header). */
function nextLink(link: string | undefined): string | undefined {
  return link?.match(/<([^>]+)>\s*;\s*rel="?next"?/)?.[1];
}

function checkPinned(spec: FileSpec, file: RemoteFile, label: string): void {
  if (spec.size !== undefined && file.size !== null && spec.size !== file.size)
    throw new ModelDownloadError(
      'BAD_SOURCE',
      `${spec.path}: the model list pins ${spec.size} bytes, but ${label} has ${file.size}`,
      { file: spec.path },
    );
  if (spec.sha256 && file.sha256 && spec.sha256 !== file.sha256)
    throw new ModelDownloadError(
      'BAD_SOURCE',
      `${spec.path}: the model list pins SHA-256 ${spec.sha256}, but ${label} has ${file.sha256}`,
      { file: spec.path },
    );
}

/** Lists a Hub repository at one commit (the revision is resolved first, so every file comes from
 *  the same commit even if the branch moves during a long download or between restarts). */
async function resolveHub(
  hub: HubRepo,
  source: Partial<SourceSpec>,
  http: HttpOptions,
): Promise<ResolvedSource> {
  const env = http.env ?? process.env;
  const token = hubToken(env);
  const originHeaders = token
    ? { origin: new URL(hub.endpoint).origin, headers: { authorization: `Bearer ${token}` } }
    : undefined;
  const opts = { ...http, originHeaders };
  const api = `${hub.endpoint}/api/models/${hub.repo}`;
  const info = await getJson(`${api}/revision/${encodeURIComponent(hub.revision)}`, opts, hub.repo);
  const sha = z.object({ sha: z.string().min(1) }).safeParse(info.json);
  if (!sha.success)
    throw new ModelDownloadError(
      'BAD_SOURCE',
      `${api}: the Hub's answer names no commit for ${hub.revision}`,
    );
  const commit = sha.data.sha;

  const tree: Array<z.infer<typeof treeEntry>> = [];
  let page: string | undefined = `${api}/tree/${encodeURIComponent(commit)}?recursive=true`;
  while (page) {
    const { json, link } = await getJson(page, opts, hub.repo);
    const parsed = z.array(treeEntry).safeParse(json);
    if (!parsed.success)
      throw new ModelDownloadError('BAD_SOURCE', `${page}: unexpected file listing from the Hub's API`);
    tree.push(...parsed.data.filter((e) => e.type === 'file'));
    const next = nextLink(link);
    page = next ? new URL(next, page).href : undefined;
  }

  const label = `${new URL(hub.endpoint).host}/${hub.repo}@${commit.slice(0, 12)}`;
  const toRemote = (e: z.infer<typeof treeEntry>): RemoteFile => ({
    path: e.path,
    url: `${hub.endpoint}/${hub.repo}/resolve/${encodeURIComponent(commit)}/${encodePath(e.path)}`,
    size: e.lfs?.size ?? e.size,
    sha256: e.lfs?.oid ?? null,
    gitSha1: e.lfs ? null : (e.oid ?? null),
  });
  let files: RemoteFile[];
  if (source.files) {
    files = source.files.map((spec) => {
      const entry = tree.find((e) => e.path === spec.path);
      if (!entry)
        throw new ModelDownloadError('BAD_SOURCE', `${spec.path}: not in ${label}`, { file: spec.path });
      const remote = toRemote(entry);
      checkPinned(spec, remote, label);
      return { ...remote, sha256: spec.sha256 ?? remote.sha256 ?? null }; // a pin wins
    });
  } else {
    const include = picomatch(source.include ?? ['**'], { dot: true });
    const exclude = picomatch([...DEFAULT_EXCLUDE, ...(source.exclude ?? [])], { dot: true });
    files = tree.filter((e) => include(e.path) && !exclude(e.path)).map(toRemote);
  }
  if (!files.length)
    throw new ModelDownloadError('BAD_SOURCE', `${label}: no files match the model's file patterns`);
  for (const f of files) checkPath(f.path, label);
  return { label, kind: 'huggingface', files, originHeaders };
}

/** Size and SHA-256 a plain server states for one file (HEAD): Content-Length, and an ETag or
 *  X-Linked-Etag that is a bare SHA-256 (Hugging Face's convention for large files). */
async function probe(
  url: string,
  path: string,
  http: HttpOptions,
): Promise<{ size: number | null; sha256: string | null }> {
  const res = await httpRequest(url, { ...http, method: 'HEAD' });
  res.body.resume();
  if (res.status === 405 || res.status === 501) return { size: null, sha256: null }; // no HEAD: learn on GET
  if (res.status !== 200) throw httpStatusError(res.status, url, path);
  const size = Number(
    headerValue(res.firstHeaders, 'x-linked-size') ?? headerValue(res.headers, 'content-length'),
  );
  return {
    size: Number.isSafeInteger(size) && size >= 0 ? size : null,
    sha256: sha256FromEtag(
      headerValue(res.firstHeaders, 'x-linked-etag') ?? headerValue(res.headers, 'etag'),
    ),
  };
}

export function sha256FromEtag(etag: string | undefined): string | null {
  const bare = etag?.replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase();
  return bare && /^[0-9a-f]{64}$/.test(bare) ? bare : null;
}

/** The files of a bundle on a plain web server that has no listing: model.json names ours (plus an
 *  external-data file beside each graph, if the server has one); Immich's layout has fixed names. */
async function discoverFiles(base: string, http: HttpOptions): Promise<FileSpec[]> {
  const exists = async (path: string) => {
    const res = await httpRequest(new URL(encodePath(path), base).href, { ...http, method: 'HEAD' });
    res.body.resume();
    return res.status === 200;
  };
  const modelJsonUrl = new URL('model.json', base).href;
  const res = await httpRequest(modelJsonUrl, http);
  if (res.status === 200) {
    let json: unknown = null;
    try {
      json = JSON.parse(await readText(res.body));
    } catch {
      // not JSON: reported below as not a Glimpse model.json
    }
    const parsed = z
      .object({
        visual: z.object({ file: z.string() }),
        textual: z.object({ file: z.string() }),
        text: z.object({ tokenizer: z.string() }),
      })
      .safeParse(json);
    if (!parsed.success)
      throw new ModelDownloadError('BAD_SOURCE', `${modelJsonUrl}: not a Glimpse model.json`, {
        url: modelJsonUrl,
      });
    const named = [parsed.data.visual.file, parsed.data.textual.file, parsed.data.text.tokenizer].map((p) =>
      checkPath(p, base),
    );
    const data = [];
    for (const graph of named.slice(0, 2)) if (await exists(`${graph}.data`)) data.push(`${graph}.data`);
    return ['model.json', ...named, ...data].map((path) => ({ path }));
  }
  res.body.resume();
  if (await exists('config.json')) {
    const paths = [
      'visual/model.onnx',
      'visual/preprocess_cfg.json',
      'textual/model.onnx',
      'textual/tokenizer.json',
    ];
    return ['config.json', ...paths].map((path) => ({ path }));
  }
  throw new ModelDownloadError(
    'BAD_SOURCE',
    `${base}: found neither model.json (Glimpse bundle) nor config.json (Immich layout) there`,
    { url: base },
  );
}

/** Files on a plain web server: the listed ones, or those model.json / Immich's layout names. */
async function resolveWeb(
  baseUrl: string,
  source: Partial<SourceSpec>,
  http: HttpOptions,
): Promise<ResolvedSource> {
  const base = withSlash(baseUrl);
  const specs = source.files ?? (await discoverFiles(base, http));
  const files: RemoteFile[] = [];
  for (const spec of specs) {
    const url = new URL(encodePath(checkPath(spec.path, base)), base).href;
    const known = spec.size !== undefined && spec.sha256 !== undefined;
    const stated = known ? { size: spec.size!, sha256: spec.sha256! } : await probe(url, spec.path, http);
    const file: RemoteFile = {
      path: spec.path,
      url,
      size: stated.size,
      sha256: stated.sha256,
      gitSha1: null,
    };
    checkPinned(spec, file, base);
    files.push({ ...file, size: spec.size ?? file.size, sha256: spec.sha256 ?? file.sha256 });
  }
  return { label: base, kind: 'web', files };
}

/** Resolves `baseUrl` (the model list's, or an override) with the entry's file list and patterns. A URL
 *  that looks like the Hub's but has no API behind it is read as a plain server when files are listed. */
export async function resolveSource(
  baseUrl: string,
  source: Partial<SourceSpec>,
  http: HttpOptions,
): Promise<ResolvedSource> {
  const hub = parseHubUrl(baseUrl, http.env ?? process.env);
  if (!hub) return resolveWeb(baseUrl, source, http);
  try {
    return await resolveHub(hub, source, http);
  } catch (e) {
    const status = e instanceof ModelDownloadError ? e.detail.status : undefined;
    const noApi =
      status === 404 || (e instanceof ModelDownloadError && e.code === 'BAD_SOURCE' && !e.detail.file);
    if (noApi && source.files && /\/resolve\//.test(baseUrl)) return resolveWeb(baseUrl, source, http);
    throw e;
  }
}

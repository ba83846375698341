// glimpse-app://app/<path> → a file of the built renderer: a pure resolver that only ever names files
// inside the renderer's folder (no traversal, no encoded separators, no NUL), and the headers they are
// served with (the CSP among them).
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative } from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin';
import { APP_CSP } from './csp';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** Longer than any built asset's path; longer requests are refused unread. */
const MAX_URL = 2048;

/** The file under `root` a glimpse-app:// URL names; null for anything else. */
export function resolveAppFile(url: string, root: string): string | null {
  if (typeof url !== 'string' || url.length > MAX_URL) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username || u.password) return null;
  // Encoded separators or NUL never name one of our files; refuse rather than interpret them.
  if (/%(2f|5c|00)/i.test(u.pathname)) return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  const rel = path === '/' || path === '' ? 'index.html' : path.replace(/^\/+/, '');
  if (rel.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) return null;
  const file = join(root, rel);
  const inside = relative(root, file);
  if (!inside || inside.startsWith('..') || isAbsolute(inside)) return null;
  return file;
}

/** Response headers for a file of the app: its type, the CSP, and no type sniffing. */
export function appFileHeaders(file: string): Record<string, string> {
  return {
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-security-policy': APP_CSP,
    'x-content-type-options': 'nosniff',
  };
}

interface AppResponse {
  status: 200 | 404;
  headers: Record<string, string>;
  body: Uint8Array | null;
}

/** What glimpse-app:// answers: the named file of the built renderer with its headers, else 404 (any
 *  method but GET, a URL naming nothing inside `root`, a folder, a missing file). Electron's fs reads
 *  inside app.asar; the page's files are small (the bundle is ~0.4 MB). */
export async function appResponse(url: string, method: string, root: string): Promise<AppResponse> {
  const file = method === 'GET' ? resolveAppFile(url, root) : null;
  const bytes = file ? await readFile(file).catch(() => null) : null;
  if (!file || !bytes) return { status: 404, headers: { 'content-type': 'text/plain' }, body: null };
  return { status: 200, headers: appFileHeaders(file), body: new Uint8Array(bytes) };
}

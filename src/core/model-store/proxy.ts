// Which proxy a request should go through, by the conventions curl and most tools share: HTTPS_PROXY for
// https URLs, HTTP_PROXY for http, ALL_PROXY for both, NO_PROXY to bypass (either case of each name).

export type Env = Record<string, string | undefined>;

function envValue(env: Env, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value?.trim() || undefined;
}

/** Default ports, so that "host:443" in NO_PROXY matches https://host/. */
function portOf(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** True when NO_PROXY says `url` goes direct. Entries: "*", "host", ".domain" or "domain" (matching
 *  subdomains too), "host:port", and IP addresses; separated by commas or spaces. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const m = entry.match(/^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/);
    if (!m) continue;
    const name = m[1]!.replace(/^\[|\]$/g, '').replace(/^\*?\./, '.');
    if (m[2] && m[2] !== portOf(url)) continue;
    const bare = name.startsWith('.') ? name.slice(1) : name;
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

/** The proxy URL for `url`, or null to connect directly. A proxy given without a scheme is http://. */
export function proxyFor(url: URL, env: Env): URL | null {
  if (bypassesProxy(url, envValue(env, 'no_proxy'))) return null;
  const raw =
    (url.protocol === 'https:' ? envValue(env, 'https_proxy') : envValue(env, 'http_proxy')) ??
    envValue(env, 'all_proxy');
  if (!raw) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let proxy: URL;
  try {
    proxy = new URL(withScheme);
  } catch {
    throw new Error(`the proxy setting "${raw}" is not a URL (expected e.g. http://proxy.example:3128)`);
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    throw new Error(
      `the proxy "${raw}" uses ${proxy.protocol}; only http:// and https:// proxies are supported`,
    );
  }
  return proxy;
}

/** The Proxy-Authorization header for credentials in the proxy URL, if any. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username) return undefined;
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

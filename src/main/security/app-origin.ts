// Where the app's own page comes from: the glimpse-app:// scheme main serves the built renderer on, or
// — only in an unpackaged build — the dev server on this machine. IPC is answered for that origin only.
export const APP_SCHEME = 'glimpse-app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** scheme://host[:port] of a URL; null when it has none. Computed by hand: WHATWG gives custom schemes
 *  an opaque "null" origin. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.host ? `${u.protocol}//${u.host}` : null;
  } catch {
    return null;
  }
}

/** The dev server's origin when it may be used (an unpackaged build, an http URL on this machine),
 *  else the app's own scheme: a packaged app ignores ELECTRON_RENDERER_URL. */
export function appOrigin(env: { isPackaged: boolean; devServerUrl?: string | undefined }): string {
  if (env.isPackaged || !env.devServerUrl) return APP_ORIGIN;
  try {
    const u = new URL(env.devServerUrl);
    if (u.protocol === 'http:' && LOOPBACK.has(u.hostname) && !u.username && !u.password)
      return `${u.protocol}//${u.host}`;
  } catch {
    // not a URL: the app's own scheme
  }
  return APP_ORIGIN;
}

/** The URL the window loads for that origin. */
export function appEntry(origin: string, devServerUrl: string | undefined): string {
  return origin === APP_ORIGIN || !devServerUrl ? APP_ENTRY : devServerUrl;
}

/** What main knows of the frame an IPC message came from, as plain data. */
interface SenderFrame {
  /** The message came from our window's web contents. */
  fromOurWindow: boolean;
  /** …and from its main frame (not an iframe). */
  isMainFrame: boolean;
  /** The frame's URL; null when the frame is gone. */
  url: string | null;
}

/** True for our own page only: our window, its main frame, at the app's origin. */
export function isTrustedFrame(frame: SenderFrame, origin: string): boolean {
  return frame.fromOurWindow && frame.isMainFrame && !!frame.url && originOf(frame.url) === origin;
}

// Why a model download or install failed, in plain words naming the file and URL, with a code the app
// can act on and whether trying again later could help.

type DownloadErrorCode =
  | 'NOT_FOUND' // 404/410: wrong id, revision or mirror
  | 'UNAUTHORIZED' // 401/403: gated or private repository, or a bad token
  | 'HTTP' // another unexpected status
  | 'SERVER' // 5xx or 429 that outlasted the retries
  | 'TIMEOUT'
  | 'DNS'
  | 'NETWORK' // refused, reset, cut off
  | 'TLS'
  | 'PROXY'
  | 'CHECKSUM'
  | 'SIZE'
  | 'DISK_FULL'
  | 'CANCELLED'
  | 'BAD_SOURCE' // the source cannot say which files to fetch, or is not a model
  | 'BUSY' // another download of the same model is running
  | 'EXISTS'
  | 'UNKNOWN_MODEL';

export class ModelDownloadError extends Error {
  constructor(
    readonly code: DownloadErrorCode,
    message: string,
    readonly detail: { file?: string; url?: string; status?: number; transient?: boolean } = {},
  ) {
    super(message);
    this.name = 'ModelDownloadError';
  }

  /** Worth another attempt after a pause: the server or the network may recover. */
  get transient(): boolean {
    return this.detail.transient ?? false;
  }
}

const STATUS_WORDS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  410: 'Gone',
  416: 'Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const what = (file: string | undefined, url: string) => `${file ? `${file}: ` : ''}${url}`;

/** An HTTP status that is not what a download expects, as a sentence saying what it probably means. */
export function httpStatusError(status: number, url: string, file?: string): ModelDownloadError {
  const answered = `the server answered ${status}${STATUS_WORDS[status] ? ` ${STATUS_WORDS[status]}` : ''}`;
  if (status === 404 || status === 410)
    return new ModelDownloadError(
      'NOT_FOUND',
      `${what(file, url)}: ${answered} — the file is not there (check the model id, revision or mirror URL)`,
      { file, url, status },
    );
  if (status === 401 || status === 403)
    return new ModelDownloadError(
      'UNAUTHORIZED',
      `${what(file, url)}: ${answered} — the repository does not exist, or it is private or gated: check the ` +
        `name, or accept its terms on its web page and set HF_TOKEN to an access token`,
      { file, url, status },
    );
  if (status >= 500 || status === 429 || status === 408)
    return new ModelDownloadError(
      'SERVER',
      `${what(file, url)}: ${answered} — the server is having trouble; try again later`,
      { file, url, status, transient: true },
    );
  return new ModelDownloadError('HTTP', `${what(file, url)}: ${answered}, which a download does not expect`, {
    file,
    url,
    status,
  });
}

/** A Node network error (errno codes) in plain words. */
export function networkError(e: unknown, url: string, file?: string): ModelDownloadError {
  if (e instanceof ModelDownloadError) return e;
  const err = e as NodeJS.ErrnoException;
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  const at = what(file, url);
  switch (err.code) {
    case 'ENOTFOUND':
      return new ModelDownloadError(
        'DNS',
        `${at}: could not look up the host ${host} (DNS) — check the network connection, the URL, or HTTPS_PROXY`,
        { file, url },
      );
    case 'EAI_AGAIN':
      return new ModelDownloadError('DNS', `${at}: the name server did not answer for ${host} (DNS)`, {
        file,
        url,
        transient: true,
      });
    case 'ECONNREFUSED':
      return new ModelDownloadError('NETWORK', `${at}: ${host} refused the connection`, {
        file,
        url,
        transient: true,
      });
    case 'ETIMEDOUT':
      return new ModelDownloadError('TIMEOUT', `${at}: connecting to ${host} timed out`, {
        file,
        url,
        transient: true,
      });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
    case 'UND_ERR_SOCKET':
      return new ModelDownloadError('NETWORK', `${at}: the connection to ${host} was cut off`, {
        file,
        url,
        transient: true,
      });
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return new ModelDownloadError('NETWORK', `${at}: ${host} cannot be reached (no route; offline?)`, {
        file,
        url,
        transient: true,
      });
  }
  if (err.code?.startsWith('CERT_') || err.code?.includes('CERT') || err.code?.startsWith('ERR_TLS')) {
    return new ModelDownloadError(
      'TLS',
      `${at}: the TLS certificate of ${host} was not accepted (${err.code}); a proxy that inspects HTTPS needs ` +
        `its certificate in NODE_EXTRA_CA_CERTS`,
      { file, url },
    );
  }
  return new ModelDownloadError('NETWORK', `${at}: ${err.message || String(e)}`, {
    file,
    url,
    transient: true,
  });
}

export function cancelled(id: string, kept: string): ModelDownloadError {
  return new ModelDownloadError('CANCELLED', `download of ${id} cancelled; ${kept}`);
}

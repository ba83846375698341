import { describe, expect, it } from 'vitest';
import { httpStatusError, networkError } from './errors';

const url = 'https://huggingface.co/org/repo/resolve/main/visual/model.onnx';
const errno = (code: string) => Object.assign(new Error(`getaddrinfo ${code} huggingface.co`), { code });

describe('download errors in plain words', () => {
  it('tells a DNS failure from a dropped connection, and which are worth retrying', () => {
    const dns = networkError(errno('ENOTFOUND'), url, 'visual/model.onnx');
    expect(dns.message).toBe(
      `visual/model.onnx: ${url}: could not look up the host huggingface.co (DNS) — check the network ` +
        'connection, the URL, or HTTPS_PROXY',
    );
    expect([dns.code, dns.transient]).toEqual(['DNS', false]);
    expect(networkError(errno('EAI_AGAIN'), url).transient).toBe(true);
    expect(networkError(errno('ECONNRESET'), url)).toMatchObject({ code: 'NETWORK', transient: true });
    expect(networkError(errno('CERT_HAS_EXPIRED'), url)).toMatchObject({ code: 'TLS', transient: false });
  });

  it('says what an HTTP status probably means', () => {
    expect(httpStatusError(404, url, 'visual/model.onnx')).toMatchObject({
      code: 'NOT_FOUND',
      transient: false,
    });
    expect(httpStatusError(403, url).message).toMatch(/403 Forbidden — .*set HF_TOKEN/);
    expect(httpStatusError(429, url)).toMatchObject({ code: 'SERVER', transient: true });
    expect(httpStatusError(502, url).message).toMatch(/502 Bad Gateway — the server is having trouble/);
    expect(httpStatusError(418, url)).toMatchObject({ code: 'HTTP', transient: false });
  });
});

import { describe, expect, it } from 'vitest';
import { bypassesProxy, proxyAuthorization, proxyFor } from './proxy';

const url = (u: string) => new URL(u);

describe('choosing a proxy', () => {
  it('uses HTTPS_PROXY for https and HTTP_PROXY for http, in either case, ALL_PROXY as a fallback', () => {
    const env = { https_proxy: 'http://secure:3128', HTTP_PROXY: 'plain:8080' };
    expect(proxyFor(url('https://huggingface.co/x'), env)?.href).toBe('http://secure:3128/');
    expect(proxyFor(url('http://mirror.lan/x'), env)?.href).toBe('http://plain:8080/');
    expect(proxyFor(url('https://a/'), { ALL_PROXY: 'http://all:1' })?.host).toBe('all:1');
    expect(proxyFor(url('https://a/'), {})).toBeNull();
  });

  it('goes direct for NO_PROXY hosts, domains, ports and *', () => {
    const list = 'localhost, .internal.lan,example.com:8443 127.0.0.1';
    expect(bypassesProxy(url('http://localhost:9000/'), list)).toBe(true);
    expect(bypassesProxy(url('https://cdn.internal.lan/'), list)).toBe(true);
    expect(bypassesProxy(url('https://internal.lan/'), list)).toBe(true);
    expect(bypassesProxy(url('https://example.com:8443/'), list)).toBe(true);
    expect(bypassesProxy(url('https://example.com/'), list)).toBe(false);
    expect(bypassesProxy(url('https://sub.example.com:8443/'), list)).toBe(true);
    expect(bypassesProxy(url('https://notexample.com:8443/'), list)).toBe(false);
    expect(bypassesProxy(url('http://127.0.0.1:5000/'), list)).toBe(true);
    expect(bypassesProxy(url('https://huggingface.co/'), list)).toBe(false);
    expect(bypassesProxy(url('https://anything/'), '*')).toBe(true);
    expect(
      proxyFor(url('https://cdn.internal.lan/'), { HTTPS_PROXY: 'http://p:1', NO_PROXY: list }),
    ).toBeNull();
  });

  it('sends the credentials of the proxy URL, and refuses proxies it cannot speak to', () => {
    expect(proxyAuthorization(new URL('http://me:p%40ss@proxy:3128'))).toBe(
      `Basic ${Buffer.from('me:p@ss').toString('base64')}`,
    );
    expect(proxyAuthorization(new URL('http://proxy:3128'))).toBeUndefined();
    expect(() => proxyFor(url('https://a/'), { HTTPS_PROXY: 'socks5://p:1080' })).toThrow(
      /only http:\/\/ and https:\/\/ proxies are supported/,
    );
  });
});

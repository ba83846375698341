import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appFileHeaders, appResponse, resolveAppFile } from './app-files';
import { APP_CSP } from './csp';

const root = '/opt/Glimpse/resources/app.asar/out/renderer';

describe('files of the app page, served on glimpse-app://', () => {
  it('serves the page and its assets from the renderer folder', () => {
    expect(resolveAppFile('glimpse-app://app/', root)).toBe(join(root, 'index.html'));
    expect(resolveAppFile('glimpse-app://app/index.html', root)).toBe(join(root, 'index.html'));
    expect(resolveAppFile('glimpse-app://app/assets/index-Bx1.js', root)).toBe(
      join(root, 'assets', 'index-Bx1.js'),
    );
    expect(resolveAppFile('glimpse-app://app/assets/a%20b.css?v=1#x', root)).toBe(
      join(root, 'assets', 'a b.css'),
    );
  });

  it('names nothing outside it, however the URL is spelled', () => {
    const hostile = [
      'glimpse-app://app/../../../../etc/passwd',
      'glimpse-app://app/%2e%2e/%2e%2e/etc/passwd',
      'glimpse-app://app/assets/..%2f..%2f..%2fetc%2fpasswd',
      'glimpse-app://app/assets%2F..%2F..%2Fmain%2Findex.js',
      'glimpse-app://app/..%5c..%5cwindows%5cwin.ini',
      'glimpse-app://app/index.html%00.png',
      'glimpse-app://app/a/%00',
      'glimpse-app://app//etc/passwd',
      'glimpse-app://app/assets//x.js',
      'glimpse-app://app/%E0%A4%A',
      'glimpse-app://other/index.html',
      'glimpse-app://user:pw@app/index.html',
      'glimpse-thumb://photo/1',
      'file:///etc/passwd',
      `glimpse-app://app/${'a/'.repeat(2000)}x.js`,
      '',
      'glimpse-app:',
    ];
    for (const url of hostile) {
      const file = resolveAppFile(url, root);
      if (file !== null) expect(file.startsWith(`${root}/`), url).toBe(true);
    }
    expect(resolveAppFile('glimpse-app://app/index.html%00.png', root)).toBeNull();
    expect(resolveAppFile('glimpse-app://app/assets%2F..%2F..%2Fmain%2Findex.js', root)).toBeNull();
    expect(resolveAppFile('glimpse-app://other/index.html', root)).toBeNull();
  });

  it('never throws on random input', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = [
      '/',
      '.',
      '%',
      '2',
      'e',
      'f',
      '5',
      'c',
      '0',
      '\\',
      '\0',
      'a',
      '?',
      '#',
      ':',
      '@',
      'é',
      '\u202e',
    ];
    for (let i = 0; i < 5000; i++) {
      let tail = '';
      for (let n = Math.floor(rand() * 40); n > 0; n--)
        tail += alphabet[Math.floor(rand() * alphabet.length)];
      const file = resolveAppFile(`glimpse-app://app/${tail}`, root);
      if (file !== null) expect(file.startsWith(`${root}/`), tail).toBe(true);
    }
  });

  it('sends the CSP as a header, the same policy as the meta tag in index.html', () => {
    const html = readFileSync(join(import.meta.dirname, '../../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(APP_CSP);
    expect(appFileHeaders(join(root, 'index.html'))).toEqual({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': APP_CSP,
      'x-content-type-options': 'nosniff',
    });
    expect(appFileHeaders(join(root, 'x.bin'))['content-type']).toBe('application/octet-stream');
  });
});

describe('what glimpse-app:// answers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-app-files-'));
  const built = join(dir, 'renderer');
  mkdirSync(join(built, 'assets'), { recursive: true });
  writeFileSync(join(built, 'index.html'), '<!doctype html>');
  writeFileSync(join(built, 'assets', 'index.js'), 'export {}');
  writeFileSync(join(dir, 'secret.txt'), 'secret');

  it('serves the page with the CSP header and scripts as JavaScript', async () => {
    const page = await appResponse('glimpse-app://app/index.html', 'GET', built);
    expect(page).toMatchObject({ status: 200, headers: { 'content-security-policy': APP_CSP } });
    expect(Buffer.from(page.body!).toString()).toBe('<!doctype html>');
    const script = await appResponse('glimpse-app://app/assets/index.js', 'GET', built);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404 for other methods, folders, missing files and anything outside', async () => {
    for (const [url, method] of [
      ['glimpse-app://app/index.html', 'POST'],
      ['glimpse-app://app/assets', 'GET'],
      ['glimpse-app://app/missing.js', 'GET'],
      ['glimpse-app://app/../secret.txt', 'GET'],
      ['glimpse-app://app/%2e%2e%2fsecret.txt', 'GET'],
      ['glimpse-app://app/..%2fsecret.txt', 'GET'],
    ] as const) {
      const r = await appResponse(url, method, built);
      expect(r.status, `${method} ${url}`).toBe(404);
      expect(r.body).toBeNull();
    }
  });
});

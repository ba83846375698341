// The app's schemes. glimpse-app://app/… serves the built renderer (the page is never a file:// page),
// with its CSP as a response header. glimpse-thumb://photo/<id> and glimpse-image://photo/<id>: the
// renderer names catalog ids only; the engine resolves them to files inside the thumbnail cache or a
// library folder (links resolved). No path from the renderer is ever opened.
import { protocol } from 'electron';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fsPath } from '../core/host';
import { IMAGE_SCHEME, photoIdOf, THUMB_SCHEME } from '../shared/photo-urls';
import type { EngineHost } from './engine-host';
import { appResponse } from './security/app-files';
import { APP_SCHEME } from './security/app-origin';

/** Must run before the app is ready, and only once (a second call replaces the first). */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
    },
    { scheme: THUMB_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    {
      scheme: IMAGE_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    },
  ]);
}

const notFound = () => new Response('not found', { status: 404 });

/** The built renderer, beside main in out/ (inside app.asar when packaged). */
const RENDERER_DIR = join(import.meta.dirname, '../renderer');

export function handleProtocols(engine: EngineHost): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const r = await appResponse(request.url, request.method, RENDERER_DIR);
    return new Response(r.body, { status: r.status, headers: r.headers });
  });
  // Read with fs, not net.fetch of a file: URL, so serving depends on nothing the fuses take from file:.
  protocol.handle(THUMB_SCHEME, async (request) => {
    const id = photoIdOf(request.url);
    const file = id === null ? null : await engine.call('thumbnailFile', id).catch(() => null);
    const bytes = file ? await readFile(file).catch(() => null) : null;
    if (!bytes) return notFound();
    return new Response(new Uint8Array(bytes), {
      headers: { 'content-type': 'image/webp', 'cache-control': 'max-age=31536000, immutable' },
    });
  });
  protocol.handle(IMAGE_SCHEME, async (request) => {
    const id = photoIdOf(request.url);
    const image = id === null ? null : await engine.call('imageFile', id).catch(() => null);
    // A stored path: a name that is not UTF-8 opens by its exact bytes.
    const handle = image ? await open(fsPath(image.path)).catch(() => null) : null;
    if (!image || !handle) return notFound();
    // Full-size photos stream rather than sit whole in main's memory; the stream closes the file.
    const body = Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>;
    return new Response(body, { headers: { 'content-type': image.mime } });
  });
}

// glimpse-thumb://photo/<id> and glimpse-image://photo/<id>: the renderer names catalog ids only; the
// engine resolves them to files inside the thumbnail cache or a library folder. No path from the
// renderer is ever opened.
import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { IMAGE_SCHEME, photoIdOf, THUMB_SCHEME } from '../shared/photo-urls';
import type { EngineHost } from './engine-host';

/** Must run before the app is ready. */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: THUMB_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    {
      scheme: IMAGE_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    },
  ]);
}

const notFound = () => new Response('not found', { status: 404 });

export function handleProtocols(engine: EngineHost): void {
  protocol.handle(THUMB_SCHEME, async (request) => {
    const id = photoIdOf(request.url);
    const file = id === null ? null : await engine.call('thumbnailFile', id).catch(() => null);
    if (!file) return notFound();
    const res = await net.fetch(pathToFileURL(file).toString());
    return new Response(res.body, {
      headers: { 'content-type': 'image/webp', 'cache-control': 'max-age=31536000, immutable' },
    });
  });
  protocol.handle(IMAGE_SCHEME, async (request) => {
    const id = photoIdOf(request.url);
    const image = id === null ? null : await engine.call('imageFile', id).catch(() => null);
    if (!image) return notFound();
    const res = await net.fetch(pathToFileURL(image.path).toString());
    return new Response(res.body, { headers: { 'content-type': image.mime } });
  });
}

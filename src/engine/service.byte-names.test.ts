import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solidPhoto } from '../../test/helpers/images';
import { testModelDir } from '../../test/helpers/test-model';
import { COLOUR_PROTOTYPES } from '../../tools/test-model/design';
import { fsPath } from '../core/host';
import { storedFromBytes } from '../shared/byte-path';
import type { IndexJob, SearchPage } from '../shared/types';
import { connect, serve, type Channel, type Client, type Handlers } from './rpc';
import { createService } from './service';

// A photo whose folder and file names are not valid UTF-8, through the app's engine over a real message
// channel (structured clone, as between the utility process and main): found, and its thumbnail and
// full image resolved to files main can open by their exact bytes.

let root: string;
let client: Client;
let close: () => Promise<void>;
const jobs: IndexJob[] = [];
/** Latin-1 "Ferien-Mädchen/café.jpg", as a 2003 camera's card reader left it. */
let photo: Buffer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glimpse-service-bytes-'));
  const photos = join(root, 'photos');
  const folder = Buffer.concat([
    Buffer.from(`${photos}/Ferien-M`),
    Buffer.from([0xe4]),
    Buffer.from('dchen'),
  ]);
  mkdirSync(folder, { recursive: true });
  photo = Buffer.concat([folder, Buffer.from('/caf'), Buffer.from([0xe9]), Buffer.from('.jpg')]);
  writeFileSync(photo, await solidPhoto(COLOUR_PROTOTYPES.orange, { width: 40, height: 30, format: 'jpeg' }));
  const home = join(root, 'home');
  mkdirSync(home);
  writeFileSync(
    join(home, 'settings.json'),
    JSON.stringify({ modelDir: await testModelDir('float32'), providers: ['cpu'] }),
  );
  const { port1, port2 } = new MessageChannel();
  const wrap = (port: typeof port1): Channel => ({
    post: (m) => port.postMessage(m),
    onMessage: (l) => port.on('message', l),
  });
  let emit: (name: string, payload: unknown) => void = () => {};
  const service = createService({
    home,
    libraryDir: join(root, 'library'),
    emit: (name, payload) => emit(name, payload),
  });
  emit = serve(wrap(port1), service as unknown as Handlers);
  client = connect(wrap(port2));
  client.on('indexJob', (job) => jobs.push(job as IndexJob));
  close = async () => {
    await service.close();
    port1.close();
  };
  const idle = new Promise<void>((resolve) => {
    const wait = () => (jobs.at(-1)?.state === 'idle' ? resolve() : setTimeout(wait, 20));
    setTimeout(wait, 20);
  });
  await client.call('addFolder', photos);
  await idle;
});
afterAll(async () => {
  await close?.();
  rmSync(root, { recursive: true, force: true });
});

describe('a photo whose names are not valid UTF-8, in the app', () => {
  it('is found, and its image and thumbnail open by its exact bytes', async () => {
    const page = await client.call<SearchPage>('searchText', 'orange', { limit: 1 });
    const hit = page.hits[0]!;
    expect(hit.path).toBe(storedFromBytes(photo));
    const image = await client.call<{ path: string; mime: string }>('imageFile', hit.photoId);
    expect(image).toEqual({ path: hit.path, mime: 'image/jpeg' });
    // What main's protocol handler does with it.
    const handle = await open(fsPath(image.path));
    try {
      expect(await handle.readFile()).toEqual(readFileSync(photo));
    } finally {
      await handle.close();
    }
    expect(await client.call('photoFile', hit.photoId)).toBe(hit.path);
    const thumb = await client.call<string>('thumbnailFile', hit.photoId);
    expect(readFileSync(thumb).subarray(8, 12).toString()).toBe('WEBP');
  });
});

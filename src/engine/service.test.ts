import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelDir } from '../../test/helpers/test-model';
import type { ColourName } from '../../tools/test-model/design';
import { syntheticPixels } from '../../tools/test-model/synthetic';
import type { Events } from '../shared/contract';
import type { IndexJob, SearchPage } from '../shared/types';
import { connect, serve, type Channel, type Client, type Handlers } from './rpc';
import type { EngineStats } from './engine-commands';
import { createService } from './service';

let client: Client;
let close: () => Promise<void>;
let photos: string;
let second: () => ReturnType<typeof createService>;
const events: Array<{ name: keyof Events; payload: unknown }> = [];

function channelPair(): [Channel, Channel] {
  const { port1, port2 } = new MessageChannel();
  const wrap = (port: typeof port1): Channel => ({
    post: (m) => port.postMessage(m),
    onMessage: (l) => port.on('message', l),
  });
  return [wrap(port1), wrap(port2)];
}

async function writePhoto(path: string, colour: ColourName) {
  const px = Buffer.from(syntheticPixels({ colour }, 200, 150));
  await sharp(px, { raw: { width: 200, height: 150, channels: 3 } })
    .jpeg()
    .toFile(path);
}

const waitForIdle = () =>
  new Promise<IndexJob>((resolve) => {
    const off = client.on('indexJob', (job) => {
      if ((job as IndexJob).state === 'idle') {
        off();
        resolve(job as IndexJob);
      }
    });
  });

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'glimpse-service-'));
  photos = join(root, 'photos');
  mkdirSync(photos);
  for (const c of ['red', 'green', 'blue', 'yellow'] as const) await writePhoto(join(photos, `${c}.jpg`), c);
  writeFileSync(join(photos, 'broken.jpg'), 'not a photo');
  const home = join(root, 'home');
  mkdirSync(home);
  writeFileSync(
    join(home, 'settings.json'),
    JSON.stringify({ modelDir: await testModelDir('float32'), providers: ['cpu'] }),
  );

  // The engine side of the RPC, as the utility process runs it, and main's side, over one channel.
  const [engineEnd, mainEnd] = channelPair();
  let emit: (name: string, payload: unknown) => void = () => {};
  const service = createService({
    home,
    libraryDir: join(root, 'library'),
    emit: (name, payload) => emit(name, payload),
  });
  emit = serve(engineEnd, service as unknown as Handlers);
  client = connect(mainEnd);
  for (const name of ['indexJob', 'indexFinished', 'libraryChanged'] as const) {
    client.on(name, (payload) => events.push({ name, payload }));
  }
  close = () => service.close();
  // Another app (or process) on the same home and library, beside this one.
  second = () => createService({ home, libraryDir: join(root, 'library'), emit: () => {} });
});

afterAll(async () => {
  await close?.();
});

describe('the engine service behind the app', () => {
  it('reports the model in use', async () => {
    const state = await client.call<{ ok: boolean; id: string; precision: string }>('getModelState');
    expect(state).toMatchObject({ ok: true, id: 'glimpse-test-tiny-fp32', precision: 'fp32' });
  });

  it('adds a folder, indexes it with progress events, and finds photos by words', async () => {
    const idle = waitForIdle();
    const folders = await client.call<Array<{ path: string }>>('addFolder', photos);
    expect(folders.map((f) => f.path)).toContain(photos);
    const job = await idle;
    expect(job.lastSummary).toMatchObject({ embedded: 4, failed: [{ path: join(photos, 'broken.jpg') }] });
    expect(
      events.some((e) => e.name === 'indexJob' && (e.payload as IndexJob).progress?.phase === 'indexing'),
    ).toBe(true);
    expect(events.some((e) => e.name === 'libraryChanged')).toBe(true);

    const page = await client.call<SearchPage>('searchText', 'blue', { limit: 2 });
    expect(page.hits[0]!.path).toBe(join(photos, 'blue.jpg'));
    expect(page.terms).toEqual([{ text: 'blue', weight: 1 }]);
  });

  it('beside the Glimpse that holds the library, searches it read-only and refuses changes', async () => {
    const beside = second();
    try {
      const status = await beside.getLibraryStatus();
      expect(status).toMatchObject({ photos: 4, readOnly: { heldBy: process.pid } });
      const page = await beside.searchText('green', { limit: 1 });
      expect(page.hits[0]!.path).toBe(join(photos, 'green.jpg'));
      expect(await beside.thumbnailFile(page.hits[0]!.photoId)).toMatch(/\.webp$/);
      await expect(beside.addFolder(photos)).rejects.toThrow(`is in use by PID ${process.pid}`);
    } finally {
      await beside.close();
    }
    expect((await client.call<{ readOnly?: unknown }>('getLibraryStatus')).readOnly).toBeUndefined();
  });

  it('lists skipped files with their reasons', async () => {
    const failures = await client.call<Array<{ path: string; code: string }>>('listFailures', 10);
    expect(failures).toEqual([
      expect.objectContaining({ path: join(photos, 'broken.jpg'), code: 'not-image' }),
    ]);
  });

  it('gives the GPU panel the last run’s batches and the decoder each photo went through', async () => {
    const stats = await client.call<EngineStats>('engineStats');
    expect(stats.indexing).toBeNull();
    expect(stats.decoders).toEqual({ decoded: { cpu: 4 }, fallbacks: {} });
    expect(stats.pipeline!.recent.reduce((n, b) => n + b.items, 0)).toBe(4);
    expect(stats.pipeline!.stages.embed.totalMs).toBeGreaterThan(0);
  });

  it('reports unknown commands and engine errors as { code, message }', async () => {
    await expect(client.call('rm -rf /')).rejects.toMatchObject({ code: 'UNKNOWN_COMMAND' });
    await expect(client.call('getPhoto', 424242)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'no photo with id 424242',
    });
    await expect(client.call('searchImageFile', join(photos, 'broken.jpg'), {})).rejects.toMatchObject({
      code: 'BAD_FILE',
      message: expect.stringContaining('broken.jpg: the file is not an image'),
    });
  });

  it('saves settings and restarts the engine when the runtime changes', async () => {
    const settings = await client.call<{ batchSize: number }>('updateSettings', {
      batchSize: 4,
      theme: 'dark',
    });
    expect(settings).toMatchObject({ batchSize: 4, theme: 'dark', providers: ['cpu'] });
    const page = await client.call<SearchPage>('searchText', 'green', { limit: 1 });
    expect(page.hits[0]!.path).toBe(join(photos, 'green.jpg'));
    const stats = await client.call<{ batchSize: number }>('engineStats');
    expect(stats.batchSize).toBe(4);
  });
});

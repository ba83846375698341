// The engine service's model commands — what first run and Settings → Models call — against a loopback
// server that serves the test model the way Hugging Face does: list, download with modelPull events,
// cancel, switch the engine to the new model, refuse to remove the model in use, and report a failed
// download in words.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  filesOf,
  startModelServer,
  type ModelServer,
  type ServedFile,
} from '../../test/helpers/model-server';
import { testModelDir } from '../../test/helpers/test-model';
import { readGpuStatus } from '../core/gpu/nvidia-smi';
import { builtInModelList } from '../core/model-store/model-list';
import { recommendModel } from '../core/model-store/recommend';
import type { Events } from '../shared/contract';
import type { ModelPullJob } from '../shared/types';
import { createService } from './service';

/** Not listed ids: settings.json's modelSources gives them their source, as for a user's own export.
 *  (A listed id would make the download check the model list's layout and embedding size, which the
 *  64-dimension test model does not have.) Our layout installs under model.json's own id; Immich's
 *  under any name. */
const TINY = 'glimpse-test-tiny-fp32';
const SPARE = 'glimpse-test-immich';
/** The largest file of the Immich-layout test bundle: faults there leave time to watch and cancel. */
const SPARE_BIG_FILE = 'textual/tokenizer.json';

let server: ModelServer;
let spareServer: ModelServer;
let bundle: ServedFile[];
let root: string;
let home: string;
let service: ReturnType<typeof createService>;
const pulls: ModelPullJob[] = [];
const savedHome = process.env.GLIMPSE_HOME;

/** Resolves with the first modelPull event, from now on, in which the download has ended. */
function pullEnded(): Promise<ModelPullJob> {
  const from = pulls.length;
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      const ended = pulls.slice(from).find((j) => j.state === 'idle');
      if (!ended) return;
      clearInterval(poll);
      resolve(ended);
    }, 5);
  });
}

const row = async (id: string) => (await service.listModels()).models.find((m) => m.id === id);

beforeAll(async () => {
  bundle = filesOf(await testModelDir('float32'));
  server = await startModelServer({ files: bundle });
  spareServer = await startModelServer({ files: filesOf(await testModelDir('float32', 'immich')) });
  root = mkdtempSync(join(tmpdir(), 'glimpse-service-models-'));
  home = join(root, 'home');
  mkdirSync(home);
  writeFileSync(
    join(home, 'settings.json'),
    JSON.stringify({
      providers: ['cpu'],
      modelSources: { [TINY]: server.hubUrl, [SPARE]: spareServer.hubUrl },
    }),
  );
  // The service finds models/<activeModel> through defaultModelDir(), which reads GLIMPSE_HOME rather
  // than its home option: without this a new user's engine would look in this machine's real Glimpse folder.
  process.env.GLIMPSE_HOME = home;
  service = createService({
    home,
    libraryDir: join(root, 'library'),
    emit: <E extends keyof Events>(event: E, payload: Events[E]) => {
      if (event === 'modelPull') pulls.push(payload as ModelPullJob);
    },
  });
});

afterAll(async () => {
  await service?.close();
  await server?.close();
  await spareServer?.close();
  if (savedHome === undefined) delete process.env.GLIMPSE_HOME;
  else process.env.GLIMPSE_HOME = savedHome;
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the engine service’s model commands', () => {
  it('starts with no model: the model list, the model this machine should get, nothing installed or active', async () => {
    expect(await service.getModelState()).toMatchObject({ ok: false, id: null });
    const overview = await service.listModels();
    const expected = recommendModel(await readGpuStatus(), builtInModelList());
    expect(overview.recommended).toEqual(expected);
    expect(overview.models.filter((m) => m.recommended).map((m) => m.id)).toEqual([expected.id]);
    expect(overview.models.map((m) => m.id)).toEqual(builtInModelList().models.map((m) => m.id));
    expect(overview.models.some((m) => m.installed || m.active)).toBe(false);
    expect(overview.active).toMatchObject({ id: null, present: false });
    expect(overview.modelsDir).toBe(join(home, 'models'));
  });

  it('downloads a model with modelPull progress and ends with it installed', async () => {
    const ended = pullEnded();
    const started = await service.pullModel(TINY);
    expect(started).toMatchObject({ state: 'running', id: TINY, error: null });
    const job = await ended;
    expect(job).toMatchObject({ state: 'idle', id: TINY, error: null, installed: TINY });

    const total = bundle.reduce((n, f) => n + f.bytes.length, 0);
    const seen = pulls.flatMap((j) => (j.progress ? [j.progress] : []));
    expect([...new Set(seen.map((p) => p.phase))]).toEqual([
      'resolving',
      'downloading',
      'installing',
      'done',
    ]);
    const done = seen.map((p) => p.bytesDone);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(seen.at(-1)).toMatchObject({ bytesDone: total, bytesTotal: total, filesDone: bundle.length });

    expect(await row(TINY)).toMatchObject({
      installed: true,
      valid: true,
      active: false,
      inModelList: false,
    });
    expect(await service.getModelPullJob()).toEqual(job);
  });

  it('switches the engine to a downloaded model: the model state and the library follow', async () => {
    const state = await service.useModel(TINY);
    expect(state).toMatchObject({
      ok: true,
      dir: join(home, 'models', TINY),
      precision: 'fp32',
      embedDim: 64,
    });
    expect(await service.getModelState()).toEqual(state);
    expect((await service.getLibraryStatus()).modelId).toBe(state.id);
    const overview = await service.listModels();
    expect(overview.active).toMatchObject({ id: TINY, present: true });
    expect(overview.models.filter((m) => m.active).map((m) => m.id)).toEqual([TINY]);
  });

  it('refuses to remove the model in use, and keeps it', async () => {
    await expect(service.removeModel(TINY)).rejects.toMatchObject({
      code: 'BUSY',
      message: expect.stringContaining('is the active model'),
    });
    expect(await row(TINY)).toMatchObject({ installed: true, active: true });
  });

  it('ends a download the server refuses with the reason in words, and installs nothing', async () => {
    spareServer.fault(SPARE_BIG_FILE, { status: 404 });
    const ended = pullEnded();
    await service.pullModel(SPARE);
    const job = await ended;
    expect(job.state).toBe('idle');
    expect(job.id).toBe(SPARE);
    expect(job.installed).toBe(TINY); // the last model that did install
    expect(job.error).toMatch(
      /^textual\/tokenizer\.json: http:\/\/127\.0\.0\.1:\d+\/.+: the server answered 404/,
    );
    expect(job.error).toContain('the file is not there');
    expect(existsSync(join(home, 'models', SPARE))).toBe(false);
    expect(await row(SPARE)).toBeUndefined();
  });

  it('stops a download on cancel, says it can resume, and finishes it on the next pull', async () => {
    spareServer.fault(SPARE_BIG_FILE, { stallAfter: 300_000 });
    const ended = pullEnded();
    await service.pullModel(SPARE);
    // Cancel once the stalled file itself has bytes on disk (they are kept for the resume): bytesDone
    // counts every file, so compare with where it stood when this file started.
    const bigFileBytes = () => {
      const start = pulls.find((j) => j.progress?.file === SPARE_BIG_FILE)?.progress?.bytesDone;
      const now = pulls.at(-1)?.progress;
      return start === undefined || now?.file !== SPARE_BIG_FILE ? 0 : now.bytesDone - start;
    };
    await expect.poll(bigFileBytes, { timeout: 10_000, interval: 10 }).toBeGreaterThan(0);
    expect(await service.cancelModelPull()).toMatchObject({ state: 'cancelling', id: SPARE });
    const job = await ended;
    expect(job).toMatchObject({
      state: 'idle',
      id: SPARE,
      error: 'download cancelled; pull again to resume',
    });
    expect(existsSync(join(home, 'models', SPARE))).toBe(false);

    const again = pullEnded();
    await service.pullModel(SPARE);
    const resumed = await again;
    expect(resumed).toMatchObject({ error: null, installed: SPARE });
    expect(resumed.progress?.bytesResumed).toBeGreaterThan(0);
    expect(spareServer.fileRequests(SPARE_BIG_FILE).at(-1)?.range).toMatch(/^bytes=[1-9]\d*-$/);
  });

  it('removes a model that is not in use', async () => {
    const overview = await service.removeModel(SPARE);
    expect(overview.models.some((m) => m.id === SPARE)).toBe(false);
    expect(existsSync(join(home, 'models', SPARE))).toBe(false);
    expect(overview.active.id).toBe(TINY);
  });
});

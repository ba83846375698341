import { glimpse as run } from '../../test/helpers/cli';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeColourPhotos } from '../../test/helpers/corpus';
import { filesOf, startModelServer, type ModelServer } from '../../test/helpers/model-server';
import { testModelDir } from '../../test/helpers/test-model';

// glimpse model list | pull | import | use | remove, run in process as a user would type them, with
// GLIMPSE_HOME pointing at a fresh folder (a new user, no model) and a loopback server to pull from.

let root: string;
let server: ModelServer;
let fakeBin: string;
const saved = {
  GLIMPSE_HOME: process.env.GLIMPSE_HOME,
  GLIMPSE_MODEL: process.env.GLIMPSE_MODEL,
  PATH: process.env.PATH,
};

const glimpse = (args: string[]) => run(['--library', join(root, 'library'), '--providers', 'cpu', ...args]);

/** An nvidia-smi on PATH that reports `csv` (one GPU per line), or fails like a machine without a driver. */
function fakeNvidiaSmi(csv: string | null): void {
  const script = csv
    ? `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "CUDA Version : 13.0"; else printf '%s\\n' '${csv}'; fi\n`
    : '#!/bin/sh\necho "NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver" >&2\nexit 9\n';
  writeFileSync(join(fakeBin, 'nvidia-smi'), script);
  chmodSync(join(fakeBin, 'nvidia-smi'), 0o755);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glimpse-cli-models-'));
  fakeBin = join(root, 'bin');
  mkdirSync(fakeBin);
  process.env.GLIMPSE_HOME = join(root, 'home');
  delete process.env.GLIMPSE_MODEL;
  process.env.PATH = `${fakeBin}${delimiter}${saved.PATH}`;
  server = await startModelServer({ files: filesOf(await testModelDir('float32')) });
  await writeColourPhotos(join(root, 'photos'), 4);
});

afterAll(async () => {
  await server.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(root, { recursive: true, force: true });
});

describe('glimpse model, for a new user', () => {
  it('shows the model list and recommends a CPU model when no GPU answers', async () => {
    fakeNvidiaSmi(null);
    const run = await glimpse(['model', 'list', '--json']);
    expect(run.code).toBe(0);
    const o = JSON.parse(run.out);
    expect(o.recommended.id).toBe('ViT-B-32__openai');
    expect(o.recommended.reason).toMatch(/nvidia-smi failed: NVIDIA-SMI has failed/);
    expect(o.active).toMatchObject({ id: null, present: false });
    expect(o.models.every((m: { installed: boolean }) => !m.installed)).toBe(true);
  });

  it('recommends ViT-H/14 where nvidia-smi shows a large GPU', async () => {
    fakeNvidiaSmi('0, NVIDIA H100 80GB HBM3, GPU-1, 580.65, 0, 1, 81559, 30, 70.5, 700, 345, 1980');
    const run = await glimpse(['model', 'list']);
    expect(run.out).toMatch(
      /vit-h-14-laion2b-s32b-b79k-fp16 +~3\.94 GB +1024 +fp16 +not installed, recommended here/,
    );
    expect(run.out).toMatch(
      /Recommended here: vit-h-14-laion2b-s32b-b79k-fp16 — .*NVIDIA H100 80GB HBM3 has 79\.6 GiB/,
    );
    fakeNvidiaSmi(null);
  });

  it('pulls a model with plain progress lines, then uses it and indexes with it', async () => {
    const pull = await glimpse(['model', 'pull', 'glimpse-test-tiny-fp32', '--from', server.hubUrl]);
    expect(pull.code).toBe(0);
    expect(pull.err).toMatch(/^downloading model\.json: .* of .*, .*\/s, ETA/m);
    expect(pull.out).toMatch(
      /^Installed glimpse-test-tiny-fp32 in .*models\/glimpse-test-tiny-fp32 from 127\.0\.0\.1:\d+\/test-org\/test-model@[0-9a-f]{12}: 4 files/,
    );

    const use = await glimpse(['model', 'use', 'glimpse-test-tiny-fp32']);
    expect(use.out).toMatch(/^glimpse-test-tiny-fp32 is now the active model/);
    const settings = JSON.parse(readFileSync(join(root, 'home', 'settings.json'), 'utf8'));
    expect(settings.activeModel).toBe('glimpse-test-tiny-fp32');

    const index = await glimpse(['index', join(root, 'photos'), '--json']);
    expect(JSON.parse(index.out)).toMatchObject({ embedded: 4 });
    const list = await glimpse(['model', 'list']);
    expect(list.out).toMatch(/^\* glimpse-test-tiny-fp32 .* installed, active$/m);
  });

  it('pulls again only with --force, and prints the result as JSON', async () => {
    const again = await glimpse(['model', 'pull', 'glimpse-test-tiny-fp32', '--from', server.hubUrl]);
    expect(again).toMatchObject({ code: 1 });
    expect(again.err).toMatch(/already installed \(use --force to download it again\)/);
    const forced = await glimpse([
      'model',
      'pull',
      'glimpse-test-tiny-fp32',
      '--from',
      server.hubUrl,
      '--force',
      '--json',
    ]);
    expect(JSON.parse(forced.out)).toMatchObject({
      id: 'glimpse-test-tiny-fp32',
      files: 4,
      model: { valid: true },
    });
    expect(forced.err).toBe('');
  });

  it('imports another model, and switching to it says how much of the library it has embedded', async () => {
    const imported = await glimpse(['model', 'import', await testModelDir('float16')]);
    expect(imported.out).toMatch(
      /^Installed glimpse-test-tiny-fp16 \(Glimpse test model \(tiny, float16\), glimpse layout, 64-d, fp16\)/,
    );
    const immich = await glimpse([
      'model',
      'import',
      await testModelDir('float32', 'immich'),
      '--id',
      'ViT-T-1__test',
      '--json',
    ]);
    expect(JSON.parse(immich.out)).toMatchObject({
      id: 'ViT-T-1__test',
      layout: 'immich',
      bundleId: 'immich-ViT-T-1__test',
    });

    const use = await glimpse(['model', 'use', 'glimpse-test-tiny-fp16']);
    expect(use.out).toMatch(
      /Library: 0 of 4 photos have vectors for glimpse-test-tiny-fp16; glimpse index embeds the other 4/,
    );
    const index = await glimpse(['index', '--json']);
    expect(JSON.parse(index.out)).toMatchObject({ embedded: 4, unchanged: 0 });
  });

  it('removes a model, but not the active one without --force', async () => {
    const refused = await glimpse(['model', 'remove', 'glimpse-test-tiny-fp16']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/glimpse-test-tiny-fp16 is the active model/);
    const removed = await glimpse(['model', 'remove', 'ViT-T-1__test']);
    expect(removed.out).toMatch(/^removed ViT-T-1__test, \d+\.\d+ MB freed/);
    const forced = await glimpse(['model', 'remove', 'glimpse-test-tiny-fp16', '--force']);
    expect(forced.code).toBe(0);
    const list = JSON.parse((await glimpse(['model', 'list', '--json'])).out);
    expect(
      list.models.filter((m: { installed: boolean }) => m.installed).map((m: { id: string }) => m.id),
    ).toEqual(['glimpse-test-tiny-fp32']);
  });

  it('explains a failed download in plain words', async () => {
    const run = await glimpse([
      'model',
      'pull',
      'ViT-B-32__openai',
      '--from',
      `${server.origin}/immich-app/ViT-B-32__openai/resolve/main/`,
    ]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/401 Unauthorized — the repository does not exist, or it is private or gated/);
  });
});

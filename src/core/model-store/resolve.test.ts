import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  filesOf,
  sha256Hex,
  startModelServer,
  testModelListData,
  testEntry,
  type ServedFile,
} from '../../../test/helpers/model-server';
import { testModelDir } from '../../../test/helpers/test-model';
import { parseModelList } from './model-list';
import { ModelDownloadError } from './errors';
import { ModelStore } from './model-store';
import { parseHubUrl, resolveSource, sha256FromEtag } from './resolve';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('recognising Hugging Face sources', () => {
  it('reads the endpoint, repository and revision from a /resolve/ URL on any host', () => {
    expect(parseHubUrl('https://huggingface.co/immich-app/ViT-B-32__openai/resolve/main/', {})).toEqual({
      endpoint: 'https://huggingface.co',
      repo: 'immich-app/ViT-B-32__openai',
      revision: 'main',
    });
    expect(parseHubUrl('https://mirror.example/hf/org/repo/resolve/refs%2Fpr%2F1', {})).toEqual({
      endpoint: 'https://mirror.example/hf',
      repo: 'org/repo',
      revision: 'refs/pr/1',
    });
  });

  it("takes repository pages on the Hub's own host (or HF_ENDPOINT's), and nothing else", () => {
    expect(parseHubUrl('https://huggingface.co/org/repo', {})?.revision).toBe('main');
    expect(parseHubUrl('https://huggingface.co/org/repo/tree/v2', {})?.revision).toBe('v2');
    expect(
      parseHubUrl('https://hf-mirror.com/org/repo', { HF_ENDPOINT: 'https://hf-mirror.com' })?.repo,
    ).toBe('org/repo');
    expect(parseHubUrl('https://example.com/org/repo', {})).toBeNull();
    expect(parseHubUrl('https://example.com/models/vit-b/', {})).toBeNull();
  });

  it('takes a SHA-256 from an ETag only when it is one', () => {
    const sha = 'a'.repeat(64);
    expect(sha256FromEtag(`"${sha}"`)).toBe(sha);
    expect(sha256FromEtag(`W/"${sha.toUpperCase()}"`)).toBe(sha);
    expect(sha256FromEtag('"5d41402abc4b2a76b9719d911017c592"')).toBeNull();
    expect(sha256FromEtag(undefined)).toBeNull();
  });
});

describe("an Immich repository's tree", () => {
  let immich: ServedFile[];
  beforeAll(async () => {
    immich = filesOf(await testModelDir('float32', 'immich'));
  });

  it('is narrowed to the model by include/exclude patterns, with SHA-256 for LFS files and Git ids for others', async () => {
    const decoys: ServedFile[] = [
      { path: 'README.md', bytes: Buffer.from('# model card') },
      { path: 'visual/model.armnn', bytes: Buffer.from('armnn') },
      { path: 'visual/fp16/model.armnn', bytes: Buffer.from('armnn fp16') },
      { path: 'textual/rknpu/rk3588/model.rknn', bytes: Buffer.from('rknn') },
    ];
    const server = await startModelServer({
      files: [...immich, ...decoys],
      repo: 'immich-app/ViT-T-1__test',
    });
    cleanups.push(() => server.close());
    const resolved = await resolveSource(
      server.hubUrl,
      { include: ['config.json', 'visual/*', 'textual/*'], exclude: ['**/*.armnn'] },
      { env: {} },
    );
    expect(resolved.files.map((f) => f.path).sort()).toEqual(immich.map((f) => f.path).sort());
    const visual = resolved.files.find((f) => f.path === 'visual/model.onnx')!;
    expect(visual.sha256).toBe(sha256Hex(immich.find((f) => f.path === 'visual/model.onnx')!.bytes));
    expect(visual.url).toBe(`${server.origin}/${server.repo}/resolve/${server.commit}/visual/model.onnx`);
    const config = resolved.files.find((f) => f.path === 'config.json')!;
    expect(config.sha256).toBeNull();
    expect(config.gitSha1).toMatch(/^[0-9a-f]{40}$/);
  });

  it('installs under its id in the model list, with vectors stored as immich-<id>', async () => {
    const server = await startModelServer({ files: immich, repo: 'immich-app/ViT-T-1__test' });
    const home = mkdtempSync(join(tmpdir(), 'glimpse-immich-pull-'));
    cleanups.push(
      () => server.close(),
      () => rmSync(home, { recursive: true, force: true }),
    );
    const entry = testEntry('ViT-T-1__test', server.hubUrl, {
      layout: 'immich',
      source: { baseUrl: server.hubUrl, include: ['config.json', 'visual/*', 'textual/*'] },
    });
    const manager = new ModelStore({
      home,
      env: {},
      modelList: parseModelList(testModelListData([entry]), 'test'),
    });
    const result = await manager.pull('vit-t-1__TEST');
    expect(result.model).toMatchObject({
      id: 'ViT-T-1__test',
      layout: 'immich',
      bundleId: 'immich-ViT-T-1__test',
    });
  });
});

describe('sources that do not match the model list', () => {
  let glimpse: ServedFile[];
  beforeAll(async () => {
    glimpse = filesOf(await testModelDir('float32'));
  });

  async function managerFor(extra: Record<string, unknown>) {
    const server = await startModelServer({ files: glimpse });
    const home = mkdtempSync(join(tmpdir(), 'glimpse-bad-source-'));
    cleanups.push(
      () => server.close(),
      () => rmSync(home, { recursive: true, force: true }),
    );
    const entry = testEntry('glimpse-test-tiny-fp32', server.hubUrl, extra);
    return {
      server,
      home,
      manager: new ModelStore({
        home,
        env: {},
        modelList: parseModelList(testModelListData([entry]), 'test'),
      }),
    };
  }

  async function failure(p: Promise<unknown>): Promise<ModelDownloadError> {
    const e = await p.then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ModelDownloadError);
    return e as ModelDownloadError;
  }

  it('refuses before downloading when a pinned SHA-256 differs from the repository', async () => {
    const { manager, server } = await managerFor({});
    const entry = manager.modelList.models[0]!;
    entry.source.files = [{ path: 'visual.onnx', sha256: 'b'.repeat(64) }];
    const err = await failure(manager.pull(entry.id));
    expect(err.code).toBe('BAD_SOURCE');
    expect(err.message).toMatch(
      /^visual\.onnx: the model list pins SHA-256 b{64}, but 127\.0\.0\.1:\d+\/test-org\/test-model@/,
    );
    expect(server.log.some((l) => l.file)).toBe(false);
  });

  it('refuses files that are a different model than the model list says, and keeps nothing', async () => {
    const { manager, home } = await managerFor({ embedDim: 512 });
    const err = await failure(manager.pull('glimpse-test-tiny-fp32'));
    expect(err.message).toMatch(
      /is not glimpse-test-tiny-fp32: its embeddings have 64 dimensions, the model list says 512/,
    );
    expect(manager.installed()).toEqual([]);
    expect(existsSync(join(home, 'models', '.partial', 'glimpse-test-tiny-fp32'))).toBe(false);
  });

  it('says what to do when an unpublished model is not online', async () => {
    const { manager, server } = await managerFor({ published: false });
    manager.modelList.models[0]!.source.baseUrl = `${server.origin}/glimpse-app/not-there/resolve/main/`;
    const err = await failure(manager.pull('glimpse-test-tiny-fp32'));
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.message).toMatch(
      /glimpse-test-tiny-fp32 is not published yet: pull it with --from <url or folder>/,
    );
  });

  it('refuses a source naming a file outside the model folder, before fetching it', async () => {
    const evil = glimpse.map((f) =>
      f.path === 'model.json'
        ? { ...f, bytes: Buffer.from(f.bytes.toString().replace('"tokenizer.json"', '"../../escape.json"')) }
        : f,
    );
    const server = await startModelServer({ files: evil });
    cleanups.push(() => server.close());
    const err = await failure(resolveSource(server.plainUrl, {}, { env: {} }));
    expect(err.message).toBe(
      `${server.plainUrl} names the file "../../escape.json", which is not a plain path inside the model folder`,
    );
  });

  it('takes the source from settings.json modelSources', async () => {
    const { manager, home, server } = await managerFor({});
    manager.modelList.models[0]!.source.baseUrl = `${server.origin}/nowhere/resolve/main/`;
    writeFileSync(
      join(home, 'settings.json'),
      JSON.stringify({ modelSources: { 'glimpse-test-tiny-fp32': server.plainUrl } }),
    );
    const result = await manager.pull('glimpse-test-tiny-fp32');
    expect(result.source).toBe(server.plainUrl);
  });
});

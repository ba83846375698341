import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ID } from '../paths';
import { builtInModelList, ModelListError, findEntry, parseModelList } from './model-list';
import { parseHubUrl } from './resolve';
import builtIn from '../../../resources/models.json';

const valid = () => JSON.parse(JSON.stringify(builtInModelList())) as ReturnType<typeof builtInModelList>;

function problem(edit: (c: ReturnType<typeof valid>) => void): ModelListError {
  const data = valid();
  edit(data);
  try {
    parseModelList(data, 'models.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ModelListError);
    return e as ModelListError;
  }
  throw new Error('expected a ModelListError');
}

describe('the built-in model list', () => {
  it('has the default model first, for GPUs, and a CPU model last', () => {
    const c = builtInModelList();
    expect(c.recommendOrder[0]).toBe(DEFAULT_MODEL_ID);
    const first = findEntry(c, DEFAULT_MODEL_ID)!;
    expect(first).toMatchObject({ layout: 'glimpse', precision: 'fp16', embedDim: 1024 });
    // Built on the user's machine from LAION's published open_clip checkpoint.
    expect(first.source.baseUrl).toBe(
      'https://huggingface.co/laion/CLIP-ViT-H-14-laion2B-s32B-b79K/resolve/1c2b8495b28150b8a4922ee1c8edee224c284c0c/',
    );
    expect(first.build).toEqual({
      checkpoint: 'open_clip_model.safetensors',
      dtype: 'float16',
      activation: 'gelu',
    });
    expect(first.published ?? true).toBe(true);
    const last = findEntry(c, c.recommendOrder.at(-1)!)!;
    expect(last.hardware.needsGpu).toBe(false);
    expect(c.models.map((m) => m.id)).toEqual(
      expect.arrayContaining(['ViT-B-32__openai', 'ViT-L-14__openai', 'ViT-H-14__laion2b-s32b-b79k']),
    );
  });

  it('points every model at a Hugging Face repository, Immich exports at immich-app/<id>', () => {
    for (const m of builtInModelList().models) {
      const hub = parseHubUrl(m.source.baseUrl, {});
      expect(hub, m.id).not.toBeNull();
      if (m.layout === 'immich') expect(hub!.repo).toBe(`immich-app/${m.id}`);
    }
  });

  it('finds an entry whatever the case of the id', () => {
    expect(findEntry(builtInModelList(), 'vit-b-32__openai')?.id).toBe('ViT-B-32__openai');
  });
});

describe('the format name', () => {
  it('is glimpse-model-list in the list Glimpse ships', () => {
    expect(builtInModelList().format).toBe('glimpse-model-list');
  });

  it('may still be the older glimpse-model-catalogue, which lists written before the rename carry', () => {
    const old = { ...valid(), format: 'glimpse-model-catalogue' };
    expect(parseModelList(old, 'old.json').models.map((m) => m.id)).toEqual(valid().models.map((m) => m.id));
  });

  it('is refused, naming the field, when it is anything else', () => {
    expect(problem((c) => ((c as { format: string }).format = 'glimpse-models')).field).toBe('format');
  });
});

/** What is still unpinned, and why: no published record of these files was found (docs/SECURITY.md,
 *  "Model pins"). A file leaves this list when its pin is added; a new entry cannot join it silently. */
const STILL_UNPINNED: Record<string, 'every file' | string[]> = {
  'ViT-H-14__laion2b-s32b-b79k': 'every file',
  'ViT-L-14__openai': ['config.json', 'visual/preprocess_cfg.json', 'textual/tokenizer.json'],
};

describe("the built-in model list's pins", () => {
  const pinned = () =>
    builtInModelList().models.flatMap((m) =>
      (m.source.files ?? [])
        .filter((f) => f.size !== undefined || f.sha256 !== undefined)
        .map((f) => ({ id: m.id, ...f })),
    );

  it('are well-formed: a positive size and 64 lower-case hex digits, never one without the other', () => {
    expect(pinned().length).toBeGreaterThan(0);
    for (const f of pinned()) {
      expect(f.sha256, `${f.id} ${f.path}`).toMatch(/^[0-9a-f]{64}$/);
      expect(f.size, `${f.id} ${f.path}`).toBeGreaterThan(0);
    }
  });

  it('name the commit they describe: an entry with pins is fetched from resolve/<commit>/, not a branch', () => {
    for (const id of new Set(pinned().map((f) => f.id))) {
      const entry = findEntry(builtInModelList(), id)!;
      expect(parseHubUrl(entry.source.baseUrl, {})?.revision, id).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('cover every file of every entry except those listed as still unpinned, which $comment names', () => {
    const unpinned: Record<string, 'every file' | string[]> = {};
    for (const m of builtInModelList().models) {
      if (!m.source.files) unpinned[m.id] = 'every file';
      else {
        const open = m.source.files.filter((f) => f.sha256 === undefined).map((f) => f.path);
        if (open.length) unpinned[m.id] = open;
      }
    }
    expect(unpinned).toEqual(STILL_UNPINNED);
    const comment = (builtIn as { $comment: string }).$comment;
    for (const id of Object.keys(STILL_UNPINNED)) expect(comment).toContain(id);
  });

  it('include the checkpoint a model is built from', () => {
    for (const m of builtInModelList().models.filter((e) => e.build)) {
      const checkpoint = m.source.files?.find((f) => f.path === m.build!.checkpoint);
      expect(checkpoint?.sha256, m.id).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe('a broken model list', () => {
  it('names the file and the field', () => {
    expect(problem((c) => (c.models[1]!.embedDim = -1)).message).toBe(
      'models.json (models.1.embedDim): Too small: expected number to be >0',
    );
    expect(problem((c) => (c.models[0]!.source.baseUrl = 'ftp://x/')).field).toBe('models.0.source.baseUrl');
    expect(problem((c) => (c.models[2]!.source.files = [{ path: '../escape' }])).field).toBe(
      'models.2.source.files.0.path',
    );
  });

  it('catches ids used twice, unknown ids in recommendOrder, and a last choice that needs a GPU', () => {
    expect(problem((c) => (c.models[1]!.id = c.models[0]!.id.toUpperCase())).message).toMatch(
      /\(models\.1\.id\): "VIT-H-14-LAION2B-S32B-B79K-FP16" appears twice/,
    );
    expect(problem((c) => c.recommendOrder.push('nope')).field).toBe(
      `recommendOrder.${valid().recommendOrder.length}`,
    );
    expect(problem((c) => c.recommendOrder.splice(-1)).message).toMatch(/the last model must not need a GPU/);
    expect(problem((c) => delete c.models[0]!.hardware.minGpuMemoryMiB).field).toBe(
      'models.0.hardware.minGpuMemoryMiB',
    );
  });
});

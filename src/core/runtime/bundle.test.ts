import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testModelDir } from '../../../test/helpers/test-model';
import { BundleError, loadBundle } from './bundle';

let glimpseDir: string;
let immichDir: string;

beforeAll(async () => {
  glimpseDir = await testModelDir('float16');
  immichDir = await testModelDir('float32', 'immich');
});

/** A writable copy of a bundle, with model.json edited by `edit`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- model.json is edited field by field, any shape
function brokenCopy(edit: (json: Record<string, any>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-bundle-'));
  cpSync(glimpseDir, dir, { recursive: true });
  const file = join(dir, 'model.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, JSON.stringify(json));
  return dir;
}

function errorOf(fn: () => unknown): BundleError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BundleError);
    return e as BundleError;
  }
  throw new Error('expected a BundleError');
}

describe('loading a Glimpse bundle', () => {
  it('reads model.json into absolute paths and the preprocessing spec', () => {
    const b = loadBundle(glimpseDir);
    expect(b.layout).toBe('glimpse');
    expect(b.id).toBe('glimpse-test-tiny-fp16');
    expect(b.embedDim).toBe(64);
    expect(b.contextLength).toBe(77);
    expect(b.visual).toMatchObject({
      input: 'pixel_values',
      output: 'image_embeds',
      dtype: 'float16',
      dynamicBatch: true,
    });
    expect(b.visual.file).toBe(join(glimpseDir, 'visual.onnx'));
    expect(b.textual).toMatchObject({ idsDtype: 'int64', dtype: 'float16' });
    expect(b.tokenizer).toBe(join(glimpseDir, 'tokenizer.json'));
    expect(b.preprocess).toEqual({
      imageSize: 224,
      mean: [0.48145466, 0.4578275, 0.40821073],
      std: [0.26862954, 0.26130258, 0.27577711],
      resize: 'shortest-crop',
      interpolation: 'bicubic',
    });
  });

  it('names the file and the field of a bad value', () => {
    const e = errorOf(() => loadBundle(brokenCopy((j) => (j.image.std = [0.2, 0, 0.2]))));
    expect(e.file).toMatch(/model\.json$/);
    expect(e.field).toBe('image.std.1');
    expect(e.message).toMatch(/model\.json \(image\.std\.1\)/);
  });

  it('names a missing field', () => {
    const e = errorOf(() => loadBundle(brokenCopy((j) => delete j.textual.idsDtype)));
    expect(e.field).toBe('textual.idsDtype');
  });

  it('rejects a dtype it cannot run', () => {
    expect(errorOf(() => loadBundle(brokenCopy((j) => (j.visual.dtype = 'bfloat16')))).field).toBe(
      'visual.dtype',
    );
  });

  it('names the graph file that is missing', () => {
    const e = errorOf(() => loadBundle(brokenCopy((j) => (j.visual.file = 'nope.onnx'))));
    expect(e.field).toBe('visual.file');
    expect(e.message).toMatch(/"nope\.onnx", which does not exist/);
  });

  it('refuses a file name that escapes the bundle', () => {
    const e = errorOf(() => loadBundle(brokenCopy((j) => (j.text.tokenizer = '../../etc/passwd'))));
    expect(e.message).toMatch(/outside the bundle/);
  });

  it('reports invalid JSON with the file name', () => {
    const dir = brokenCopy(() => {});
    writeFileSync(join(dir, 'model.json'), '{"format": ');
    expect(errorOf(() => loadBundle(dir)).message).toMatch(/model\.json: not valid JSON/);
  });

  it('says what a bundle folder should contain', () => {
    const empty = mkdtempSync(join(tmpdir(), 'glimpse-empty-'));
    expect(errorOf(() => loadBundle(empty)).message).toMatch(/neither model\.json .* nor config\.json/);
    rmSync(empty, { recursive: true });
    expect(errorOf(() => loadBundle(empty)).message).toMatch(/is not a folder/);
  });
});

describe("loading Immich's layout", () => {
  it('reads config.json and preprocess_cfg.json; graphs are fp32 with batch 1 and int32 ids', () => {
    const b = loadBundle(immichDir);
    expect(b.layout).toBe('immich');
    expect(b.embedDim).toBe(64);
    expect(b.visual).toMatchObject({
      input: 'image',
      output: 'embedding',
      dtype: 'float32',
      dynamicBatch: false,
    });
    expect(b.textual).toMatchObject({ input: 'text', idsDtype: 'int32', dynamicBatch: false });
    expect(b.tokenizer).toBe(join(immichDir, 'textual', 'tokenizer.json'));
    expect(b.preprocess.resize).toBe('shortest-crop');
    expect(b.preprocess.imageSize).toBe(224);
  });

  it('names the preprocessing file when it is broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-immich-'));
    cpSync(immichDir, dir, { recursive: true });
    writeFileSync(
      join(dir, 'visual', 'preprocess_cfg.json'),
      JSON.stringify({ size: [224], mean: [0.5, 0.5], std: [1, 1, 1] }),
    );
    const e = errorOf(() => loadBundle(dir));
    expect(e.file).toMatch(/preprocess_cfg\.json$/);
    expect(e.field).toBe('mean');
  });
});

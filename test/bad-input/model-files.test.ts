// Damaged and hostile model files: a bundle's model.json and an Immich config.json with wrong types,
// huge or odd values and missing files, and model lists the same way. Each is refused with a clear error
// naming the file (and the field where there is one); none crashes, hangs or is half-accepted.
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleError, loadBundle } from '../../src/core/runtime/bundle';
import { ModelListError, parseModelList } from '../../src/core/model-store/model-list';
import { mulberry32 } from '../../src/core/random';
import { glimpse } from '../helpers/cli';
import { testModelListData, testEntry } from '../helpers/model-server';
import { testModelDir } from '../helpers/test-model';

let root: string;
let good: Record<string, unknown>;
let source: string;
const savedHome = process.env.GLIMPSE_HOME;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glimpse-model-files-'));
  process.env.GLIMPSE_HOME = join(root, 'home');
  source = await testModelDir('float32');
  good = JSON.parse(readFileSync(join(source, 'model.json'), 'utf8')) as Record<string, unknown>;
});
afterAll(() => {
  if (savedHome === undefined) delete process.env.GLIMPSE_HOME;
  else process.env.GLIMPSE_HOME = savedHome;
  rmSync(root, { recursive: true, force: true });
});

let n = 0;
/** A copy of the test bundle with `edit` applied to it. */
function bundleWith(edit: (dir: string) => void): string {
  const dir = join(root, `bundle-${n++}`);
  cpSync(source, dir, { recursive: true });
  edit(dir);
  return dir;
}
const writeJson = (dir: string, value: unknown) =>
  writeFileSync(join(dir, 'model.json'), JSON.stringify(value));

/** Every JSON path of `value` that holds a leaf, with the leaf. */
function leaves(value: unknown, path: string[] = []): Array<[string[], unknown]> {
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [[path, value]];
}
function setAt(obj: unknown, path: string[], v: unknown): unknown {
  const copy = structuredClone(obj) as Record<string, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[path[path.length - 1]!] = v;
  return copy;
}

const WRONG_VALUES: unknown[] = [
  null,
  -1,
  0,
  1e308,
  2 ** 53 + 1,
  '',
  'x'.repeat(10_000),
  [],
  {},
  true,
  '../../../etc/passwd',
];

function expectRefused(dir: string): BundleError {
  let thrown: unknown = null;
  try {
    loadBundle(dir);
  } catch (e) {
    thrown = e;
  }
  expect(thrown, dir).toBeInstanceOf(BundleError);
  expect((thrown as Error).message).toContain(dir);
  return thrown as BundleError;
}

describe('a damaged model.json', () => {
  it('is refused, naming the file, whatever single field is wrong', () => {
    const random = mulberry32(13);
    const fields = leaves(good);
    let refused = 0;
    for (let i = 0; i < 60; i++) {
      const [path, original] = fields[Math.floor(random() * fields.length)]!;
      const value = WRONG_VALUES[Math.floor(random() * WRONG_VALUES.length)];
      if (JSON.stringify(value) === JSON.stringify(original)) continue;
      const dir = bundleWith((d) => writeJson(d, setAt(good, path, value)));
      try {
        loadBundle(dir); // some values are legal (another name, a longer description): fine
      } catch (e) {
        expect(e, `${path.join('.')} = ${JSON.stringify(value)?.slice(0, 40)}`).toBeInstanceOf(BundleError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(20);
  });

  it.each([
    ['not JSON', (d: string) => writeFileSync(join(d, 'model.json'), '{"format": ')],
    ['empty', (d: string) => writeFileSync(join(d, 'model.json'), '')],
    ['an array', (d: string) => writeFileSync(join(d, 'model.json'), '[]')],
    ['missing visual.onnx', (d: string) => unlinkSync(join(d, 'visual.onnx'))],
    ['missing tokenizer.json', (d: string) => unlinkSync(join(d, 'tokenizer.json'))],
    [
      'a folder where visual.onnx should be',
      (d: string) => {
        unlinkSync(join(d, 'visual.onnx'));
        cpSync(join(d, 'textual.onnx'), join(d, 'visual.onnx', 'x'), { recursive: true });
      },
    ],
  ])('is refused when it is %s', (_name, edit) => {
    expectRefused(bundleWith(edit));
  });

  it('is refused by glimpse model import with exit code 1 and the file named', async () => {
    const dir = bundleWith((d) => writeJson(d, setAt(good, ['embedDim'], 'lots')));
    const r = await glimpse(['model', 'import', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(join(dir, 'model.json'));
  });
});

describe('a damaged model list', () => {
  const entry = testEntry('some-model', 'https://example.invalid/m/');
  it('is refused naming the field, whatever single field is wrong', () => {
    const random = mulberry32(7);
    const data = testModelListData([entry]);
    const fields = leaves(data);
    let refused = 0;
    for (let i = 0; i < 80; i++) {
      const [path] = fields[Math.floor(random() * fields.length)]!;
      const value = WRONG_VALUES[Math.floor(random() * WRONG_VALUES.length)];
      try {
        parseModelList(setAt(data, path, value), 'hostile.json');
      } catch (e) {
        expect(e).toBeInstanceOf(ModelListError);
        expect((e as Error).message).toMatch(/^hostile\.json/);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(40);
  });

  it('refuses pins that are not SHA-256s and sizes that are not byte counts', () => {
    for (const file of [
      { path: 'model.json', sha256: 'not-a-hash' },
      { path: 'model.json', sha256: 'A'.repeat(64) },
      { path: 'model.json', size: -5 },
      { path: 'model.json', size: 1.5 },
      { path: '../escape.onnx' },
    ]) {
      const data = testModelListData([
        { ...entry, source: { baseUrl: 'https://example.invalid/m/', files: [file] } },
      ]);
      expect(() => parseModelList(data, 'pins.json')).toThrow(ModelListError);
    }
  });
});

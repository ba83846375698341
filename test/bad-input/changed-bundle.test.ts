// A model bundle changed under the same id must not mix its vectors into a library made with the old
// one: the library refuses, says why and which command re-embeds, and that command makes it whole.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/core/catalog/catalog';
import { checkModelVectors, ModelMismatchError } from '../../src/core/catalog/model-vectors';
import { glimpse } from '../helpers/cli';
import { useFreshGlimpseHome } from '../helpers/glimpse-home';
import { writeColourPhotos } from '../helpers/corpus';
import { testModelDir } from '../helpers/test-model';

const tempRoot = useFreshGlimpseHome('changed-bundle');

const cli = (...args: string[]) =>
  glimpse(['--library', join(tempRoot(), 'library'), '--providers', 'cpu', ...args]);

describe('a bundle changed under the same id', () => {
  it('is refused by a library holding the old one’s vectors until glimpse index --reembed', async () => {
    const original = join(tempRoot(), 'original');
    cpSync(await testModelDir('float32'), original, { recursive: true });
    const changed = join(tempRoot(), 'changed');
    cpSync(original, changed, { recursive: true });
    // Another build of "the same" model: one more line in its tokenizer.json's whitespace is enough
    // to change the fingerprint, and the model still loads.
    writeFileSync(
      join(changed, 'tokenizer.json'),
      `${readFileSync(join(changed, 'tokenizer.json'), 'utf8')}\n`,
    );
    const id = JSON.parse(readFileSync(join(original, 'model.json'), 'utf8')).id as string;
    const photos = join(tempRoot(), 'photos');
    await writeColourPhotos(photos, 3);

    expect((await cli('model', 'import', original)).code).toBe(0);
    expect((await cli('model', 'use', id)).code).toBe(0);
    expect((await cli('index', photos, '--json')).code).toBe(0);
    expect((await cli('model', 'import', changed, '--force')).code).toBe(0);

    const refused = await cli('search', 'red');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      new RegExp(`vectors the library .* holds for ${id} were made by a different build`),
    );
    expect(refused.err).toMatch(/glimpse index --reembed/);

    const reembedded = await cli('index', '--reembed', '--json');
    expect(reembedded.code).toBe(0);
    expect(JSON.parse(reembedded.out)).toMatchObject({ embedded: 3 });
    expect((await cli('search', 'red')).code).toBe(0);
  });
});

describe('vectors of another dimension under the same model id', () => {
  it('are refused naming the model, not the vector index', () => {
    const dir = join(tempRoot(), 'dims');
    const catalog = Catalog.open(dir);
    try {
      catalog.addEmbedding('some-model', 'a'.repeat(64), new Float32Array(64).fill(0.125));
      const check = () =>
        checkModelVectors(catalog, {
          dir,
          modelId: 'some-model',
          dim: 32,
          fingerprint: null,
          writable: true,
        });
      expect(check).toThrow(ModelMismatchError);
      expect(check).toThrow(/model some-model gives 32-dimensional vectors, but the 1 vectors .* have 64/);
    } finally {
      catalog.close();
    }
  });
});

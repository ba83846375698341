// The built `glimpse` command: bin/glimpse.cjs runs the esbuild bundle on plain node, with the model
// and index workers bundled beside it (no tsx at run time), so `npx glimpse` works after npm run build.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSolidPhoto } from './helpers/images';
import { testModelDir } from './helpers/test-model';

let model: string;
const run = (...args: string[]) =>
  execFileSync(process.execPath, ['bin/glimpse.cjs', '--model', model, '--providers', 'cpu', ...args], {
    encoding: 'utf8',
    // Plain node: no tsx loader inherited from the test runner.
    env: { ...process.env, NODE_OPTIONS: '' },
  });

beforeAll(async () => {
  // Always rebuild: the bundle must be the code under test, not an older build.
  execFileSync(process.execPath, ['tools/build-cli.mjs'], { encoding: 'utf8' });
  model = await testModelDir('float32');
});

describe('the built glimpse command', () => {
  it('tokenizes', () => {
    expect(run('tokenize', 'a photo of a cat')).toBe('49406 320 1125 539 320 2368 49407\n');
  });

  it('indexes and searches with its bundled workers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-bundle-'));
    try {
      await writeSolidPhoto(join(dir, 'photos', 'red.jpg'), [255, 0, 0], { width: 120, height: 90 });
      await writeSolidPhoto(join(dir, 'photos', 'blue.jpg'), [0, 0, 255], { width: 121, height: 90 });
      const summary = JSON.parse(run('--library', join(dir, 'lib'), 'index', join(dir, 'photos'), '--json'));
      expect(summary).toMatchObject({ found: 2, embedded: 2 });
      const page = JSON.parse(run('--library', join(dir, 'lib'), 'search', 'blue', '-k', '1', '--json'));
      expect(page.hits[0].path).toBe(join(dir, 'photos', 'blue.jpg'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

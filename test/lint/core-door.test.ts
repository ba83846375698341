import { describe, expect, it } from 'vitest';
import { packagesLoadedBy } from './import-graph';
import { lintAs } from './lint';

// The core has one door, src/core/index.ts, for the engine service and the CLI, and a smaller one,
// src/core/host.ts, for main: what loads no native module.

const restricted = (messages: string[]) => messages.filter((m) => m.startsWith('no-restricted-imports'));
const syntax = (messages: string[]) => messages.filter((m) => m.startsWith('no-restricted-syntax'));

describe('the door into the core', () => {
  it.each(['src/cli/stray.ts', 'src/engine/stray.ts'])('is the only way in from %s', async (file) => {
    const inside = await lintAs(file, "export { runIndex } from '../core/indexer/indexer';\n");
    expect(restricted(inside)).toEqual([expect.stringContaining('only through its door, src/core/index.ts')]);
    expect(restricted(await lintAs(file, "export { createWorkspace } from '../core';\n"))).toEqual([]);
  });

  it.each(['src/cli/stray.ts', 'src/engine/stray.ts'])(
    'holds for what %s imports at run time',
    async (file) => {
      const inside = await lintAs(file, "export const load = () => import('../core/bench/photos');\n");
      expect(syntax(inside)).toEqual([expect.stringContaining('only through its door, src/core/index.ts')]);
      expect(syntax(await lintAs(file, "export const load = () => import('../core');\n"))).toEqual([]);
    },
  );

  it.each(['src/cli/stray.ts', 'src/engine/stray.ts'])(
    "keeps %s to LibraryOps's named methods, off the Library behind them",
    async (file) => {
      const reach = 'export const f = (l: { library: { catalog: object } }) => l.library.catalog;\n';
      expect(syntax(await lintAs(file, reach))).toEqual([
        expect.stringContaining("LibraryOps's named methods"),
      ]);
      const named = 'export const f = (l: { folders(): object[] }) => l.folders();\n';
      expect(syntax(await lintAs(file, named))).toEqual([]);
    },
  );

  it("lets tests set up the core's internals", async () => {
    const messages = await lintAs(
      'src/cli/stray.test.ts',
      "export { ThumbnailStore } from '../core/indexer/thumbnails';\nexport const f = (l: { library: { dir: string } }) => l.library.dir;\n",
    );
    expect(restricted(messages)).toEqual([]);
    expect(syntax(messages)).toEqual([]);
  });

  it('lets main in only through src/core/host.ts', async () => {
    for (const specifier of ['../core', '../core/paths'])
      expect(
        restricted(await lintAs('src/main/stray.ts', `export { glimpseHome } from '${specifier}';\n`)),
      ).toEqual([expect.stringContaining('only through src/core/host.ts')]);
    expect(
      restricted(await lintAs('src/main/stray.ts', "export { glimpseHome } from '../core/host';\n")),
    ).toEqual([]);
  });
});

describe('what each process loads, followed through every file it imports', () => {
  it('main: electron and zod, no native module', () => {
    expect([...packagesLoadedBy('src/main/index.ts')].sort()).toEqual(['electron', 'zod']);
  });

  it('the preload: electron alone', () => {
    expect([...packagesLoadedBy('src/preload/index.ts')]).toEqual(['electron']);
  });

  it('the engine and its workers: the native modules main leaves to them', () => {
    expect(packagesLoadedBy('src/engine/index.ts')).toContain('better-sqlite3');
    expect(packagesLoadedBy('src/engine/index.ts')).toContain('sharp');
    expect(packagesLoadedBy('src/core/runtime/tower-worker.ts')).toContain('onnxruntime-node');
    expect(packagesLoadedBy('src/core/vectors/index-worker.ts')).toContain('hnswlib-node');
  });
});

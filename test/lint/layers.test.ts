import { describe, expect, it } from 'vitest';
import { lintAs } from './lint';

// The process boundaries of docs/ARCHITECTURE.md, as lint rules: each is shown failing on a deliberate
// violation and passing what the layer is meant to import.

const restricted = (messages: string[]) => messages.filter((m) => m.startsWith('no-restricted-imports'));

describe('main', () => {
  it.each(['better-sqlite3', 'onnxruntime-node', 'hnswlib-node', 'sharp'])(
    'loads no native module (%s)',
    async (name) => {
      const messages = await lintAs('src/main/stray.ts', `import x from '${name}';\nexport default x;\n`);
      expect(restricted(messages)).toEqual([expect.stringContaining('main never loads a native module')]);
    },
  );

  it('takes only types from the engine, besides its RPC', async () => {
    const value = await lintAs('src/main/stray.ts', "export { createService } from '../engine/service';\n");
    expect(restricted(value)).toEqual([expect.stringContaining('talks to it over src/engine/rpc.ts')]);
    const allowed = await lintAs(
      'src/main/stray.ts',
      "import type { EngineStats } from '../engine/service';\nimport { connect } from '../engine/rpc';\nexport type S = EngineStats;\nexport { connect };\n",
    );
    expect(restricted(allowed)).toEqual([]);
  });

  it('reaches the window only through IPC', async () => {
    const messages = await lintAs('src/main/stray.ts', "export { api } from '../renderer/api';\n");
    expect(restricted(messages)).toEqual([expect.stringContaining('only through IPC')]);
  });
});

describe('the engine', () => {
  it('is Electron-free and imports nothing of the app processes', async () => {
    const messages = await lintAs(
      'src/engine/stray.ts',
      "import { app } from 'electron';\nimport { buildMenu } from '../main/menu';\nexport { app, buildMenu };\n",
    );
    expect(restricted(messages)).toEqual([
      expect.stringContaining('Only src/main and src/preload may import electron'),
      expect.stringContaining('The engine answers the app over RPC'),
    ]);
  });
});

describe('the preload', () => {
  it('imports electron and the contract, and types from src/shared', async () => {
    const messages = await lintAs(
      'src/preload/stray.ts',
      "import { contextBridge } from 'electron';\nimport { COMMAND_NAMES } from '../shared/contract';\nimport type { ErrorData } from '../shared/types';\nexport type E = ErrorData;\nexport { contextBridge, COMMAND_NAMES };\n",
    );
    expect(restricted(messages)).toEqual([]);
  });

  it('imports nothing else: no package, no core, no other shared value', async () => {
    const messages = await lintAs(
      'src/preload/stray.ts',
      "import { z } from 'zod';\nimport { glimpseHome } from '../core/paths';\nimport { photoIdOf } from '../shared/photo-urls';\nexport { z, glimpseHome, photoIdOf };\n",
    );
    expect(restricted(messages)).toHaveLength(3);
    expect(restricted(messages).every((m) => m.includes('only electron and src/shared/contract'))).toBe(true);
  });
});

describe('src/shared', () => {
  it('imports no Node built-in and nothing project-specific', async () => {
    const messages = await lintAs(
      'src/shared/stray.ts',
      "import { join } from 'node:path';\nimport { glimpseHome } from '../core';\nimport { api } from '../renderer/api';\nexport { join, glimpseHome, api };\n",
    );
    expect(restricted(messages)).toEqual([
      expect.stringContaining('no Node built-ins'),
      expect.stringContaining('imports nothing project-specific'),
      expect.stringContaining('imports nothing project-specific'),
    ]);
    expect(
      restricted(await lintAs('src/shared/stray.ts', "export { COMMAND_NAMES } from './contract';\n")),
    ).toEqual([]);
  });
});

describe('the renderer', () => {
  it.each(['src/renderer/stray.ts', 'src/renderer/features/stray/Stray.tsx'])(
    'has no Node built-ins and no core, main or engine in %s',
    async (file) => {
      const messages = await lintAs(
        file,
        "import { readFileSync } from 'node:fs';\nimport { glimpseHome } from '../core';\nexport { readFileSync, glimpseHome };\n",
      );
      expect(restricted(messages)).toEqual([
        expect.stringContaining('The renderer is sandboxed'),
        expect.stringContaining('only through window.api'),
      ]);
    },
  );

  it('runs with the browser’s globals', async () => {
    const messages = await lintAs('src/renderer/stray.ts', 'export const w = window.innerWidth;\n');
    expect(messages).toEqual([]);
  });
});

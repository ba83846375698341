// Lint rules, including the layer boundaries of docs/DESIGN.md ("Layers, enforced"): a stray import
// or query fails `npm run lint` with a message that says where the code belongs instead.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'crypto',
  'url',
  'util',
];
const electronOnly = {
  name: 'electron',
  message:
    'Only src/main and src/preload may import electron; core, shared, cli and the engine run in plain Node too.',
};
/** Compiled for Node's ABI (or loading a GPU runtime): only the engine's processes and the CLI load them. */
const nativeModules = ['better-sqlite3', 'onnxruntime-node', 'hnswlib-node', 'sharp'].map((name) => ({
  name,
  message:
    'main never loads a native module: the engine (src/engine, a utility process) does, and main asks it over RPC.',
}));
const sqlInCatalog = {
  message:
    'SQL lives in src/core/catalog: ask a named query there (catalog.reports, .search, .maintenance or a Catalog method), or add one.',
};
const noAppLayers = {
  group: ['**/main/**', '**/preload/**', '**/renderer/**', '**/engine/**'],
  message: 'core and cli reach the app only through src/shared; the app imports core, never the reverse.',
};

/** The core's door: what src/core/index.ts exports is all the engine service and the CLI may use. */
const coreDoor = {
  regex: '(^|/)core/',
  message:
    "src/engine and src/cli reach the core only through its door, src/core/index.ts: import from '../core' (and export what is missing there).",
};
/** The door holds for what the engine service and the CLI load at run time, and for what they reach
 *  through LibraryOps: its named methods, not the Library (catalog, thumbnails, vectors) behind it. */
const coreDoorSyntax = {
  files: ['src/engine/**/*.ts', 'src/cli/**/*.ts'],
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-syntax': [
      'error',
      // esquery's regex literals cannot hold a slash: \W stands for the path separator.
      { selector: 'ImportExpression[source.value=/(^|\\W)core\\W/]', message: coreDoor.message },
      {
        selector: "MemberExpression[object.type='MemberExpression'][object.property.name='library']",
        message:
          "The engine service and the CLI ask LibraryOps's named methods (folders(), photos, saveIndex()…), not the Library behind it: add one in src/core if it is missing.",
      },
    ],
  },
};
/** Main's door: the part of the core's surface that loads no native module. */
const hostDoor = {
  regex: '(^|/)core(/(?!host$).*)?$',
  message:
    "main reaches the core only through src/core/host.ts, which loads no native module: import from '../core/host'.",
};

/**
 * A layer's import rule. Its door applies to source files only: tests may set up the core's internals.
 * Each file gets exactly one no-restricted-imports setting, since a later one would replace it.
 */
function layer(files, { paths = [], patterns = [], door }) {
  const rule = (extra) => ['error', { paths, patterns: [...patterns, ...extra] }];
  if (!door) return [{ files, rules: { 'no-restricted-imports': rule([]) } }];
  return [
    { files, ignores: ['**/*.test.ts'], rules: { 'no-restricted-imports': rule([door]) } },
    {
      files: files.map((f) => f.replace(/\*\.ts$/, '*.test.ts')),
      rules: { 'no-restricted-imports': rule([]) },
    },
  ];
}

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'out',
      'dist',
      'release',
      'native',
      'test-results',
      'coverage',
      'resources',
      '.gpu-run',
      '.gpu-kit',
      '.cache',
      'addons/*/build',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // CommonJS entry points (the bin shim) are plain Node scripts.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The catalog is the only code that speaks SQL; tests may damage a library on purpose through it.
    files: ['src/**/*.{ts,tsx}', 'tools/**/*.ts'],
    ignores: ['src/core/catalog/**', '**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-properties': [
        'error',
        { property: 'db', ...sqlInCatalog },
        { property: 'prepare', ...sqlInCatalog },
      ],
    },
  },
  ...layer(['src/shared/**/*.ts'], {
    paths: [electronOnly],
    patterns: [
      {
        group: nodeBuiltins,
        message: 'src/shared is plain TypeScript used by every process: no Node built-ins.',
      },
      {
        group: ['**/core', '**/core/**', '**/engine', ...noAppLayers.group],
        message: 'src/shared imports nothing project-specific.',
      },
    ],
  }),
  ...layer(['src/core/**/*.ts'], { paths: [electronOnly], patterns: [noAppLayers] }),
  ...layer(['src/cli/**/*.ts'], { paths: [electronOnly], patterns: [noAppLayers], door: coreDoor }),
  ...layer(['src/main/**/*.ts'], {
    paths: nativeModules,
    patterns: [
      {
        group: ['**/renderer/**', '**/preload/**'],
        message: 'main reaches the window only through IPC (src/main/ipc.ts) and src/shared/contract.ts.',
      },
      {
        group: ['**/engine/*', '!**/engine/rpc'],
        allowTypeImports: true,
        message:
          'main starts the engine as a utility process and talks to it over src/engine/rpc.ts: from the rest of src/engine it takes types only.',
      },
    ],
    door: hostDoor,
  }),
  ...layer(['src/engine/**/*.ts'], {
    paths: [electronOnly],
    patterns: [
      {
        group: ['**/main/**', '**/preload/**', '**/renderer/**'],
        message:
          'The engine answers the app over RPC (src/engine/rpc.ts) and knows the app only through src/shared.',
      },
    ],
    door: coreDoor,
  }),
  coreDoorSyntax,
  {
    // Sandboxed and bundled alone: the contract's name lists and electron's bridge are all it needs.
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!electron$|(\\.\\.?/)+shared/)',
              message: 'The preload imports only electron and src/shared/contract*.ts.',
            },
            {
              group: ['**/shared/*', '!**/shared/contract', '!**/shared/contract-schemas'],
              allowTypeImports: true,
              message:
                'The preload imports only electron and src/shared/contract*.ts (types from src/shared are fine).',
            },
          ],
        },
      ],
    },
  },
  { files: ['src/renderer/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  ...layer(['src/renderer/**/*.{ts,tsx}'], {
    paths: [electronOnly],
    patterns: [
      {
        group: nodeBuiltins,
        message:
          'The renderer is sandboxed: no Node built-ins. Ask the engine through window.api (src/renderer/api.ts).',
      },
      {
        // The bare folder names too: '../core' is the core's door, '../engine' its index.
        group: ['**/core', '**/core/**', '**/main/**', '**/engine', '**/engine/**', '**/preload/**'],
        message:
          'The renderer talks to the engine only through window.api (src/renderer/api.ts) and types from src/shared.',
      },
    ],
  }),
);

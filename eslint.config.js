// Lint rules, including the layer boundaries from DESIGN.md: a stray import fails `npm run lint`
// with a message that says where the code belongs instead.
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
    'Only src/main, src/preload and src/engine may import electron; keep core, shared and cli Electron-free.',
};
const noAppLayers = {
  group: ['**/main/**', '**/preload/**', '**/renderer/**', '**/engine/**'],
  message: 'core and cli reach the app only through src/shared; the app imports core, never the reverse.',
};

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
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            {
              group: nodeBuiltins,
              message: 'src/shared is plain TypeScript used by every process: no Node built-ins.',
            },
            {
              group: ['**/core/**', ...noAppLayers.group],
              message: 'src/shared imports nothing project-specific.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnly], patterns: [noAppLayers] }] },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            {
              group: nodeBuiltins,
              message:
                'The renderer is sandboxed: no Node built-ins. Ask the engine through window.api (src/renderer/api.ts).',
            },
            {
              group: ['**/core/**', '**/main/**', '**/engine/**', '**/preload/**'],
              message:
                'The renderer talks to the engine only through window.api (src/renderer/api.ts) and types from src/shared.',
            },
          ],
        },
      ],
    },
  },
);

// Builds the three Electron targets (electron-vite): main with the engine's utility process and its
// model worker beside it, the sandboxed preload as CommonJS, and the React renderer.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          engine: resolve('src/engine/index.ts'),
          // Started with new Worker() by the engine; found beside it at run time (src/core/worker-script.ts).
          'tower-worker': resolve('src/core/runtime/tower-worker.ts'),
          'index-worker': resolve('src/core/vectors/index-worker.ts'),
          'tensor-fill-worker': resolve('src/core/runtime/tensor-fill-worker.ts'),
        },
        // Shared chunks stay in the same folder so import.meta.url-relative worker lookups hold.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // A sandboxed preload cannot load ES modules.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    // Minified: the renderer ships ~0.7 MB of React and app code otherwise.
    build: { minify: true, rollupOptions: { input: { index: resolve('src/renderer/index.html') } } },
    plugins: [react()],
  },
});

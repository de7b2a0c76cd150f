// Build of the three Electron targets; main also emits the CLI and the worker as plain-Node entries. The
// benchmark is a dev script with its own build (scripts/bench/vite.config.mts), so it is never packaged.
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import { watPlugin } from './scripts/vite-plugin-wat'
import { buildId } from './scripts/build-id'

export default defineConfig({
  main: {
    // the worker's wasm kernels: .wat assembled at build time and inlined
    plugins: [watPlugin()],
    // Which build wrote a cache (the history's summaries.index): one written by this very build is trusted as such.
    define: { __AMDAHL_BUILD__: JSON.stringify(buildId(import.meta.dirname)) },
    build: {
      // zod is bundled, not required: its package is 95 files (64 of them locales) that took ~90 ms to load
      // before every CLI command; bundled, only the parts the contract uses are kept.
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'main/shell/index.ts'),
          cli: resolve(import.meta.dirname, 'main/cli/main.ts'),
          worker: resolve(import.meta.dirname, 'workers/worker.ts'),
          // The engine's own process: utilityProcess.fork in the app, child_process.fork in `amdahl serve`.
          host: resolve(import.meta.dirname, 'main/engine/host.ts'),
          // The history's first listing on every core (main/history/index-pool.ts).
          'index-worker': resolve(import.meta.dirname, 'main/history/index-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // The renderer is sandboxed: its preload may require only 'electron', so zod and the contract are bundled
      // into one self-contained CJS file instead of being left as require() calls.
      externalizeDeps: false,
      rollupOptions: {
        input: { preload: resolve(import.meta.dirname, 'main/shell/preload.ts') },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    build: {
      // electron-vite leaves bundles unminified; the renderer is also served over HTTP in browser mode.
      // AMDAHL_NO_MINIFY=1 keeps function names readable in a Chromium profile (scripts/bench-ui.mjs' figures).
      minify: !process.env.AMDAHL_NO_MINIFY,
      // ECharts (tree-shaken) is most of the bundle; one ~0.9 MB file loads fine from disk or loopback.
      chunkSizeWarningLimit: 1200,
      rollupOptions: {
        input: resolve(import.meta.dirname, 'renderer/index.html'),
      },
    },
    plugins: [vue()],
  },
})

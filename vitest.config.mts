// Unit, component and end-to-end tests. The engine's worker is built once per run by tests/setup/build-worker.ts.
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

/**
 * Files that need a module registry of their own: the component tests in happy-dom (their DOM and the charts'
 * canvas stand-ins) and the files that mock or reset modules (vi.mock of electron and vue-echarts,
 * vi.resetModules). Every other file shares its worker's modules with the files before it: importing the
 * engine, zod and the charts again for each of ~90 files was ~2 s per file, over two minutes of CI.
 */
const ISOLATED = [
  'tests/unit/renderer-*.test.ts',
  'tests/unit/charts-view.test.ts',
  'tests/unit/history.test.ts',
  'tests/unit/ipc-main.test.ts',
]

export default defineConfig({
  plugins: [vue()],
  test: {
    environment: 'node',
    globalSetup: ['tests/setup/build-worker.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The machine has 2 cores and the engine tests measure real pools: one file at a time.
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: { name: 'shared', include: ['tests/**/*.test.ts'], exclude: ISOLATED, isolate: false },
      },
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
    ],
  },
})

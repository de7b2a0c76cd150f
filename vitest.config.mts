// Unit, component and end-to-end tests. The engine's worker is built once per run by tests/setup/build-worker.ts.
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

/**
 * Files that need a process of their own: the component tests in happy-dom (their DOM and the charts' canvas
 * stand-ins), the files that mock or reset modules (vi.mock of electron and vue-echarts, vi.resetModules), and
 * the files that count what this process holds (its threads, child processes, ArrayBuffer bytes), which another
 * file's leftovers would change. Every other file shares its worker's modules with the files before it: importing
 * the engine, zod and the charts again for each of ~90 files was ~2 s per file, over two minutes of CI.
 */
const ISOLATED = [
  'tests/unit/renderer-*.test.ts',
  'tests/unit/charts-view.test.ts',
  'tests/unit/history.test.ts',
  'tests/unit/atomic.test.ts',
  'tests/unit/ipc-main.test.ts',
  'tests/unit/engine-cancel.test.ts',
  'tests/unit/engine-sweep.test.ts',
  'tests/reliability/cancel.test.ts',
  'tests/reliability/faults.test.ts',
  'tests/reliability/fuzz.test.ts',
  'tests/reliability/lane.test.ts',
  'tests/reliability/memory.test.ts',
  'tests/reliability/server-security.test.ts',
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

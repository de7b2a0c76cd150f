// Unit, component and end-to-end tests. The engine's worker is built once per run by tests/setup/build-worker.ts.
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/setup/build-worker.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The machine has 2 cores and the engine tests measure real pools: one file at a time.
    fileParallelism: false,
  },
})

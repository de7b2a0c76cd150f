// Vitest global setup: builds workers/worker.ts once per test run into a private temp folder, so unit tests
// run the real worker without depending on (or racing with) the app build in out/.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { watPlugin } from '../../scripts/vite-plugin-wat'

export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'amdahl-worker-'))
  await build({
    configFile: false,
    logLevel: 'warn',
    plugins: [watPlugin()],
    build: {
      ssr: fileURLToPath(new URL('../../workers/worker.ts', import.meta.url)),
      outDir: dir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: {
        output: { format: 'cjs', entryFileNames: 'worker.js' },
        external: [/^node:/, 'workerpool'],
      },
    },
  })
  process.env.AMDAHL_WORKER = join(dir, 'worker.js')
  return () => rmSync(dir, { recursive: true, force: true })
}

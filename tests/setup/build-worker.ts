// Vitest global setup: builds workers/worker.ts (and the engine host, main/engine/host.ts) once per test run into a private folder inside the project, so
// unit tests run the real worker without depending on (or racing with) the app build in out/, and the worker
// resolves workerpool from the project's node_modules the way the built app's worker does.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { watPlugin } from '../../scripts/vite-plugin-wat'
import { projectTempDir } from './project-temp'

export default async function setup(): Promise<() => void> {
  const { dir, remove } = projectTempDir('amdahl-test-worker-')
  /** One plain-Node entry, CommonJS, into `dir`; its packages stay external as in the app's build. */
  const buildEntry = (source: string, fileName: string, external: string[], wat = false) =>
    build({
      configFile: false,
      logLevel: 'warn',
      plugins: wat ? [watPlugin()] : [],
      build: {
        ssr: fileURLToPath(new URL(source, import.meta.url)),
        outDir: dir,
        emptyOutDir: false,
        target: 'node20',
        minify: false,
        rollupOptions: {
          output: { format: 'cjs', entryFileNames: fileName },
          external: [/^node:/, ...external],
        },
      },
    })
  await buildEntry('../../workers/worker.ts', 'worker.js', ['workerpool'], true)
  // The engine host process (main/engine/host.ts), forked by the host tests and by `amdahl serve` in tests.
  await buildEntry('../../main/engine/host.ts', 'host.js', ['workerpool', 'zod'])
  // The workers of a large first listing of the history (main/history/index-pool.ts).
  await buildEntry('../../main/history/index-worker.ts', 'index-worker.js', ['workerpool', 'zod'])
  process.env.AMDAHL_HISTORY_WORKER = join(dir, 'index-worker.js')
  process.env.AMDAHL_WORKER = join(dir, 'worker.js')
  process.env.AMDAHL_ENGINE_HOST = join(dir, 'host.js')
  // Where the CLI specs' one build of the app goes (built-cli.ts), outside the project; built only if asked for.
  const cliDir = mkdtempSync(join(tmpdir(), 'amdahl-test-cli-'))
  process.env.AMDAHL_TEST_CLI_OUT = join(cliDir, 'out')
  return () => {
    remove()
    rmSync(cliDir, { recursive: true, force: true })
  }
}

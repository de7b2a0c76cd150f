// Builds the plain-Node entries the reliability tests spawn (CLI, worker, history writer) into a private folder
// inside the project with vite, the way the app build does, so child processes run real built code, never touch
// out/, and resolve workerpool, zod and the rest from the project's node_modules as the built app does.
import { join } from 'node:path'
import { build } from 'vite'
import { buildId } from '../../../scripts/build-id'
import { watPlugin } from '../../../scripts/vite-plugin-wat'
import { PROJECT_ROOT, projectTempDir } from '../../setup/project-temp'

export const ROOT = PROJECT_ROOT

export interface Bundles {
  dir: string
  cli: string
  worker: string
  historyWriter: string
  crashingWorker: string
  sweepChild: string
  /** The desktop app's save path (IPC saveExport) over a history folder: helpers/save-export-child.ts. */
  saveExportChild: string
  /** Environment for a spawned bundle: AMDAHL_WORKER pointing at ours, a private AMDAHL_HOME. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv
  remove(): void
}

/** Entries by output name; the bundles are CommonJS, like electron-vite's main build. */
const ENTRIES = {
  cli: join(ROOT, 'main/cli/main.ts'),
  worker: join(ROOT, 'workers/worker.ts'),
  host: join(ROOT, 'main/engine/host.ts'),
  'history-writer': join(ROOT, 'tests/reliability/helpers/history-writer.ts'),
  'crashing-worker': join(ROOT, 'tests/reliability/helpers/crashing-worker.ts'),
  'sweep-child': join(ROOT, 'tests/reliability/helpers/sweep-child.ts'),
  'save-export-child': join(ROOT, 'tests/reliability/helpers/save-export-child.ts'),
}

export async function buildBundles(): Promise<Bundles> {
  const { dir, remove } = projectTempDir('amdahl-rely-build-')
  await build({
    configFile: false,
    logLevel: 'warn',
    plugins: [watPlugin()],
    define: { __AMDAHL_BUILD__: JSON.stringify(buildId(ROOT)) },
    build: {
      ssr: true,
      outDir: dir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: {
        input: ENTRIES,
        output: { format: 'cjs', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
        external: [/^node:/, 'workerpool', 'zod', 'commander', 'csv-stringify', /^csv-stringify\//],
      },
    },
  })
  const worker = join(dir, 'worker.js')
  return {
    dir,
    cli: join(dir, 'cli.js'),
    worker,
    historyWriter: join(dir, 'history-writer.js'),
    crashingWorker: join(dir, 'crashing-worker.js'),
    sweepChild: join(dir, 'sweep-child.js'),
    saveExportChild: join(dir, 'save-export-child.js'),
    env: (extra = {}) => ({
      ...process.env,
      AMDAHL_WORKER: worker,
      // `amdahl serve` runs its sweeps in this engine host process (main/engine/host.ts).
      AMDAHL_ENGINE_HOST: join(dir, 'host.js'),
      AMDAHL_HOME: join(dir, 'home'),
      ...extra,
    }),
    remove,
  }
}

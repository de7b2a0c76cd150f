// E2E helper: the real service and browser-mode server in this process, serving the BUILT renderer, one history folder each.
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseInput, type Run, type SweepEvent, type SweepSpecInput } from '../../../common/contract'
import { HistoryStore } from '../../../main/history/store'
import { probeDirFor } from '../../../main/probe/store'
import { startServer, type RunningServer } from '../../../main/transports/http/server'
import { createService, type Service } from '../../../main/service/service'

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** The electron-vite build to serve: out/ (what `npm test`'s pretest builds) unless AMDAHL_E2E_OUT names another. */
export function buildDir(): string {
  const dir = resolve(REPO_ROOT, process.env.AMDAHL_E2E_OUT ?? 'out')
  for (const file of ['renderer/index.html', 'main/worker.js']) {
    if (!existsSync(join(dir, file))) {
      throw new Error(
        `e2e: ${join(dir, file)} is missing: build first (\`npx electron-vite build\`, which \`npm test\` runs as pretest) or point AMDAHL_E2E_OUT at a build`,
      )
    }
  }
  return dir
}

export interface TestApp {
  /** The link `amdahl serve` would print, with the token. */
  url: string
  /** The same page without the token. */
  origin: string
  token: string
  historyDir: string
  /** The data folder above the history: the service keeps targets.json here, as the CLI does. */
  dataDir: string
  /** Where the service keeps this machine's probe (Measure this machine): beside the history, as in the app. */
  machinesDir: string
  history: HistoryStore
  service: Service
  /** The runs saved in this app's history folder, read straight from the store (not through the page). */
  savedRuns(): Promise<Run[]>
  /** Runs a sweep through the service (not the page) and resolves with the saved run. */
  seedRun(spec: SweepSpecInput): Promise<Run>
  close(): Promise<void>
}

export interface AppOptions {
  /** The environment ssh runs in for target operations (AMDAHL_SSH_COMMAND for the test's own sshd). */
  env?: NodeJS.ProcessEnv
}

export async function startApp(options: AppOptions = {}): Promise<TestApp> {
  const out = buildDir()
  // A data folder of its own: the service keeps probes in machines/ beside history/, which for a history folder
  // straight in the temp folder would be one machines/ shared by every app and test.
  const dataDir = await mkdtemp(join(tmpdir(), 'amdahl-e2e-'))
  const historyDir = join(dataDir, 'history')
  await mkdir(historyDir)
  const warnings: string[] = []
  const history = new HistoryStore(historyDir, { onWarning: (line) => warnings.push(line) })
  const service = createService({
    history,
    workerScript: join(out, 'main', 'worker.js'),
    onWarning: (line) => warnings.push(line),
    env: options.env,
  })
  let server: RunningServer
  try {
    server = await startServer({
      handlers: service.handlers,
      onEvent: service.onEvent,
      rendererDir: join(out, 'renderer'),
      log: (line) => warnings.push(line),
    })
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true })
    throw error
  }

  async function savedRuns(): Promise<Run[]> {
    const summaries = await history.list()
    return Promise.all(summaries.map((s) => history.get(s.id)))
  }

  async function seedRun(input: SweepSpecInput): Promise<Run> {
    // Seeds stand for what a person has in the history, not for the protocol: a few samples a cell unless the
    // test asks otherwise (sampling to the precision target made the 180-cell seed take three minutes).
    const seeded = { maxSamples: Math.max(5, input.repetitions ?? 0), ...input }
    const { spec } = parseInput('startSweep', { spec: seeded })
    let stop = () => {}
    const outcome = new Promise<SweepEvent>((settle) => {
      stop = service.onEvent((event) => {
        if (event.type === 'finished' || event.type === 'failed') settle(event)
      })
    })
    try {
      const { runId } = await service.handlers.startSweep({ spec })
      const event = await outcome
      if (event.type === 'failed') throw new Error(`e2e: seeding run ${runId} failed: ${event.error}`)
      return await history.get(runId)
    } finally {
      stop()
    }
  }

  return {
    url: server.url,
    origin: server.origin,
    token: server.token,
    historyDir,
    dataDir,
    machinesDir: probeDirFor(historyDir),
    history,
    service,
    savedRuns,
    seedRun,
    async close() {
      await service.shutdown()
      await server.close()
      await rm(dataDir, { recursive: true, force: true })
      if (warnings.length > 0) console.warn(`e2e server warnings:\n${warnings.join('\n')}`)
    },
  }
}

/** Run files in a history folder (for "nothing was saved" checks that do not trust the store's own list). */
export async function runFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.json'))
}

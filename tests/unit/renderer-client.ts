// Test transport for the renderer: an AmdahlClient over the real service and a temporary history folder
// ("direct calls", validated like IPC and HTTP), plus the wiring of an app, a client and Pinia for the stores.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { createApp, type App } from 'vue'
import {
  apiMethods,
  parseInput,
  type AmdahlApi,
  type ApiInput,
  type ApiMethod,
  type ApiOutputs,
  type MenuCommand,
  type SaveFile,
  type SweepEvent,
} from '../../common/contract'
import { HistoryStore } from '../../main/history/store'
import { TargetStore } from '../../main/remote/targets'
import { createService, type Service } from '../../main/service/service'
import { saveExport } from '../../main/transports/ipc/dispatch'
import type { AmdahlClient } from '../../renderer/src/api/client'
import { unwrap } from '../../renderer/src/api/methods'
import { provideClient } from '../../renderer/src/api/inject'

export interface TestClient extends AmdahlClient {
  /** Every API call the UI made, with its raw input, in order. */
  readonly calls: { method: ApiMethod; input: unknown }[]
  /** Files the UI asked to save (a save dialog that always says yes). */
  readonly saved: SaveFile[]
  /**
   * Exports the UI asked to save, written by the app's own save path (main/transports/ipc/dispatch.ts saveExport)
   * into a folder of their own, as a save dialog that always says yes would have them; content read back.
   */
  readonly exported: { input: unknown; fileName: string; path: string; content: string }[]
  readonly service: Service
  readonly history: HistoryStore
  /** An event as if it arrived on the stream (what a sweep elsewhere would send). */
  deliver(event: SweepEvent): void
  menu(command: MenuCommand): void
  dispose(): Promise<void>
}

export async function createTestClient(options: { allowCommands?: boolean } = {}): Promise<TestClient> {
  const dir = await mkdtemp(join(tmpdir(), 'amdahl-renderer-test-'))
  const history = new HistoryStore(join(dir, 'history'), { onWarning: () => {} })
  // targets.json beside, not inside, the history folder (whose every *.json is a run), and never in the shared tmp.
  const service = createService({
    history,
    onWarning: () => {},
    targets: new TargetStore(join(dir, 'data')),
    ...options,
  })
  const calls: { method: ApiMethod; input: unknown }[] = []
  const saved: SaveFile[] = []
  const exported: TestClient['exported'][number][] = []
  const exportDir = join(dir, 'exports')
  const eventListeners = new Set<(event: SweepEvent) => void>()
  const menuListeners = new Set<(command: MenuCommand) => void>()
  const stopService = service.onEvent((event) => {
    for (const l of eventListeners) l(structuredClone(event))
  })

  // Like every transport: validate the input at the boundary, and hand back a copy, never a shared object.
  async function call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutputs[M]> {
    calls.push({ method, input: structuredClone(input) })
    const handler = service.handlers[method] as (parsed: unknown) => Promise<ApiOutputs[M]>
    const value = await handler(parseInput(method, JSON.parse(JSON.stringify(input ?? {}))))
    return JSON.parse(JSON.stringify(value ?? null)) as ApiOutputs[M]
  }
  const api = Object.fromEntries(apiMethods.map((m) => [m, (input: never) => call(m, input)])) as AmdahlApi

  return {
    ...api,
    kind: 'browser',
    calls,
    saved,
    exported,
    service,
    history,
    onEvent(listener) {
      eventListeners.add(listener)
      return () => void eventListeners.delete(listener)
    },
    async save(file) {
      saved.push(file)
      return { saved: true, path: `/saved/${file.fileName}` }
    },
    async saveExport(input) {
      await mkdir(exportDir, { recursive: true })
      let chosen = ''
      const answer = await saveExport(
        JSON.parse(JSON.stringify(input)),
        true,
        service.handlers,
        async (name) => (chosen = join(exportDir, name)),
      )
      // As the app's client reads it (api/ipc.ts): a failure's kind reaches the page.
      const value = unwrap(answer)
      exported.push({
        input,
        fileName: basename(chosen),
        path: chosen,
        content: await readFile(chosen, 'utf8'),
      })
      return value
    },
    onMenu(listener) {
      menuListeners.add(listener)
      return () => void menuListeners.delete(listener)
    },
    deliver(event) {
      for (const l of eventListeners) l(event)
    },
    menu(command) {
      for (const l of menuListeners) l(command)
    },
    async dispose() {
      // The stores end first, as a closed page's do: a hash write waiting for its frame is dropped.
      for (const pinia of made.splice(0)) for (const store of [...pinia._s.values()]) store.$dispose()
      stopService()
      await service.shutdown()
      // Retried: a listing still in flight (the page lists again after a cancel) may write the history's
      // summaries index into the folder while it is being removed (ENOTEMPTY).
      await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
    },
  }
}

/** The Pinias storesWith made, whose stores the client's dispose ends (a timer of theirs must not outlive the test). */
const made: Pinia[] = []

/** An app holding the client and an active Pinia, so `useXStore()` works outside components as in the app. */
export function storesWith(client: AmdahlClient): { app: App; pinia: Pinia } {
  // The selection lives in the URL hash: each test starts from a page without one.
  if (typeof window !== 'undefined') window.history.replaceState(null, '', window.location.pathname)
  const app = createApp({ render: () => null })
  provideClient(app, client)
  const pinia = createPinia()
  app.use(pinia)
  setActivePinia(pinia)
  made.push(pinia)
  return { app, pinia }
}

/** Waits for a condition the UI reaches asynchronously; bounded, never a timing assertion. */
export async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

// The preload's bridge over an in-process stand-in for Electron's IPC (structured clone + the real dispatch and
// service on the other side): what `window.amdahl` exposes, how it calls, and how its subscriptions end.
import { EventEmitter } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  apiMethods,
  isApiMethod,
  type MenuCommand,
  type RunSummary,
  type SweepEvent,
} from '../../common/contract'
import { createBridge, type IpcRendererLike } from '../../main/shell/bridge'
import { HistoryStore } from '../../main/history/store'
import {
  apiChannel,
  EVENT_CHANNEL,
  MENU_CHANNEL,
  SAVE_EXPORT_CHANNEL,
  SAVE_FILE_CHANNEL,
} from '../../main/transports/ipc/channels'
import { dispatch } from '../../main/transports/ipc/dispatch'
import { createService, type Service } from '../../main/service/service'
import { makeRun } from './history-fixtures'

/** Renderer side of a fake IPC: invoke clones its argument (as Electron does) and dispatches to the service. */
class FakeIpc extends EventEmitter implements IpcRendererLike {
  readonly invoked: string[] = []
  constructor(private readonly answer: (channel: string, input: unknown) => Promise<unknown>) {
    super()
  }
  invoke(channel: string, input?: unknown): Promise<unknown> {
    this.invoked.push(channel)
    return this.answer(channel, structuredClone(input))
  }
  /** What webContents.send does on the main side: listeners get (event, payload). */
  deliver(channel: string, payload: unknown): void {
    this.emit(
      channel,
      { sender: 'the IpcRendererEvent, which must never reach the page' },
      structuredClone(payload),
    )
  }
}

let dir: string
let service: Service
let ipc: FakeIpc

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amdahl-bridge-test-'))
  const history = new HistoryStore(dir, { onWarning: () => {} })
  await history.save(makeRun())
  service = createService({ history, onWarning: () => {} })
  ipc = new FakeIpc(async (channel, input) => {
    const method = channel.replace(/^amdahl:/, '')
    if (!isApiMethod(method)) throw new Error(`No handler registered for '${channel}'\nstack line`)
    return dispatch(service.handlers, method, input, true)
  })
})
afterEach(async () => {
  await service.shutdown()
  await rm(dir, { recursive: true, force: true })
})

describe('createBridge', () => {
  it('exposes exactly api, onEvent, saveFile, saveExport and onMenu, all functions but api', () => {
    const bridge = createBridge(ipc)
    expect(Object.keys(bridge).sort()).toEqual(['api', 'onEvent', 'onMenu', 'saveExport', 'saveFile'])
    expect(Object.keys(bridge.api).sort()).toEqual([...apiMethods].sort())
    expect(Object.values(bridge.api).every((f) => typeof f === 'function')).toBe(true)
  })

  it('calls each method over its own channel and answers with the envelope', async () => {
    const bridge = createBridge(ipc)
    const answer = await bridge.api.listRuns({})
    expect(ipc.invoked).toEqual([apiChannel('listRuns')])
    expect(answer.ok).toBe(true)
    if (answer.ok) expect(answer.value.map((r: RunSummary) => r.id)).toEqual(['run-2026-11-25-aaaa'])
  })

  it('passes validation errors through as envelopes', async () => {
    const answer = await createBridge(ipc).api.getRun({ id: '../etc' })
    expect(answer).toEqual({ ok: false, error: 'id: run id must be 1–64 letters, digits, - or _' })
  })

  it('turns a failing channel into an error envelope instead of a rejection', async () => {
    const broken = new FakeIpc(() => Promise.reject(new Error('channel closed\n    at somewhere (x.js:1:1)')))
    expect(await createBridge(broken).api.listRuns({})).toEqual({ ok: false, error: 'channel closed' })
  })

  it('sends saveFile over its channel', async () => {
    const seen: unknown[] = []
    const saving = new FakeIpc(async (channel, input) => {
      seen.push([channel, input])
      return { ok: true, value: { saved: false } }
    })
    const file = { fileName: 'a.csv', mimeType: 'text/csv', content: 'x', encoding: 'utf8' as const }
    expect(await createBridge(saving).saveFile(file)).toEqual({ ok: true, value: { saved: false } })
    expect(seen).toEqual([[SAVE_FILE_CHANNEL, file]])
  })

  it('sends saveExport over its channel: the runs and format only, never the file', async () => {
    const seen: unknown[] = []
    const saving = new FakeIpc(async (channel, input) => {
      seen.push([channel, input])
      return { ok: true, value: { saved: true, path: '/home/me/runs.json' } }
    })
    const input = { ids: ['run-2026-11-25-aaaa'], format: 'json' as const }
    expect(await createBridge(saving).saveExport(input)).toEqual({
      ok: true,
      value: { saved: true, path: '/home/me/runs.json' },
    })
    expect(seen).toEqual([[SAVE_EXPORT_CHANNEL, input]])
  })
})

describe('bridge subscriptions', () => {
  const progress: SweepEvent = { type: 'failed', runId: 'r1', error: 'boom' }

  it('hands listeners the event itself, never the IpcRendererEvent', () => {
    const got: unknown[][] = []
    createBridge(ipc).onEvent((...args) => got.push(args))
    ipc.deliver(EVENT_CHANNEL, progress)
    expect(got).toEqual([[progress]])
  })

  it('unsubscribing removes only that listener', () => {
    const bridge = createBridge(ipc)
    const first: SweepEvent[] = []
    const second: SweepEvent[] = []
    const stopFirst = bridge.onEvent((e) => first.push(e))
    bridge.onEvent((e) => second.push(e))
    stopFirst()
    stopFirst()
    ipc.deliver(EVENT_CHANNEL, progress)
    expect(first).toEqual([])
    expect(second).toEqual([progress])
    expect(ipc.listenerCount(EVENT_CHANNEL)).toBe(1)
  })

  it('forwards menu commands and ignores anything that is not one', () => {
    const got: MenuCommand[] = []
    const stop = createBridge(ipc).onMenu((c) => got.push(c))
    ipc.deliver(MENU_CHANNEL, 'export-csv')
    ipc.deliver(MENU_CHANNEL, 'rm -rf')
    ipc.deliver(MENU_CHANNEL, { command: 'run' })
    stop()
    ipc.deliver(MENU_CHANNEL, 'run')
    expect(got).toEqual(['export-csv'])
    expect(ipc.listenerCount(MENU_CHANNEL)).toBe(0)
  })
})

// @vitest-environment happy-dom
// The renderer's transports: the token taken out of the URL, HTTP calls against the real browser-mode server,
// the event stream's parsing and reconnects, and the desktop bridge's envelopes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EventEmitter } from 'node:events'
import { createBridge, type IpcRendererLike } from '../../main/shell/bridge'
import type { ApiInput, DesktopBridge, SaveFile, SweepEvent } from '../../common/contract'
import {
  EVENT_CHANNEL,
  MENU_CHANNEL,
  SAVE_EXPORT_CHANNEL,
  SAVE_FILE_CHANNEL,
} from '../../main/transports/ipc/channels'
import { dispatch } from '../../main/transports/ipc/dispatch'
import { startServer, type RunningServer } from '../../main/transports/http/server'
import { TARGETS_REFUSED } from '../../main/service/service'
import { parseSweepEvent } from '../../renderer/src/api/events'
import { createHttpClient } from '../../renderer/src/api/http'
import { createIpcClient } from '../../renderer/src/api/ipc'
import { AuthError, isNotFound } from '../../renderer/src/api/errors'
import { hashWithToken, reloadOnNewToken, takeToken, tokenInHash } from '../../renderer/src/api/token'
import { makeRun } from './history-fixtures'
import { useHistoryStore } from '../../renderer/src/stores/history'
import { useFilesStore } from '../../renderer/src/stores/files'
import { useUiStore } from '../../renderer/src/stores/ui'
import { createTestClient, storesWith, until, type TestClient } from './renderer-client'
import { callApi } from './server-http'

/** Navigates the happy-dom page without reloading it (what a browser does on first load and reload). */
function setUrl(url: string): void {
  ;(window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url)
}

describe('takeToken', () => {
  beforeEach(() => sessionStorage.clear())

  it('keeps the token in the address bar, in the fragment the server never sees, and in sessionStorage', () => {
    setUrl('http://127.0.0.1:5199/#token=abc123&runs=a,b')
    expect(takeToken()).toBe('abc123')
    expect(window.location.href).toBe('http://127.0.0.1:5199/#token=abc123&runs=a,b')
    expect(sessionStorage.getItem('amdahl.token')).toBe('abc123')
  })

  it('moves a token given as ?token= (the old address) into the fragment, keeping the rest of the URL', () => {
    setUrl('http://127.0.0.1:5199/?token=abc123&lang=en#runs=a')
    expect(takeToken()).toBe('abc123')
    expect(window.location.href).toBe('http://127.0.0.1:5199/?lang=en#token=abc123&runs=a')
  })

  it('puts the token back into the address after a reload of this tab without it, so a copy of it works', () => {
    setUrl('http://127.0.0.1:5199/#token=abc123')
    takeToken()
    setUrl('http://127.0.0.1:5199/#runs=a,b')
    expect(takeToken()).toBe('abc123')
    expect(window.location.href).toBe('http://127.0.0.1:5199/#token=abc123&runs=a,b')
  })

  it('takes the address’s token over the one this tab kept: the newest address the user opened wins', () => {
    setUrl('http://127.0.0.1:5199/#token=old-token')
    takeToken()
    setUrl('http://127.0.0.1:5199/#token=new-token')
    expect(takeToken()).toBe('new-token')
    expect(sessionStorage.getItem('amdahl.token')).toBe('new-token')
  })

  it('has no token, and writes none, for an address without one in a fresh tab', () => {
    setUrl('http://127.0.0.1:5199/#runs=a')
    expect(takeToken()).toBeNull()
    expect(window.location.href).toBe('http://127.0.0.1:5199/#runs=a')
    expect(sessionStorage.getItem('amdahl.token')).toBeNull()
  })

  it('treats what cannot be a token (a line break, a novel, a broken escape) as no token', () => {
    expect(tokenInHash('#token=abc%0Adef')).toBeNull()
    expect(tokenInHash(`#token=${'a'.repeat(513)}`)).toBeNull()
    expect(tokenInHash('#token=%E0%A4%A')).toBeNull()
    expect(tokenInHash('#token=')).toBeNull()
    expect(tokenInHash('#runs=a&token=ok-token')).toBe('ok-token')
  })

  it('writes the token first and leaves the view’s fields as they were written', () => {
    expect(hashWithToken('#runs=a,b&open=b', 't1')).toBe('#token=t1&runs=a,b&open=b')
    expect(hashWithToken('#token=old&runs=a', 't2')).toBe('#token=t2&runs=a')
    expect(hashWithToken('', 't3')).toBe('#token=t3')
  })
})

describe('reloadOnNewToken', () => {
  /** A tab whose fragment changes without a reload, as when an address is pasted into it. */
  function tab(hash: string) {
    const listeners: (() => void)[] = []
    const place = {
      location: { hash, reloads: 0, reload: () => place.location.reloads++ },
      addEventListener: (_type: 'hashchange', listener: () => void) => listeners.push(listener),
    }
    const navigate = (next: string) => {
      place.location.hash = next
      listeners.forEach((l) => l())
    }
    return { place, navigate }
  }

  it('reloads when an address with another token is pasted into the tab, so the page uses the new one', () => {
    const { place, navigate } = tab('#token=old-token')
    reloadOnNewToken('old-token', place)
    navigate('#token=old-token&runs=a')
    navigate('#runs=b')
    expect(place.location.reloads).toBe(0)
    navigate('#token=new-token')
    expect(place.location.reloads).toBe(1)
  })

  it('reloads a tab that had no token once an address with one is pasted into it', () => {
    const { place, navigate } = tab('')
    reloadOnNewToken(null, place)
    navigate('#token=new-token')
    expect(place.location.reloads).toBe(1)
  })
})

describe('HTTP client against the browser-mode server', () => {
  let backend: TestClient
  let server: RunningServer

  beforeEach(async () => {
    sessionStorage.clear()
    backend = await createTestClient()
    server = await startServer({
      handlers: backend.service.handlers,
      onEvent: backend.service.onEvent,
      log: () => {},
    })
  })
  afterEach(async () => {
    await server.close()
    await backend.dispose()
  })

  it('calls a method with the bearer token from the page URL and returns its value', async () => {
    await backend.history.save(makeRun({ id: 'run-http', name: 'over http' }))
    setUrl(server.url)
    const client = createHttpClient(server.origin)
    expect(client.kind).toBe('browser')
    const runs = await client.listRuns({})
    expect(runs.map((r) => r.name)).toEqual(['over http'])
    expect((await client.getRun({ id: 'run-http' })).cells.length).toBe(6)
  })

  it('turns an error envelope into an Error with its one line', async () => {
    setUrl(server.url)
    const client = createHttpClient(server.origin)
    await expect(client.getRun({ id: 'bad id!' })).rejects.toThrow(
      'id: run id must be 1–64 letters, digits, - or _',
    )
  })

  it('answers a run that does not exist with 404 and a not-found kind the client tells apart', async () => {
    await backend.history.save(makeRun({ id: 'run-http', name: 'over http' }))
    await backend.history.delete('run-http')
    const raw = await callApi(server.port, server.token, 'getRun', { id: 'run-http' })
    expect(raw.status).toBe(404)
    expect(JSON.parse(raw.body)).toEqual({ ok: false, error: 'no run with id run-http', kind: 'not-found' })
    setUrl(server.url)
    const client = createHttpClient(server.origin)
    const gone = await client.getRun({ id: 'run-http' }).catch((e: unknown) => e)
    expect((gone as Error).message).toBe('no run with id run-http')
    expect(isNotFound(gone)).toBe(true)
    // Any other failure has no kind: a bad id is refused at the boundary, whatever it names.
    expect(isNotFound(await client.getRun({ id: 'bad id!' }).catch((e: unknown) => e))).toBe(false)
  })

  it('says what to do when the page was opened without the token, not just that it is missing', async () => {
    setUrl(server.origin + '/')
    const client = createHttpClient(server.origin)
    const error = await client.listRuns({}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect((error as AuthError).reason).toBe('missing')
    expect((error as Error).message).toBe(
      'this address has no access token: open the address `amdahl serve` printed in its terminal',
    )
  })

  it('downloads an export through a one-time link the server streams, named as the export', async () => {
    await backend.history.save(makeRun({ id: 'run-http', name: 'over http' }))
    setUrl(server.url)
    const clicked: { href: string; download: string }[] = []
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push({ href: this.href, download: this.download })
    })
    try {
      const client = createHttpClient(server.origin)
      const result = await client.saveExport({ ids: ['run-http'], format: 'md' })
      expect(result).toEqual({
        saved: true,
        fileName: expect.stringMatching(/^amdahl-over-http-\d{4}-\d{2}-\d{2}\.md$/),
      })
      expect(clicked).toEqual([{ href: expect.any(String), download: result.fileName }])
      expect(clicked[0].href).toMatch(new RegExp(`^${server.origin}/api/export-file/[0-9a-f]{64}$`))
      expect(clicked[0].href).not.toContain(server.token)
      const res = await fetch(clicked[0].href)
      expect(res.status).toBe(200)
      expect(await res.text()).toContain('## over http (run-http)')

      await expect(client.saveExport({ ids: ['run-gone'], format: 'md' })).rejects.toThrow(
        'no run with id run-gone',
      )
      expect(clicked).toHaveLength(1)
    } finally {
      click.mockRestore()
    }
  })

  it("shows the server's own refusal (403), not a token problem: the token was right", async () => {
    const strict = await createTestClient({ allowCommands: false })
    const strictServer = await startServer({
      handlers: strict.service.handlers,
      onEvent: strict.service.onEvent,
      log: () => {},
    })
    try {
      setUrl(strictServer.url)
      const client = createHttpClient(strictServer.origin)
      const error = await client.addTarget({ name: 'lab', destination: 'me@lab' }).catch((e: unknown) => e)
      expect(error).not.toBeInstanceOf(AuthError)
      expect((error as Error).message).toBe(TARGETS_REFUSED)
    } finally {
      await strictServer.close()
      await strict.dispose()
    }
  })

  it('says a wrong token is not the running server’s, apart from a missing one', async () => {
    setUrl(`${server.origin}/#token=not-the-token`)
    const client = createHttpClient(server.origin)
    const error = await client.getMachine({}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect((error as AuthError).reason).toBe('wrong')
    expect((error as Error).message).toMatch(/^this address's access token is not the running server's/)
  })
})

describe('event stream', () => {
  class FakeEventSource {
    static readonly CONNECTING = 0
    static readonly OPEN = 1
    static readonly CLOSED = 2
    static opened: FakeEventSource[] = []
    readyState = FakeEventSource.CONNECTING
    onopen: (() => void) | null = null
    onmessage: ((m: { data: string }) => void) | null = null
    onerror: (() => void) | null = null
    constructor(readonly url: string) {
      FakeEventSource.opened.push(this)
    }
    close(): void {
      this.readyState = FakeEventSource.CLOSED
    }
  }

  beforeEach(() => {
    FakeEventSource.opened = []
    sessionStorage.clear()
    vi.stubGlobal('EventSource', FakeEventSource)
    setUrl('http://127.0.0.1:5199/?token=tok')
  })
  afterEach(() => vi.unstubAllGlobals())

  const progress: SweepEvent = {
    type: 'progress',
    progress: {
      runId: 'r1',
      cellsDone: 1,
      cellsTotal: 4,
      fraction: 0.25,
      current: null,
      elapsedMs: 5,
      etaMs: 15,
    },
  }

  it('opens one stream with the token and delivers parsed events, skipping garbage', () => {
    const client = createHttpClient()
    const seen: SweepEvent[] = []
    client.onEvent((e) => seen.push(e))
    expect(FakeEventSource.opened.map((s) => s.url)).toEqual(['/api/events?token=tok'])
    const source = FakeEventSource.opened[0]
    source.onmessage?.({ data: 'not json' })
    source.onmessage?.({ data: JSON.stringify({ type: 'progress' }) })
    source.onmessage?.({ data: JSON.stringify(progress) })
    expect(seen).toEqual([progress])
  })

  it('reconnects after the server closed the stream', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const client = createHttpClient()
      client.onEvent(() => {})
      const first = FakeEventSource.opened[0]
      first.readyState = FakeEventSource.CLOSED
      first.onerror?.()
      vi.advanceTimersByTime(20_000)
      expect(FakeEventSource.opened).toHaveLength(2)
    } finally {
      vi.useRealTimers()
    }
  })

  it('closes the stream when the last listener leaves', () => {
    const client = createHttpClient()
    const stop = client.onEvent(() => {})
    stop()
    expect(FakeEventSource.opened[0].readyState).toBe(FakeEventSource.CLOSED)
  })

  it('refuses events that are not shaped like sweep events', () => {
    expect(parseSweepEvent('{"type":"finished","run":{}}')).toBeNull()
    expect(parseSweepEvent('{"type":"failed","runId":"r","error":"boom"}')).toEqual({
      type: 'failed',
      runId: 'r',
      error: 'boom',
    })
  })
})

describe('IPC client', () => {
  let backend: TestClient
  beforeEach(async () => {
    backend = await createTestClient()
  })
  afterEach(() => backend.dispose())

  /**
   * The preload's real bridge over a stand-in for Electron's IPC: arguments are structured-cloned (so a Vue proxy
   * would fail here as it does in Electron) and the main side is the real dispatch over the real service.
   */
  function bridgeOver(client: TestClient): DesktopBridge {
    const emitter = new EventEmitter()
    client.onEvent((event) => emitter.emit(EVENT_CHANNEL, {}, structuredClone(event)))
    client.onMenu((command) => emitter.emit(MENU_CHANNEL, {}, command))
    const ipc: IpcRendererLike = {
      async invoke(channel, input) {
        const cloned: unknown = structuredClone(input)
        if (channel === SAVE_FILE_CHANNEL) return { ok: true, value: await client.save(cloned as SaveFile) }
        if (channel === SAVE_EXPORT_CHANNEL) {
          return client.saveExport(cloned as ApiInput<'exportRuns'>).then(
            (value) => ({ ok: true, value }),
            (error: Error) => ({ ok: false, error: error.message }),
          )
        }
        return dispatch(client.service.handlers, channel.replace(/^amdahl:/, ''), cloned, true)
      },
      on: (channel, listener) => emitter.on(channel, listener),
      removeListener: (channel, listener) => emitter.removeListener(channel, listener),
    }
    return createBridge(ipc)
  }

  it('unwraps values and turns error envelopes into Errors', async () => {
    await backend.history.save(makeRun({ id: 'run-ipc', name: 'over ipc' }))
    const client = createIpcClient(bridgeOver(backend))
    expect(client.kind).toBe('desktop')
    expect((await client.getRun({ id: 'run-ipc' })).name).toBe('over ipc')
    await expect(client.getRun({ id: 'run-missing' })).rejects.toThrow(/run-missing/)
  })

  it('carries the not-found kind of a run that does not exist, and no kind for other failures', async () => {
    const client = createIpcClient(bridgeOver(backend))
    const gone = await client.getRun({ id: 'run-missing' }).catch((e: unknown) => e)
    expect((gone as Error).message).toBe('no run with id run-missing')
    expect(isNotFound(gone)).toBe(true)
    expect(isNotFound(await client.getRun({ id: 'bad id!' }).catch((e: unknown) => e))).toBe(false)
  })

  it('lets the stores export over IPC, which clones arguments and so refuses reactive proxies', async () => {
    await backend.history.save(makeRun({ id: 'run-clone', name: 'cloned' }))
    storesWith(createIpcClient(bridgeOver(backend)))
    const history = useHistoryStore()
    await history.refresh()
    await useFilesStore().exportSelected('csv')
    expect(useUiStore().toasts.map((t) => t.kind)).toEqual(['success'])
    expect(backend.exported.map((f) => f.fileName)).toEqual([
      expect.stringMatching(/^amdahl-cloned-.*\.csv$/),
    ])
  })

  it('passes menu commands and events through', async () => {
    const client = createIpcClient(bridgeOver(backend))
    const commands: string[] = []
    const events: string[] = []
    client.onMenu((c) => commands.push(c))
    client.onEvent((e) => events.push(e.type))
    backend.menu('export-csv')
    expect(
      await client.save({ fileName: 'a.csv', mimeType: 'text/csv', content: 'x', encoding: 'utf8' }),
    ).toEqual({
      saved: true,
      path: '/saved/a.csv',
    })
    await client.startSweep({ spec: { sizes: [16], pools: [1], repetitions: 1, warmups: 0 } })
    await until(() => events.includes('finished'), 'the finished event')
    expect(commands).toEqual(['export-csv'])
    expect(events[0]).toBe('progress')
  })
})

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
import { parseSweepEvent, reopensAfter, takeEvents } from '../../renderer/src/api/events'
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

describe('event stream text', () => {
  it('reads each whole event’s data, skips comments and keeps the event not ended yet for the next chunk', () => {
    expect(takeEvents(': connected\n\ndata: {"a":1}\n\n: keep-alive\n\ndata: {"b"')).toEqual({
      data: ['{"a":1}'],
      rest: 'data: {"b"',
    })
    expect(takeEvents('data: {"b"' + ':2}\n\n')).toEqual({ data: ['{"b":2}'], rest: '' })
  })

  it('joins an event’s data lines with newlines, and reads lines ended by \\r\\n, split between chunks too', () => {
    expect(takeEvents('data: one\r\ndata:two\r\n\r\n').data).toEqual(['one\ntwo'])
    const first = takeEvents('data: x\r')
    expect(first.data).toEqual([])
    expect(takeEvents(`${first.rest}\n\r\n`).data).toEqual(['x'])
  })

  it('gives the whole events and no rest once the event not ended yet outgrows the bound', () => {
    expect(takeEvents('data: a\n\ndata: ' + 'x'.repeat(20), 16)).toEqual({ data: ['a'], rest: null })
    expect(takeEvents('data: ' + 'x'.repeat(10), 16)).toEqual({ data: [], rest: 'data: ' + 'x'.repeat(10) })
  })
})

describe('parseSweepEvent', () => {
  it('refuses events that are not shaped like sweep events', () => {
    expect(parseSweepEvent('{"type":"finished","run":{}}')).toBeNull()
    expect(parseSweepEvent('{"type":"failed","runId":"r","error":"boom"}')).toEqual({
      type: 'failed',
      runId: 'r',
      error: 'boom',
    })
  })
})

describe('reopensAfter', () => {
  it('gives up on a refused token or a Host the server does not serve: neither ever becomes good', () => {
    expect(reopensAfter(401)).toBe(false)
    expect(reopensAfter(403)).toBe(false)
  })

  it('tries again where no answer came, the stream ended or the server failed: it may be restarting', () => {
    expect(reopensAfter(null)).toBe(true)
    expect(reopensAfter(500)).toBe(true)
    expect(reopensAfter(503)).toBe(true)
  })
})

describe('event stream against the browser-mode server', () => {
  const TOKEN = 'tok-' + 'e'.repeat(40)
  /** The server's subscribers: what a test pushes here goes down every open stream. */
  const subscribers = new Set<(event: SweepEvent) => void>()
  const push = (event: unknown) => {
    for (const s of subscribers) s(event as SweepEvent)
  }
  let server: RunningServer
  const start = (port = 0) =>
    startServer({
      handlers: {} as never,
      onEvent: (listener) => {
        subscribers.add(listener)
        return () => subscribers.delete(listener)
      },
      log: () => {},
      token: TOKEN,
      port,
    })
  /** The page's requests for the event stream, counted as they leave (the real fetch answers them). */
  const streamRequests = () =>
    vi.mocked(fetch).mock.calls.filter(([url]) => String(url).endsWith('/api/events')).length

  beforeEach(async () => {
    sessionStorage.clear()
    subscribers.clear()
    server = await start()
    vi.spyOn(globalThis, 'fetch')
  })
  afterEach(async () => {
    vi.restoreAllMocks()
    await server.close()
  })

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

  it('opens one stream with the token and delivers parsed events, skipping ones not shaped like sweep events', async () => {
    setUrl(`${server.origin}/#token=${TOKEN}`)
    const client = createHttpClient(server.origin)
    const seen: SweepEvent[] = []
    const stop = client.onEvent((e) => seen.push(e))
    await until(() => subscribers.size === 1, 'the stream to open')
    push({ type: 'progress' })
    push(progress)
    await until(() => seen.length > 0, 'the event')
    expect(seen).toEqual([progress])
    expect(streamRequests()).toBe(1)
    // The token rides in a header, not in the address the server may log.
    const [url, init] = vi.mocked(fetch).mock.calls[0]
    expect(String(url)).toBe(`${server.origin}/api/events`)
    expect(new Headers(init?.headers).get('Authorization')).toBe(`Bearer ${TOKEN}`)
    stop()
    await until(() => subscribers.size === 0, 'the stream to close when the last listener left')
  })

  it('opens the stream again once the server is back after a restart', async () => {
    setUrl(`${server.origin}/#token=${TOKEN}`)
    const client = createHttpClient(server.origin)
    const seen: SweepEvent[] = []
    const stop = client.onEvent((e) => seen.push(e))
    await until(() => subscribers.size === 1, 'the stream to open')
    const port = server.port
    await server.close()
    server = await start(port)
    await until(() => subscribers.size === 1, 'the stream to open again')
    push(progress)
    await until(() => seen.length > 0, 'the event after the restart')
    expect(seen).toEqual([progress])
    stop()
  })

  it('asks no more once the server refused the token: it never becomes the running server’s', async () => {
    setUrl(`${server.origin}/#token=wrong`)
    const client = createHttpClient(server.origin)
    client.onEvent(() => {})
    const answered = vi.mocked(fetch).mock.results[0]?.value as Promise<Response>
    expect((await answered).status).toBe(401)
    // Past the first retries (0.5 s, then 1 s later) of a stream that merely ended.
    await new Promise((r) => setTimeout(r, 2000))
    expect(streamRequests()).toBe(1)
    // Nor does a listener that comes later.
    const stop = client.onEvent(() => {})
    await new Promise((r) => setTimeout(r, 200))
    expect(streamRequests()).toBe(1)
    stop()
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

// main/shell/index.ts wired against a recording stand-in for the 'electron' module (the binary cannot run here): the
// real service, IPC dispatch, protocol handler and policies behind it, checked through what Electron would be told.
import { EventEmitter } from 'node:events'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { MenuItemConstructorOptions } from 'electron'
import { apiMethods } from '../../common/contract'
import { REFUSED } from '../../main/transports/ipc/dispatch'
import { APP_ENTRY_URL, secureWebPreferences } from '../../main/shell/shell-policy'
import { makeRun } from './history-fixtures'

type Handler = (...args: unknown[]) => unknown

// Hoisted above the imports (vi.mock needs it), so it imports what it uses itself.
const fake = await vi.hoisted(async () => {
  const { EventEmitter } = await import('node:events')
  const { fork } = await import('node:child_process')
  const { mkdtempSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const userData = mkdtempSync(join(tmpdir(), 'amdahl-electron-standin-'))

  let nextId = 1
  class FakeWebContents extends EventEmitter {
    readonly id = nextId++
    readonly sent: [string, unknown][] = []
    mainFrame = { url: 'app://amdahl/index.html', frameTreeNodeId: this.id * 100 }
    windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload])
    }
    isDestroyed() {
      return false
    }
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = handler
    }
  }

  class FakeBrowserWindow extends EventEmitter {
    static created: FakeBrowserWindow[] = []
    readonly webContents = new FakeWebContents()
    loaded: string | null = null
    constructor(readonly options: Record<string, unknown>) {
      super()
      FakeBrowserWindow.created.push(this)
      app.emit('web-contents-created', {}, this.webContents)
    }
    loadURL(url: string) {
      this.loaded = url
      return Promise.resolve()
    }
    isDestroyed() {
      return false
    }
    getNormalBounds() {
      return { x: 40, y: 50, width: 1100, height: 760 }
    }
    isMaximized() {
      return false
    }
    isMinimized() {
      return false
    }
    maximize() {}
    show() {}
    restore() {}
    focus() {}
  }

  const calls: Record<string, unknown[][]> = {}
  const record =
    (name: string, result?: unknown) =>
    (...args: unknown[]) => {
      ;(calls[name] ??= []).push(args)
      return result
    }

  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    getPath: (name: string) => (name === 'userData' ? userData : join(userData, name)),
    // the project folder, as in development: the shell serves its built renderer from out/renderer
    getAppPath: () => join(import.meta.dirname, '..', '..'),
    getVersion: () => '0.1.0',
    enableSandbox: record('app.enableSandbox'),
    requestSingleInstanceLock: record('app.requestSingleInstanceLock', true),
    quit: record('app.quit'),
    exit: record('app.exit'),
    whenReady: () => Promise.resolve(),
  })
  const handlers = new Map<string, (...args: unknown[]) => unknown>()
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>()
  const session = {
    defaultSession: {
      setPermissionRequestHandler: record('setPermissionRequestHandler'),
      setPermissionCheckHandler: record('setPermissionCheckHandler'),
      setDevicePermissionHandler: record('setDevicePermissionHandler'),
      webRequest: { onHeadersReceived: record('onHeadersReceived') },
    },
  }
  return {
    userData,
    calls,
    handlers,
    protocolHandlers,
    FakeBrowserWindow,
    FakeWebContents,
    module: {
      app,
      BrowserWindow: FakeBrowserWindow,
      session,
      protocol: {
        registerSchemesAsPrivileged: record('protocol.registerSchemesAsPrivileged'),
        handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
          protocolHandlers.set(scheme, handler),
      },
      ipcMain: {
        handle: (channel: string, handler: (...args: unknown[]) => unknown) => handlers.set(channel, handler),
        removeHandler: (channel: string) => handlers.delete(channel),
      },
      screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }] },
      Menu: {
        buildFromTemplate: (template: unknown) => ({ template }),
        setApplicationMenu: record('Menu.setApplicationMenu'),
      },
      dialog: {
        showSaveDialog: record('dialog.showSaveDialog', Promise.resolve({ canceled: true })),
        showMessageBox: record('dialog.showMessageBox', Promise.resolve({ response: 0 })),
        showErrorBox: record('dialog.showErrorBox'),
      },
      shell: { openExternal: record('shell.openExternal', Promise.resolve()) },
      // The engine host as a utility process: the built host.js (npm test builds first) under child_process.fork,
      // which the host serves as it serves utilityProcess; messages, pid, kill and exit as Electron gives them.
      utilityProcess: {
        fork(script: string, args: string[], options: Record<string, unknown>) {
          ;(calls['utilityProcess.fork'] ??= []).push([script, args, options])
          const hostJs = join(import.meta.dirname, '..', '..', 'out', 'main', 'host.js')
          const child = fork(hostJs, [], {
            serialization: 'advanced',
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          })
          const utility = Object.assign(new EventEmitter(), {
            pid: child.pid,
            // A message to a process that has just exited is lost, as Electron's is, never an error event: the
            // parent's acknowledgement of a host's last events can race the host's exit.
            postMessage: (message: unknown) =>
              void (child.connected && child.send(message as object, () => undefined)),
            kill: () => child.kill(),
          })
          child.on('message', (message) => utility.emit('message', message))
          child.once('exit', (code) => utility.emit('exit', code ?? 1))
          return utility
        },
      },
    },
  }
})

vi.mock('electron', () => ({ ...fake.module, default: fake.module }))

const firstCall = (name: string) => fake.calls[name]?.[0] ?? []
let win: InstanceType<typeof fake.FakeBrowserWindow>

beforeAll(async () => {
  await import('../../main/shell')
  // start() awaits whenReady() and then wires everything synchronously.
  await vi.waitFor(() => expect(fake.FakeBrowserWindow.created).toHaveLength(1))
  win = fake.FakeBrowserWindow.created[0]
})
afterAll(() => rmSync(fake.userData, { recursive: true, force: true }))

type Frame = { url: string; frameTreeNodeId: number }
function invoke(channel: string, input: unknown, frame: Frame = win.webContents.mainFrame) {
  const handler = fake.handlers.get(channel)
  if (!handler) throw new Error(`no handler for ${channel}`)
  return handler({ sender: win.webContents, senderFrame: frame }, input)
}

describe('before the app is ready', () => {
  it('registers app:// as a standard, secure scheme (with V8’s code cache) and sandboxes every renderer', () => {
    expect(firstCall('protocol.registerSchemesAsPrivileged')).toEqual([
      [
        {
          scheme: 'app',
          privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
        },
      ],
    ])
    expect(fake.calls['app.enableSandbox']).toHaveLength(1)
    expect(fake.calls['app.requestSingleInstanceLock']).toHaveLength(1)
  })
})

describe('the window', () => {
  it('is created once, with the secure web preferences and the built preload', () => {
    const prefs = win.options.webPreferences as { preload: string }
    expect(prefs.preload.replace(/\\/g, '/')).toMatch(/\/preload\/preload\.js$/)
    expect(prefs).toEqual(secureWebPreferences(prefs.preload))
  })

  it('loads the app from app://, not file://', () => {
    expect(win.loaded).toBe(APP_ENTRY_URL)
  })

  it('remembers its bounds in userData/window-state.json when it closes', async () => {
    const file = join(fake.userData, 'window-state.json')
    rmSync(file, { force: true })
    win.emit('close')
    await vi.waitFor(() => expect(existsSync(file)).toBe(true))
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      x: 40,
      y: 50,
      width: 1100,
      height: 760,
      maximized: false,
    })
  })
})

describe('the session', () => {
  it('denies every permission request and check', () => {
    const [requestHandler] = firstCall('setPermissionRequestHandler') as [Handler]
    const answers: boolean[] = []
    requestHandler(win.webContents, 'media', (granted: boolean) => answers.push(granted), {})
    requestHandler(win.webContents, 'notifications', (granted: boolean) => answers.push(granted), {})
    expect(answers).toEqual([false, false])
    const [checkHandler] = firstCall('setPermissionCheckHandler') as [Handler]
    expect(checkHandler(win.webContents, 'clipboard-read', 'app://amdahl', {})).toBe(false)
    const [deviceHandler] = firstCall('setDevicePermissionHandler') as [Handler]
    expect(deviceHandler({})).toBe(false)
  })

  it('puts the CSP on every response header set', () => {
    const [listener] = firstCall('onHeadersReceived') as [Handler]
    let answer: { responseHeaders: Record<string, string[]> } | null = null
    listener(
      { responseHeaders: { 'content-security-policy': ['default-src *'] } },
      (a: typeof answer) => (answer = a),
    )
    expect(answer!.responseHeaders['Content-Security-Policy'][0]).toContain("default-src 'none'")
    expect(answer!.responseHeaders['content-security-policy']).toBeUndefined()
  })

  it('serves the renderer over app:// with the CSP header', async () => {
    const handler = fake.protocolHandlers.get('app')!
    const response = await handler(new Request('app://amdahl/index.html'))
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<title>Amdahl</title>')
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect((await handler(new Request('app://amdahl/../package.json'))).status).toBe(404)
  })
})

describe('IPC', () => {
  it('has a handler for every contract method, saveFile and saveExport, and nothing else', () => {
    expect([...fake.handlers.keys()].sort()).toEqual(
      [...apiMethods.map((m) => `amdahl:${m}`), 'amdahl:saveFile', 'amdahl:saveExport'].sort(),
    )
  })

  it('answers the main window with an envelope from the real service', async () => {
    expect(await invoke('amdahl:listRuns', {})).toEqual({ ok: true, value: [] })
    expect(await invoke('amdahl:getRun', { id: 'nope/..' })).toMatchObject({ ok: false })
  })

  it('refuses a sub-frame, a foreign page and another webContents', async () => {
    const subFrame = { url: 'app://amdahl/index.html', frameTreeNodeId: 7 }
    expect(await invoke('amdahl:listRuns', {}, subFrame)).toEqual({
      ok: false,
      error: REFUSED,
    })
    const main = win.webContents.mainFrame
    main.url = 'https://evil.example/'
    try {
      expect(await invoke('amdahl:listRuns', {})).toEqual({ ok: false, error: REFUSED })
    } finally {
      main.url = APP_ENTRY_URL
    }
    const other = new fake.FakeWebContents()
    const handler = fake.handlers.get('amdahl:listRuns')!
    expect(await handler({ sender: other, senderFrame: other.mainFrame }, {})).toEqual({
      ok: false,
      error: REFUSED,
    })
  })

  it('runs a sweep, streams its events to the main window and keeps the run', async () => {
    const answer = (await invoke('amdahl:startSweep', {
      spec: { sizes: [8], pools: [1], repetitions: 1, warmups: 0 },
    })) as { ok: boolean; value: { runId: string } }
    expect(answer.ok).toBe(true)
    const events = () =>
      win.webContents.sent.filter(([channel]) => channel === 'amdahl:event').map(([, e]) => e)
    await vi.waitFor(() => expect(events()).toContainEqual(expect.objectContaining({ type: 'finished' })), {
      timeout: 30_000,
    })
    expect(events()[0]).toMatchObject({ type: 'progress', progress: { runId: answer.value.runId } })
    // The sweep was measured in a utility process of its own, never in the main process beside IPC and windows.
    const [[script, , options]] = fake.calls['utilityProcess.fork'] as [
      string,
      string[],
      { serviceName: string },
    ][]
    expect(script.endsWith('host.js')).toBe(true)
    expect(options.serviceName).toBe('Amdahl engine')
    expect(await invoke('amdahl:listRuns', {})).toMatchObject({
      ok: true,
      value: [{ id: answer.value.runId }],
    })
  })

  it('answers a cancelled save dialog with saved: false', async () => {
    const file = { fileName: 'runs.csv', mimeType: 'text/csv', content: 'a', encoding: 'utf8' }
    expect(await invoke('amdahl:saveFile', file)).toEqual({ ok: true, value: { saved: false } })
    const [, options] = fake.calls['dialog.showSaveDialog'][0] as [unknown, { defaultPath: string }]
    expect(options.defaultPath.endsWith('runs.csv')).toBe(true)
  })

  it('writes an export to the file picked in the save dialog, from the main process', async () => {
    const run = makeRun({ id: 'run-ipc-export', name: 'ipc export' })
    expect(await invoke('amdahl:importRun', { run })).toMatchObject({ ok: true })
    const path = join(fake.userData, 'picked.json')
    const dialog = fake.module.dialog
    const cancelling = dialog.showSaveDialog
    dialog.showSaveDialog = async () => ({ canceled: false, filePath: path })
    try {
      expect(await invoke('amdahl:saveExport', { ids: [run.id], format: 'json' })).toEqual({
        ok: true,
        value: { saved: true, path },
      })
    } finally {
      dialog.showSaveDialog = cancelling
    }
    expect(JSON.parse(readFileSync(path, 'utf8')).runs).toEqual([{ ...run, imported: true }])
  })

  it('asks where to save an export under its own name, and answers a cancelled dialog with saved: false', async () => {
    const before = fake.calls['dialog.showSaveDialog'].length
    expect(await invoke('amdahl:saveExport', { ids: ['run-ipc-export'], format: 'html' })).toEqual({
      ok: true,
      value: { saved: false },
    })
    const [, options] = fake.calls['dialog.showSaveDialog'][before] as [
      unknown,
      { defaultPath: string; filters: { name: string; extensions: string[] }[] },
    ]
    expect(options.defaultPath).toMatch(/amdahl-ipc-export-report-\d{4}-\d{2}-\d{2}\.html$/)
    expect(options.filters[0]).toEqual({ name: 'HTML report', extensions: ['html'] })
  })

  it('refuses an export of a missing run in one line, before any dialog', async () => {
    const before = fake.calls['dialog.showSaveDialog'].length
    expect(await invoke('amdahl:saveExport', { ids: ['no-such-run'], format: 'csv' })).toEqual({
      ok: false,
      error: 'no run with id no-such-run',
      kind: 'not-found',
    })
    expect(await invoke('amdahl:saveExport', { ids: [], format: 'csv' })).toEqual({
      ok: false,
      error: 'ids: choose at least one run',
    })
    expect(fake.calls['dialog.showSaveDialog']).toHaveLength(before)
  })
})

describe('every webContents', () => {
  const guarded = () => {
    const contents = new fake.FakeWebContents()
    fake.module.app.emit('web-contents-created', {}, contents)
    return contents
  }
  const navigate = (contents: EventEmitter, event: string, url: string) => {
    let prevented = false
    contents.emit(event, { url, preventDefault: () => (prevented = true) })
    return prevented
  }

  it('may not navigate or redirect away from the app', () => {
    const contents = guarded()
    expect(navigate(contents, 'will-navigate', 'https://evil.example/')).toBe(true)
    expect(navigate(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(navigate(contents, 'will-redirect', 'https://evil.example/')).toBe(true)
    expect(navigate(contents, 'will-navigate', 'app://amdahl/index.html')).toBe(false)
  })

  it('opens no windows; https links go to the system browser, nothing else does', () => {
    const contents = guarded()
    const before = fake.calls['shell.openExternal']?.length ?? 0
    expect(contents.windowOpenHandler!({ url: 'https://example.org/docs' })).toEqual({ action: 'deny' })
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(contents.windowOpenHandler!({ url: 'http://example.org/' })).toEqual({ action: 'deny' })
    expect(fake.calls['shell.openExternal'].slice(before)).toEqual([['https://example.org/docs']])
  })

  it('may not attach a webview', () => {
    let prevented = false
    guarded().emit('will-attach-webview', { preventDefault: () => (prevented = true) })
    expect(prevented).toBe(true)
  })
})

describe('the menu', () => {
  it('sends its commands to the main window', () => {
    const [menu] = firstCall('Menu.setApplicationMenu') as [{ template: MenuItemConstructorOptions[] }]
    const file = menu.template.find((m) => m.label === '&File')!
    const run = (file.submenu as MenuItemConstructorOptions[]).find((i) => i.id === 'run')!
    ;(run.click as () => void)()
    expect(win.webContents.sent).toContainEqual(['amdahl:menu', 'run'])
  })
})

describe('quitting', () => {
  it('holds the quit until the service has shut down, then exits', async () => {
    const stateFile = join(fake.userData, 'window-state.json')
    rmSync(stateFile, { force: true })
    let prevented = 0
    fake.module.app.emit('before-quit', { preventDefault: () => prevented++ })
    expect(prevented).toBe(1)
    await vi.waitFor(() => expect(fake.calls['app.exit']).toEqual([[0]]))
    // Written before the app exits, not left to a save the exit cuts short.
    expect(existsSync(stateFile)).toBe(true)
    // A second quit request while stopping is held too, and does not start a second shutdown.
    fake.module.app.emit('before-quit', { preventDefault: () => prevented++ })
    expect(prevented).toBe(2)
  })
})

// Electron main process: one hardened window over the shared API; the service lives here, its sweeps in a utility process.
import { join } from 'node:path'
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  protocol,
  screen,
  session,
  shell,
  type BrowserWindowConstructorOptions,
  type WebContents,
} from 'electron'
import { createAppProtocolHandler } from './app-protocol'
import { HistoryStore } from '../history/store'
import { defaultDataDir } from '../history/paths'
import { TargetStore } from '../remote/targets'
import { forwardEvents, registerIpc, sendMenuCommand } from './ipc'
import { aboutDetail, menuTemplate } from './menu'
import { hostEngine } from '../engine/host-client'
import { createService } from '../service/service'
import { launchUtilityHost } from './engine-process'
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  contentSecurityPolicy,
  isAppUrl,
  safeExternalUrl,
  secureWebPreferences,
  withSecurityHeaders,
} from './shell-policy'
import { fitToDisplays, loadWindowState, MIN_HEIGHT, MIN_WIDTH, saveWindowState } from './window-state'

/** electron-vite sets this in `electron-vite dev`; a packaged app never trusts it. */
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL || undefined : undefined
const csp = contentSecurityPolicy(devServerUrl)
/** Longest wait for the workers to stop on quit before exiting anyway. */
const SHUTDOWN_GRACE_MS = 10_000

// Must happen before 'ready': app:// gets a real, secure origin (fetch, CSP 'self') instead of file://.
protocol.registerSchemesAsPrivileged([
  // codeCache: V8 keeps the bundle's compiled code between launches, as Chromium does for http(s) pages.
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
  },
])
app.enableSandbox()

let mainWindow: BrowserWindow | null = null
const currentWindow = (): BrowserWindow | null =>
  mainWindow && !mainWindow.isDestroyed() ? mainWindow : null

/** Every webContents, present or future: no webviews, no pop-ups, no navigation away from the app. */
function guardWebContents(contents: WebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    const external = safeExternalUrl(url)
    // Only https links without credentials get here (safeExternalUrl); the scanner cannot see that check.
    if (external) void shell.openExternal(external) // eng-disable OPEN_EXTERNAL_JS_CHECK
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url, devServerUrl)) event.preventDefault()
  })
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, devServerUrl)) event.preventDefault()
  })
}

function hardenSession(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.setDevicePermissionHandler(() => false)
  // The app:// handler sets the CSP itself; this covers the dev server (and anything else that loads).
  ses.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: withSecurityHeaders(details.responseHeaders, csp) }),
  )
  // The built renderer lies in out/renderer of the app folder (app.asar when packaged, the project in development),
  // whichever file of the shell this code was bundled from.
  protocol.handle(APP_SCHEME, createAppProtocolHandler(join(app.getAppPath(), 'out', 'renderer'), csp))
}

/** The window-state saves under way, one after another (the last one's state wins): quitting waits for them. */
let savingWindowState: Promise<void> = Promise.resolve()

/** Saves size, position and maximized; on close, and on quit (app.exit closes windows without 'close'). */
function rememberWindow(win: BrowserWindow, stateFile: string): void {
  if (win.isDestroyed()) return
  // Read now: the window may be gone by the time the save runs.
  const state = { ...win.getNormalBounds(), maximized: win.isMaximized() }
  savingWindowState = savingWindowState
    .then(() => saveWindowState(stateFile, state))
    .catch((error: unknown) => console.warn(`amdahl: window state not saved: ${String(error)}`))
}

function createWindow(stateFile: string): BrowserWindow {
  const workAreas = screen.getAllDisplays().map((display) => display.workArea)
  const state = fitToDisplays(loadWindowState(stateFile), workAreas)
  const options: BrowserWindowConstructorOptions = {
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    title: 'Amdahl',
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(join(__dirname, '../preload/preload.js')),
  }
  // contextIsolation, sandbox and no Auxclick come from secureWebPreferences() (asserted in ipc-shell.test.ts);
  // the scanner cannot follow the call.
  const win = new BrowserWindow(options) // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize()
    win.show()
  })
  win.on('close', () => rememberWindow(win, stateFile))
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })
  void win.loadURL(devServerUrl ?? APP_ENTRY_URL)
  return win
}

function showAbout(): void {
  const detail = aboutDetail(app.getVersion(), process.versions, process.platform, process.arch)
  const options = { type: 'info' as const, title: 'About Amdahl', message: 'Amdahl', detail, buttons: ['OK'] }
  const win = currentWindow()
  void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options))
}

async function start(): Promise<void> {
  await app.whenReady()
  hardenSession()
  const userData = app.getPath('userData')
  const onWarning = (line: string) => console.warn(`amdahl: ${line}`)
  const service = createService({
    history: new HistoryStore(join(userData, 'history'), { onWarning }),
    onWarning,
    // Sweeps run in a utility process of their own: the main process keeps windows and IPC responsive, and its
    // event loop never sits inside a timed sample (issue 8).
    engine: hostEngine(() => launchUtilityHost()),
    // The targets `amdahl target add` keeps (the CLI's data folder, not Electron's userData): one list for both.
    targets: new TargetStore(defaultDataDir(process.env)),
  })
  registerIpc({ handlers: service.handlers, mainWindow: currentWindow, devServerUrl })
  forwardEvents(service.onEvent, currentWindow)

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        isMac: process.platform === 'darwin',
        dev: devServerUrl !== undefined,
        appName: 'Amdahl',
        send: (command) => sendMenuCommand(currentWindow(), command),
        about: showAbout,
      }),
    ),
  )

  const stateFile = join(userData, 'window-state.json')
  mainWindow = createWindow(stateFile)
  app.on('activate', () => {
    if (!currentWindow()) mainWindow = createWindow(stateFile)
  })

  // Quitting mid-sweep: hold the quit until the service has stopped its workers, so no process is orphaned
  // (and the window's place is written).
  let stopping = false
  app.on('before-quit', (event) => {
    event.preventDefault()
    if (stopping) return
    stopping = true
    const win = currentWindow()
    if (win) rememberWindow(win, stateFile)
    const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())
    void Promise.race([Promise.all([service.shutdown(), savingWindowState]), grace])
      .catch((error: unknown) => console.error(`amdahl: shutdown failed: ${String(error)}`))
      .finally(() => app.exit(0))
  })
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    const win = currentWindow()
    if (!win) return
    if (win.isMinimized()) win.restore()
    win.focus()
  })
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents))
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  start().catch((error: unknown) => {
    dialog.showErrorBox('Amdahl could not start', String(error))
    app.exit(1)
  })
}

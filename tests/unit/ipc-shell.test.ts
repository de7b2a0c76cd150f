// The Electron shell's pure parts (Electron itself cannot run here): web preferences, origins, CSP, the app://
// file handler, window state and the menu; plus static guards on the files that do import Electron.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MenuItemConstructorOptions } from 'electron'
import { menuCommands, type MenuCommand } from '../../common/contract'
import { createAppProtocolHandler } from '../../main/shell/app-protocol'
import { aboutDetail, menuTemplate } from '../../main/shell/menu'
import {
  APP_ENTRY_URL,
  contentSecurityPolicy,
  isAppUrl,
  safeExternalUrl,
  secureWebPreferences,
  withSecurityHeaders,
} from '../../main/shell/shell-policy'
import {
  DEFAULT_WINDOW_STATE,
  fitToDisplays,
  loadWindowState,
  saveWindowState,
  type WindowState,
} from '../../main/shell/window-state'

const source = (file: string) => readFile(new URL(`../../main/shell/${file}`, import.meta.url), 'utf8')

describe('web preferences', () => {
  it('isolate, sandbox and keep Node out of every window', () => {
    expect(secureWebPreferences('/app/out/preload/preload.js')).toMatchObject({
      preload: '/app/out/preload/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    })
  })

  it('are the only web preferences main/index.ts gives a window', async () => {
    const index = (await source('index.ts')).replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')
    expect(index.match(/new BrowserWindow\(/g)).toHaveLength(1)
    expect(index.match(/webPreferences/g)).toHaveLength(1)
    expect(index).toMatch(/webPreferences: secureWebPreferences\(/)
    expect(index).not.toMatch(/nodeIntegration|contextIsolation|sandbox:|webSecurity/)
  })

  it('the preload exposes one thing, the bridge, under window.amdahl', async () => {
    const preload = await source('preload.ts')
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1)
    expect(preload).toMatch(/exposeInMainWorld\('amdahl', createBridge\(ipcRenderer\)\)/)
  })
})

describe('origins', () => {
  it('knows the app by scheme and host', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true)
    expect(isAppUrl('app://amdahl/assets/index.js')).toBe(true)
    expect(isAppUrl('app://evil/index.html')).toBe(false)
    expect(isAppUrl('file:///work/out/renderer/index.html')).toBe(false)
    expect(isAppUrl('https://amdahl/index.html')).toBe(false)
    expect(isAppUrl('app://user:pw@amdahl/')).toBe(false)
    expect(isAppUrl('not a url')).toBe(false)
  })

  it('in development trusts only the dev server origin', () => {
    const dev = 'http://localhost:5173'
    expect(isAppUrl('http://localhost:5173/index.html', dev)).toBe(true)
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false)
    expect(isAppUrl(APP_ENTRY_URL, dev)).toBe(false)
  })

  it('sends only plain https links to the system browser', () => {
    expect(safeExternalUrl('https://example.org/docs?a=1')).toBe('https://example.org/docs?a=1')
    expect(safeExternalUrl('http://example.org/')).toBeNull()
    expect(safeExternalUrl('file:///etc/passwd')).toBeNull()
    expect(safeExternalUrl('javascript:alert(1)')).toBeNull()
    expect(safeExternalUrl('smb://host/share')).toBeNull()
    expect(safeExternalUrl('https://user:pw@example.org/')).toBeNull()
    expect(safeExternalUrl('')).toBeNull()
  })
})

describe('content security policy', () => {
  it('allows only the app itself to run script', () => {
    const csp = contentSecurityPolicy()
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/)
    expect(csp).toContain("object-src 'none'")
  })

  it('lets the dev server its hot-reload websocket and nothing more', () => {
    expect(contentSecurityPolicy('http://localhost:5173')).toContain("connect-src 'self' ws://localhost:5173")
  })

  it('replaces any CSP the server sent, whatever its casing', () => {
    const headers = withSecurityHeaders(
      { 'content-security-policy': ['default-src *'], 'Content-Type': 'text/html' },
      'X',
    )
    expect(headers).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': ['X'],
      'X-Content-Type-Options': ['nosniff'],
    })
  })
})

describe('the app:// protocol handler', () => {
  let root: string
  let outside: string
  const csp = contentSecurityPolicy()
  const get = (url: string, method = 'GET') =>
    createAppProtocolHandler(root, csp)(new Request(url, { method }))

  beforeAll(async () => {
    const base = await mkdtemp(join(tmpdir(), 'amdahl-protocol-test-'))
    root = join(base, 'renderer')
    outside = base
    await mkdir(join(root, 'assets'), { recursive: true })
    await writeFile(join(root, 'index.html'), '<!doctype html><title>Amdahl</title>')
    await writeFile(join(root, 'assets', 'index.js'), 'console.log(1)')
    await writeFile(join(root, 'assets', 'index-CLIwDJlJ.js'), 'console.log(2)')
    await writeFile(join(outside, 'secret.txt'), 'secret')
    // Issue 9: links inside the renderer folder that lead out of it, to a file and to a folder.
    await symlink(join(outside, 'secret.txt'), join(root, 'assets', 'link.txt'))
    await symlink(outside, join(root, 'up'))
  })
  afterAll(() => rm(outside, { recursive: true, force: true }))

  it('serves index.html for / with its type and the CSP header', async () => {
    const response = await get('app://amdahl/')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toBe(csp)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await response.text()).toContain('<title>Amdahl</title>')
  })

  it('has index.html read fresh, hashed bundles kept for good and other files checked again', async () => {
    expect((await get('app://amdahl/')).headers.get('cache-control')).toBe('no-store')
    const hashed = await get('app://amdahl/assets/index-CLIwDJlJ.js')
    expect(hashed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(await hashed.text()).toBe('console.log(2)')
    expect((await get('app://amdahl/assets/index.js')).headers.get('cache-control')).toBe('no-cache')
  })

  it('serves scripts as JavaScript (module scripts need the right type)', async () => {
    const response = await get('app://amdahl/assets/index.js')
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await response.text()).toBe('console.log(1)')
  })

  for (const url of [
    'app://amdahl/../secret.txt',
    'app://amdahl/%2e%2e/secret.txt',
    'app://amdahl/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://amdahl/..%5csecret.txt',
    'app://amdahl/index.html%00.js',
    'app://amdahl/%E0%A4%A',
    'app://amdahl/missing.js',
    'app://amdahl/assets',
    'app://other/index.html',
    'app://amdahl/assets/link.txt',
    'app://amdahl/up/secret.txt',
  ]) {
    it(`answers 404 and no file content for ${url}`, async () => {
      const response = await get(url)
      expect(response.status).toBe(404)
      expect(await response.text()).not.toContain('secret')
    })
  }

  it('refuses anything but GET and HEAD', async () => {
    expect((await get('app://amdahl/index.html', 'POST')).status).toBe(405)
    const head = await get('app://amdahl/index.html', 'HEAD')
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })
})

/** True when this process may mount a tmpfs (root on Linux, where the container allows it). */
function mayMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false
  const probe = mkdtempSync(join(tmpdir(), 'amdahl-mount-probe-'))
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0
  if (mounted) spawnSync('umount', [probe])
  rmSync(probe, { recursive: true, force: true })
  return mounted
}

describe('window state', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amdahl-window-state-test-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('round-trips through the file', async () => {
    const file = join(dir, 'nested', 'window-state.json')
    const state: WindowState = { x: 10, y: 20, width: 1000, height: 700, maximized: true }
    await saveWindowState(file, state)
    expect(loadWindowState(file)).toEqual(state)
  })

  // Node's recursive mkdir calls a read-only disk "no such file" (ENOENT); the folder is made as every folder we
  // keep files in is, which says what the disk said. A real read-only tmpfs: only where this process may mount.
  it.runIf(mayMount())('says a read-only disk is read-only, not that a folder is missing', async () => {
    const disk = join(dir, 'read-only-disk')
    await mkdir(disk)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', disk])
    try {
      const saving = saveWindowState(join(disk, 'amdahl', 'window-state.json'), DEFAULT_WINDOW_STATE)
      await expect(saving).rejects.toMatchObject({ code: 'EROFS' })
    } finally {
      execFileSync('umount', [disk])
    }
  })

  it('ignores a missing file', () => {
    expect(loadWindowState(join(dir, 'none.json'))).toEqual(DEFAULT_WINDOW_STATE)
  })

  for (const [what, text] of [
    ['broken JSON', '{"width": 10'],
    ['a size too small to use', '{"width": 10, "height": 10, "maximized": false}'],
    ['a non-numeric position', '{"x": "left", "y": 0, "width": 1000, "height": 700, "maximized": false}'],
    ['an unknown field', '{"width": 1000, "height": 700, "maximized": false, "__proto__": {"x": 1}}'],
    ['an array', '[1, 2]'],
  ] as const) {
    it(`ignores a file with ${what}`, async () => {
      const file = join(dir, 'bad.json')
      await writeFile(file, text)
      expect(loadWindowState(file)).toEqual(DEFAULT_WINDOW_STATE)
    })
  }

  const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }]

  it('keeps a position that is on a display', () => {
    const state: WindowState = { x: 100, y: 100, width: 1200, height: 800, maximized: false }
    expect(fitToDisplays(state, screen)).toEqual(state)
  })

  it('drops a position left on a display that is gone, so the window opens centred', () => {
    const state: WindowState = { x: 2500, y: 100, width: 1200, height: 800, maximized: false }
    expect(fitToDisplays(state, screen)).toEqual({ width: 1200, height: 800, maximized: false })
  })

  it('shrinks a window larger than any display', () => {
    const state: WindowState = { x: 0, y: 0, width: 5000, height: 3000, maximized: true }
    expect(fitToDisplays(state, screen)).toEqual({ x: 0, y: 0, width: 1920, height: 1040, maximized: true })
  })
})

describe('menu', () => {
  type Item = MenuItemConstructorOptions
  const flatten = (items: Item[]): Item[] =>
    items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])])
  const build = (isMac: boolean, dev: boolean) => {
    const sent: MenuCommand[] = []
    let abouts = 0
    const template = menuTemplate({
      isMac,
      dev,
      appName: 'Amdahl',
      send: (c) => sent.push(c),
      about: () => abouts++,
    })
    return { items: flatten(template), sent, about: () => abouts }
  }

  it('has one item per menu command, each sending its command', () => {
    const { items, sent } = build(false, false)
    for (const command of menuCommands) {
      const matching = items.filter((item) => item.id === command)
      expect(matching, command).toHaveLength(1)
      ;(matching[0].click as () => void)()
    }
    expect(sent).toEqual([...menuCommands])
  })

  it('binds the documented shortcuts', () => {
    const byId = Object.fromEntries(build(false, false).items.map((item) => [item.id, item.accelerator]))
    expect(byId).toMatchObject({
      run: 'CmdOrCtrl+R',
      cancel: 'CmdOrCtrl+.',
      'export-csv': 'CmdOrCtrl+E',
      'export-json': 'CmdOrCtrl+Shift+E',
      'export-png': 'CmdOrCtrl+P',
      targets: 'CmdOrCtrl+Shift+T',
    })
    const accelerators = build(false, true)
      .items.map((i) => i.accelerator)
      .filter(Boolean)
    expect(new Set(accelerators).size).toBe(accelerators.length)
  })

  it('offers reload and developer tools only in development', () => {
    const roles = (dev: boolean) => build(false, dev).items.map((i) => i.role)
    expect(roles(false)).not.toContain('toggleDevTools')
    expect(roles(false)).not.toContain('reload')
    expect(roles(true)).toContain('toggleDevTools')
    expect(roles(true)).toContain('reload')
  })

  it('puts Quit in File except on macOS, where the app menu has it', () => {
    expect(build(false, false).items.map((i) => i.role)).toContain('quit')
    const mac = build(true, false).items
    expect(mac.map((i) => i.role)).not.toContain('quit')
    expect(mac[0].role).toBe('appMenu')
  })

  it('opens About from Help, with the versions a bug report needs', () => {
    const { items, about } = build(false, false)
    ;(items.find((i) => i.label === 'About Amdahl')!.click as () => void)()
    expect(about()).toBe(1)
    expect(
      aboutDetail('0.1.0', { electron: '41.7.1', chrome: '140', node: '22', v8: '14' }, 'linux', 'x64'),
    ).toBe('Version 0.1.0\nElectron 41.7.1\nChromium 140\nNode 22\nV8 14\nlinux x64')
  })
})

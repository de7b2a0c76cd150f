// The desktop shell's security policy as plain values and predicates: no Electron at run time, so it is unit-tested.
import type { WebPreferences } from 'electron'

/** The renderer is served from this privileged custom scheme instead of file://, so it has a real origin. */
export const APP_SCHEME = 'app'
export const APP_HOST = 'amdahl'
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/** The one set of web preferences every Amdahl window gets: an isolated, sandboxed page with no Node. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    // Middle-click would otherwise try to open links in new windows (denied anyway by the window-open handler).
    disableBlinkFeatures: 'Auxclick',
    safeDialogs: true,
    spellcheck: false,
  }
}

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * True when `url` belongs to the app itself: app://amdahl/…, or in development the Vite dev server's origin.
 * Compared field by field because WHATWG URLs give custom schemes the opaque origin "null".
 */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  const u = parse(url)
  if (!u || u.username || u.password) return false
  if (devServerUrl) {
    const dev = parse(devServerUrl)
    return dev !== null && u.protocol === dev.protocol && u.host === dev.host
  }
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST
}

/** The link to hand to the system browser, or null: only plain https links without credentials leave the app. */
export function safeExternalUrl(url: string): string | null {
  const u = parse(url)
  if (!u || u.protocol !== 'https:' || u.username || u.password || !u.hostname) return null
  return u.href
}

const BASE_CSP: readonly string[] = [
  "default-src 'none'",
  "script-src 'self'",
  // ECharts and Vue set inline style attributes; no inline script is ever allowed.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
]

/** The renderer's Content-Security-Policy; the dev server additionally needs its hot-reload websocket. */
export function contentSecurityPolicy(devServerUrl?: string): string {
  if (!devServerUrl) return BASE_CSP.join('; ')
  const dev = parse(devServerUrl)
  const ws = dev ? ` ws://${dev.host}` : ''
  return BASE_CSP.map((d) => (d.startsWith('connect-src') ? `${d}${ws}` : d)).join('; ')
}

export type ResponseHeaders = Record<string, string[] | string>

/** Response headers with our CSP (and nosniff) replacing whatever the server sent, whatever its casing. */
export function withSecurityHeaders(
  headers: ResponseHeaders | undefined,
  csp: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase()
    if (lower === 'content-security-policy' || lower === 'x-content-type-options') continue
    out[name] = Array.isArray(value) ? value : [value]
  }
  // The value is built by contentSecurityPolicy() (unit-tested); the scanner cannot parse a variable.
  out['Content-Security-Policy'] = [csp] // eng-disable CSP_JS_CHECK
  out['X-Content-Type-Options'] = ['nosniff']
  return out
}

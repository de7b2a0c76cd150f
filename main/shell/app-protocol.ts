// The app:// protocol handler: serves the built renderer folder (and nothing outside it) with the CSP as a header.
// No Electron import: it maps a fetch Request to a fetch Response, so it is unit-tested in plain Node.
import { readFile } from 'node:fs/promises'
import { cacheControlFor, contentTypeFor, findStaticFile } from '../transports/http/static-files'
import { APP_HOST, APP_SCHEME } from './shell-policy'

export type ReadFile = (path: string) => Promise<Uint8Array>

function refuse(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}

/**
 * A handler for `protocol.handle(APP_SCHEME, …)`: GET app://amdahl/<path> → the file under `root`.
 * `read` defaults to fs.readFile, which Electron makes asar-aware, so the same code serves a packaged app.
 */
export function createAppProtocolHandler(
  root: string,
  csp: string,
  read: ReadFile = (path) => readFile(path),
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'method not allowed')
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return refuse(400, 'bad url')
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refuse(404, 'not found')
    // As the HTTP server does: a link inside the renderer folder that leads out of it is not served (Electron's
    // realpath and stat read inside the asar archive, so the packaged app is served the same way).
    const found = await findStaticFile(root, url.pathname)
    if (found === null) return refuse(404, 'not found')
    const file = found.path
    let body: Uint8Array
    try {
      body = await read(file)
    } catch {
      return refuse(404, 'not found')
    }
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: {
        'Content-Type': contentTypeFor(file),
        'Content-Security-Policy': csp,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': cacheControlFor(url.pathname, contentTypeFor(file)),
      },
    })
  }
}

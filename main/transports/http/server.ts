// Browser mode: the API contract over HTTP on loopback, token-protected, plus the built renderer as static files.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  ApiError,
  isApiMethod,
  parseInput,
  type ApiHandlers,
  type ApiMethod,
  type ApiOutputs,
  type ApiParsed,
  type Envelope,
  type ExportLink,
} from '../../../common/contract'
import { kindField } from '../../../common/api-error'
import { oneLine } from '../../../common/one-line'
import { openExport, planExport, runSourceOf } from '../../export/open-export'
import { ONE_AHEAD } from '../../export/write-export'
import { readJsonBody, DEFAULT_MAX_BODY_BYTES } from './body'
import { EventStreams, KEEP_ALIVE_MS, type Subscribe } from './events'
import { ExportLinks } from './export-links'
import {
  allowedHosts,
  bearerToken,
  hostAllowed,
  hostForHeader,
  networkWarning,
  originAllowed,
  tokenMatches,
} from './guard'
import { SECURITY_HEADERS } from './headers'
import { cacheControlFor, findStaticFile, openStaticFile } from './static-files'

export interface ServerOptions {
  handlers: ApiHandlers
  onEvent: Subscribe
  /** Default: the renderer built next to this bundle (out/renderer). */
  rendererDir?: string
  /** Default 127.0.0.1; anything else is announced loudly, since it makes the server reachable from the network. */
  host?: string
  /** Default 0: any free port. */
  port?: number
  /** Default: 32 random bytes as hex. */
  token?: string
  /** One line per notable event (errors, the network warning). Default: stderr. */
  log?: (line: string) => void
  maxBodyBytes?: number
  keepAliveMs?: number
}

export interface RunningServer {
  /**
   * Open this: it carries the token in its fragment, which a browser never sends (no request line, log or
   * Referer holds it) and which the page keeps, so the address copied from the bar works in another browser.
   */
  url: string
  origin: string
  host: string
  port: number
  token: string
  close(): Promise<void>
}

const API_PREFIX = '/api/'
const EVENTS_PATH = '/api/events'
/**
 * exportRuns' input, answered with the file itself, written as it is produced: a samples CSV grows with the
 * samples, and is never built whole in the server's memory.
 */
const EXPORT_FILE_PATH = '/api/export-file'
/**
 * exportRuns' input answered with a one-time link (ExportLink) to the same file: what a browser download follows,
 * since a plain GET cannot carry the token. Followed at EXPORT_FILE_PATH/<ticket>.
 */
const EXPORT_LINK_PATH = '/api/export-link'
const EXPORT_DOWNLOAD_PREFIX = `${EXPORT_FILE_PATH}/`
const MIN_TOKEN_LENGTH = 16

/** out/renderer, beside the bundle's folder: this module runs from out/main/ or, split into a chunk, out/main/chunks/. */
export function defaultRendererDir(): string {
  const candidates = [join(__dirname, '../renderer'), join(__dirname, '../../renderer')]
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0]
}

/**
 * The handler's error as an HTTP status: ApiErrors are the caller's fault (404 for what does not exist, 409
 * when they say so) or the disk's (507 full, 503 refusing writes: one line a person can act on), the rest
 * ours.
 */
export function statusForError(error: unknown): number {
  if (!(error instanceof ApiError)) return 500
  if (error.kind === 'not-found') return 404
  const status = (error as ApiError & { status?: unknown }).status
  if (status === 503 || status === 507) return status
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 400
}

async function callMethod<M extends ApiMethod>(
  handlers: ApiHandlers,
  method: M,
  raw: unknown,
  signal: AbortSignal,
): Promise<ApiOutputs[M]> {
  const input = parseInput(method, raw)
  return handlers[method](input, { signal })
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::' || host === '[::]') return '[::1]'
  return hostForHeader(host)
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? randomBytes(32).toString('hex')
  if (token.length < MIN_TOKEN_LENGTH)
    throw new Error(`the token must be at least ${MIN_TOKEN_LENGTH} characters`)
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const rendererDir = options.rendererDir ?? defaultRendererDir()
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const streams = new EventStreams(options.onEvent, options.keepAliveMs ?? KEEP_ALIVE_MS)
  const exportSource = runSourceOf(options.handlers)
  const exportLinks = new ExportLinks<ApiParsed<'exportRuns'>>()
  let hosts = new Set<string>()

  const send = (res: ServerResponse, status: number, text: string, headers: Record<string, string>): void => {
    // Encoded once: measuring the text's UTF-8 length and then writing it encoded it twice (~25 ms of the 4.5 MB
    // answer to listRuns over 10,000 runs).
    const body = Buffer.from(text, 'utf8')
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      ...headers,
      'Content-Length': String(body.length),
    })
    res.end(body)
  }
  const sendEnvelope = <T>(res: ServerResponse, status: number, envelope: Envelope<T>, extra = {}): void =>
    send(res, status, JSON.stringify(envelope), {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      ...extra,
    })
  const fail = (
    res: ServerResponse,
    status: number,
    error: string,
    extra: Record<string, string> = {},
  ): void => sendEnvelope(res, status, { ok: false, error: oneLine(error) }, extra)

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) {
    if (path === EVENTS_PATH) {
      const given = bearerToken(req.headers.authorization) ?? query.get('token')
      if (!tokenMatches(given, token)) {
        return fail(res, 401, 'missing or wrong token', { 'WWW-Authenticate': 'Bearer' })
      }
      if (req.method !== 'GET') return fail(res, 405, 'use GET for the event stream', { Allow: 'GET' })
      return streams.attach(res, SECURITY_HEADERS)
    }
    if (path.startsWith(EXPORT_DOWNLOAD_PREFIX))
      return followExportLink(req, res, path.slice(EXPORT_DOWNLOAD_PREFIX.length))
    if (!tokenMatches(bearerToken(req.headers.authorization), token)) {
      return fail(res, 401, 'missing or wrong token', { 'WWW-Authenticate': 'Bearer' })
    }
    const method = path.slice(API_PREFIX.length)
    const isExportFile = path === EXPORT_FILE_PATH
    const isExportLink = path === EXPORT_LINK_PATH
    if (!isExportFile && !isExportLink && !isApiMethod(method))
      return fail(res, 404, `unknown method ${method.slice(0, 60)}`)
    if (req.method !== 'POST') return fail(res, 405, 'use POST for API methods', { Allow: 'POST' })

    const body = await readJsonBody(req, maxBodyBytes)
    if (!body.ok) {
      // An oversized body is not read to the end: close the connection once the answer is out.
      if (body.status === 413) res.on('finish', () => req.destroy())
      return fail(res, body.status, body.error, body.status === 413 ? { Connection: 'close' } : {})
    }
    try {
      if (isExportFile) return await streamExport(res, parseInput('exportRuns', body.value))
      if (isExportLink) return sendEnvelope(res, 200, { ok: true, value: await exportLink(body.value) })
      // The caller gone before its answer (a closed tab, a killed curl): a handler that runs a program stops it.
      const gone = new AbortController()
      const onClose = () => {
        if (!res.writableFinished) gone.abort()
      }
      res.on('close', onClose)
      try {
        const value = await callMethod(options.handlers, method as ApiMethod, body.value, gone.signal)
        sendEnvelope(res, 200, { ok: true, value })
      } finally {
        res.off('close', onClose)
      }
    } catch (error) {
      answerError(res, method, error)
    }
  }

  function answerError(res: ServerResponse, what: string, error: unknown): void {
    // A file already on its way is cut short (the client went away, or a run could not be read): the download
    // fails rather than ending as if complete.
    if (res.headersSent) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE')
        log(`amdahl: ${what} cut short: ${oneLine(error instanceof Error ? error.message : String(error))}`)
      return void res.destroy()
    }
    const status = statusForError(error)
    if (status === 500) {
      log(
        `amdahl: ${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      )
      return fail(res, 500, 'internal error (details are in the server log)')
    }
    sendEnvelope(res, status, { ok: false, error: oneLine((error as Error).message), ...kindField(error) })
  }

  /** Checks the runs and names the file now; the link then streams it (once, within a minute). */
  async function exportLink(raw: unknown): Promise<ExportLink> {
    const { ids, format } = parseInput('exportRuns', raw)
    const plan = await planExport(ids, format, exportSource)
    const ticket = exportLinks.create({ ids: plan.ids, format })
    return { url: `${EXPORT_DOWNLOAD_PREFIX}${ticket}`, fileName: plan.fileName }
  }

  /** GET of a link exportLink made: the ticket stands in for the token, once. */
  async function followExportLink(req: IncomingMessage, res: ServerResponse, ticket: string): Promise<void> {
    if (req.method !== 'GET') return fail(res, 405, 'use GET to follow a download link', { Allow: 'GET' })
    const input = exportLinks.take(ticket)
    if (input === null)
      return fail(res, 404, 'this download link has expired or was used already: export the runs again')
    try {
      await streamExport(res, input)
    } catch (error) {
      answerError(res, 'export download', error)
    }
  }

  /** The export file as the response, written as it is produced: never built whole in the server's memory. */
  async function streamExport(res: ServerResponse, { ids, format }: ApiParsed<'exportRuns'>): Promise<void> {
    const file = await openExport(ids, format, exportSource)
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': `${file.mimeType}; charset=utf-8`,
      // The name is made of ASCII letters, digits and dashes (planExport): safe between the quotes.
      'Content-Disposition': `attachment; filename="${file.fileName}"`,
      'Cache-Control': 'no-store',
    })
    await pipeline(Readable.from(file.pieces, ONE_AHEAD), res)
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, path: string) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'method not allowed\n', {
        'Content-Type': 'text/plain; charset=utf-8',
        Allow: 'GET, HEAD',
      })
    }
    const file = await findStaticFile(rendererDir, path)
    if (file === null) return send(res, 404, 'not found\n', { 'Content-Type': 'text/plain; charset=utf-8' })
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': file.contentType,
      'Content-Length': String(file.size),
      'Cache-Control': cacheControlFor(path, file.contentType),
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    openStaticFile(file)
      .on('error', () => res.destroy())
      .pipe(res)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, hosts)) return fail(res, 403, 'bad Host header')
    if (!originAllowed(req.headers.origin, hosts)) {
      return fail(res, 403, 'cross-origin requests are not allowed')
    }
    const rawUrl = req.url ?? '/'
    const queryAt = rawUrl.indexOf('?')
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt)
    const query = new URLSearchParams(queryAt === -1 ? '' : rawUrl.slice(queryAt + 1))
    if (path === '/api' || path.startsWith(API_PREFIX)) return handleApi(req, res, path, query)
    return handleStatic(req, res, path)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(
        `amdahl: request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      )
      if (!res.headersSent) fail(res, 500, 'internal error (details are in the server log)')
      else res.destroy()
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  hosts = allowedHosts(host, port)
  const warning = networkWarning(host, port)
  if (warning !== null) log(warning)
  if (!existsSync(join(rendererDir, 'index.html'))) {
    log(`amdahl: no app to serve in ${rendererDir} (run \`npm run build\`); the API still answers`)
  }

  const origin = `http://${urlHost(host)}:${port}`
  let closing: Promise<void> | null = null
  return {
    url: `${origin}/#token=${token}`,
    origin,
    host,
    port,
    token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        streams.closeAll()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
}

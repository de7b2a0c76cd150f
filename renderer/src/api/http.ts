// The browser-mode transport: POST /api/<method> with the bearer token, events over EventSource, saves as downloads
// (exports through a one-time link to the file the server writes as it goes).
import type {
  ApiInput,
  ApiMethod,
  ApiOutputs,
  Envelope,
  ExportLink,
  SweepEvent,
} from '../../../common/contract'
import type { AmdahlClient } from './client-type'
import { download, downloadLink } from './download'
import { AuthError } from './errors'
import { parseSweepEvent } from './events'
import { apiFromCall, unwrap } from './methods'
import { reloadOnNewToken, takeToken } from './token'

const isEnvelope = (v: unknown): v is Envelope<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { ok?: unknown }).ok === 'boolean'

/** Reconnect delays after the stream closes: quick at first, then at most every 15 s. */
const backoffMs = (attempt: number): number => Math.min(15_000, 500 * 2 ** Math.min(attempt, 5))

export function createHttpClient(base = ''): AmdahlClient {
  const token = takeToken()
  reloadOnNewToken(token)

  /** POST /api/<path> with the token: the value of the envelope it answers with. */
  const post = async (path: string, input: unknown): Promise<unknown> => {
    let response: Response
    try {
      response = await fetch(`${base}/api/${path}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(input ?? {}),
      })
    } catch {
      throw new Error('cannot reach the Amdahl server: is `amdahl serve` still running?')
    }
    // Before the body: the server's own line ("missing or wrong token") does not say what to do about it. A 403
    // is not about the token (it was accepted): the service's refusal says why in its own line, read below.
    if (response.status === 401) throw new AuthError(token ? 'wrong' : 'missing')
    const body: unknown = await response.json().catch(() => null)
    if (isEnvelope(body)) return unwrap(body)
    throw new Error(`the server answered ${response.status} ${response.statusText}`.trim())
  }
  const call = async <M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutputs[M]> =>
    (await post(method, input)) as ApiOutputs[M]

  const listeners = new Set<(event: SweepEvent) => void>()
  let source: EventSource | null = null
  let retry: ReturnType<typeof setTimeout> | null = null
  let attempt = 0

  const connect = (): void => {
    const query = token ? `?token=${encodeURIComponent(token)}` : ''
    const es = new EventSource(`${base}/api/events${query}`)
    source = es
    es.onopen = () => {
      attempt = 0
    }
    es.onmessage = (message: MessageEvent<string>) => {
      const event = parseSweepEvent(message.data)
      if (event) for (const l of listeners) l(event)
    }
    es.onerror = () => {
      // EventSource retries by itself while CONNECTING; once CLOSED (server restarted, bad answer) we retry.
      if (es.readyState !== EventSource.CLOSED || source !== es) return
      source = null
      retry = setTimeout(() => {
        retry = null
        if (listeners.size > 0) connect()
      }, backoffMs(attempt++))
    }
  }

  const disconnect = (): void => {
    source?.close()
    source = null
    if (retry) clearTimeout(retry)
    retry = null
  }

  return {
    ...apiFromCall(call),
    kind: 'browser',
    onEvent(listener) {
      listeners.add(listener)
      if (!source && !retry) connect()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) disconnect()
      }
    },
    save: async (file) => download(file),
    async saveExport(input) {
      // The server checks the runs and names the file now; the download follows the link it answers with.
      const link = (await post('export-link', input)) as ExportLink
      downloadLink(`${base}${link.url}`, link.fileName)
      return { saved: true, fileName: link.fileName }
    },
    onMenu: () => () => {},
  }
}

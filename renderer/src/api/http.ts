// The browser-mode transport: POST /api/<method> with the bearer token, events streamed from GET /api/events, saves
// as downloads (exports through a one-time link to the file the server writes as it goes).
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
import { parseSweepEvent, reopensAfter, takeEvents } from './events'
import { apiFromCall, unwrap } from './methods'
import { reloadOnNewToken, takeToken } from './token'

const isEnvelope = (v: unknown): v is Envelope<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { ok?: unknown }).ok === 'boolean'

/** Reconnect delays after the stream ends: quick at first, then at most every 15 s. */
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
  /** The open stream's fetch, to abort when the last listener leaves. */
  let stream: AbortController | null = null
  let retry: ReturnType<typeof setTimeout> | null = null
  let attempt = 0
  /** The server refused the stream (reopensAfter): no listener that comes later asks again either. */
  let refused = false

  /**
   * Reads the event stream until it ends: the status it was refused with, or null where no answer came or the
   * open stream ended. A fetch, not an EventSource: an EventSource does not say why it closed, so a 401 read as a
   * server gone, and a refused token was asked for again every 15 s for as long as the page stayed open.
   */
  const follow = async (signal: AbortSignal): Promise<number | null> => {
    try {
      const response = await fetch(`${base}/api/events`, {
        headers: { Accept: 'text/event-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        cache: 'no-store',
        signal,
      })
      if (!response.ok || !response.body) {
        void response.body?.cancel().catch(() => {})
        return response.status
      }
      attempt = 0
      const reader = response.body.getReader()
      const decoder = new TextDecoder()
      let rest = ''
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return null
        const taken = takeEvents(rest + decoder.decode(value, { stream: true }))
        for (const data of taken.data) {
          const event = parseSweepEvent(data)
          if (event) for (const l of listeners) l(event)
        }
        if (taken.rest === null) {
          void reader.cancel().catch(() => {})
          return null
        }
        rest = taken.rest
      }
    } catch {
      return null // no answer (the server is down or restarting), or the stream broke off
    }
  }

  const connect = (): void => {
    const opened = new AbortController()
    stream = opened
    void follow(opened.signal).then((status) => {
      if (opened.signal.aborted) return // the last listener left
      stream = null
      refused = !reopensAfter(status)
      if (refused) return
      retry = setTimeout(() => {
        retry = null
        if (listeners.size > 0) connect()
      }, backoffMs(attempt++))
    })
  }

  const disconnect = (): void => {
    stream?.abort()
    stream = null
    if (retry) clearTimeout(retry)
    retry = null
  }

  return {
    ...apiFromCall(call),
    kind: 'browser',
    onEvent(listener) {
      listeners.add(listener)
      if (!stream && !retry && !refused) connect()
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

// The event stream's text read into SweepEvents, and whether a stream that ended is opened again. Pure.
import { isSweepEvent, type SweepEvent } from '../../../common/contract'

export function parseSweepEvent(data: string): SweepEvent | null {
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    return null
  }
  return isSweepEvent(value) ? value : null
}

/** The server's events are a progress line or a run's summary: kilobytes. An unended event past this is refused. */
export const MAX_PENDING_EVENT_CHARS = 1 << 20

/**
 * The data of every whole event in the stream's text so far, and the text of the one not ended yet (null when it
 * has grown past `maxPending`). An event ends
 * at a blank line; its `data:` lines are joined by newlines, and comments (": keep-alive") and other fields are
 * skipped: the server sends nothing else. Lines end in \n or \r\n (a lone \r, which the format allows too, is not
 * read as an end: the server never writes one).
 */
export function takeEvents(
  text: string,
  maxPending = MAX_PENDING_EVENT_CHARS,
): { data: string[]; rest: string | null } {
  const blocks = text.replace(/\r\n/g, '\n').split('\n\n')
  const pending = blocks.pop() ?? ''
  // An event longer than any the server sends: the stream is broken (or not ours); it is not read on.
  const rest = pending.length > maxPending ? null : pending
  const data: string[] = []
  for (const block of blocks) {
    const lines = block
      .split('\n')
      .filter((line) => line === 'data' || line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
    if (lines.length > 0) data.push(lines.join('\n'))
  }
  return { data, rest }
}

/**
 * Whether the event stream is opened again once it ended, from the status it was refused with, or null where
 * no answer came or the open stream ended (the server stopped, restarting or gone: it may come back). A refused
 * token (401), or a Host or Origin the server does not serve (403), never becomes good: each start of `amdahl
 * serve` makes a new token, and a new address reloads the page. Anything else (a 5xx of a server busy starting)
 * is tried again.
 */
export function reopensAfter(status: number | null): boolean {
  return status !== 401 && status !== 403
}

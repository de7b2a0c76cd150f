// The events mode's watch on its driver: gone when our input ends, or when a driver that sends heartbeats
// (common/remote-events.ts) falls silent, which is all a link that died without a word ever shows.
import { HEARTBEAT_LINE, HEARTBEAT_SILENCE_MS } from '../../common/remote-events'

/** How the driver went: it closed our input, or its heartbeats stopped coming. */
export type DriverGone = 'closed' | 'silent'

/**
 * How long a sweep cancelled on a silent driver has to end (its partial run sent into what is most likely a
 * dead link) before the process ends itself: a write that never drains or a cancel that hangs must not keep
 * it alive. With HEARTBEAT_SILENCE_MS, the remote is gone at most this much later than the last heartbeat it
 * read.
 */
export const SILENT_DRIVER_EXIT_MS = 5_000

const MARK = HEARTBEAT_LINE.trim()

/**
 * Calls `onGone` once: 'closed' when `input` ends or closes, 'silent' when, after a heartbeat was read,
 * nothing at all came for `silenceMs`. Until the first heartbeat, no silence counts (a driver that never
 * sends one is never held to them); after it, any byte is the driver alive. The bytes themselves mean
 * nothing. Returns the stop.
 */
export function watchDriver(
  input: NodeJS.ReadableStream,
  onGone: (how: DriverGone) => void,
  silenceMs: number = HEARTBEAT_SILENCE_MS,
): () => void {
  let gone = false
  let timer: NodeJS.Timeout | null = null
  /** The end of what was read before the first heartbeat: the mark may arrive split across two reads. */
  let seen: string | null = ''
  const stop = () => {
    if (timer) clearTimeout(timer)
    timer = null
    input.off('data', onData)
    input.off('end', onClosed)
    input.off('close', onClosed)
  }
  const end = (how: DriverGone) => {
    if (gone) return
    gone = true
    stop()
    onGone(how)
  }
  const onClosed = () => end('closed')
  function onData(chunk: Buffer | string) {
    if (seen !== null) {
      const text = seen + chunk.toString()
      if (!text.includes(MARK)) {
        seen = text.slice(-MARK.length)
        return
      }
      seen = null
    }
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => end('silent'), silenceMs)
  }
  input.on('data', onData)
  input.on('end', onClosed)
  input.on('close', onClosed)
  return stop
}

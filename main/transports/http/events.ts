// Server-Sent Events: streams every SweepEvent to connected browsers, with keep-alive comments.
import type { ServerResponse } from 'node:http'
import type { SweepEvent } from '../../../common/contract'

export type Subscribe = (listener: (event: SweepEvent) => void) => () => void

export const KEEP_ALIVE_MS = 15_000

/** One `data:` frame; JSON.stringify never emits a raw newline, so one line is always enough. */
export function sseFrame(event: SweepEvent): string {
  return `data: ${JSON.stringify(event)}\n\n`
}

export class EventStreams {
  private readonly open = new Set<ServerResponse>()

  constructor(
    private readonly subscribe: Subscribe,
    private readonly keepAliveMs = KEEP_ALIVE_MS,
  ) {}

  attach(res: ServerResponse, headers: Record<string, string>): void {
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    })
    // A first comment makes the browser fire `open` right away instead of at the first event.
    res.write(': connected\n\n')
    this.open.add(res)
    const unsubscribe = this.subscribe((event) => res.write(sseFrame(event)))
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), this.keepAliveMs)
    keepAlive.unref()
    res.on('close', () => {
      clearInterval(keepAlive)
      unsubscribe()
      this.open.delete(res)
    })
  }

  get size(): number {
    return this.open.size
  }

  closeAll(): void {
    for (const res of this.open) res.end()
  }
}

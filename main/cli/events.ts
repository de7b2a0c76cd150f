// `amdahl sweep --events jsonl`: the sweep's events as JSON lines on stdout (see common/remote-events.ts), for a
// program that drives the CLI, such as a sweep on a remote target over SSH.
import { EVENTS_PROTOCOL, eventLine } from '../../common/remote-events'
import type { Progress, Run } from '../../common/contract'
import { UsageError } from './errors'
import type { Output } from './io'
import { VERSION } from './version'

export const EVENT_FORMATS = ['jsonl'] as const

export function checkEventsFlag(value: string | undefined): boolean {
  if (value === undefined) return false
  if (!(EVENT_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(
      `--events: must be ${EVENT_FORMATS.join(' or ')}, not ${JSON.stringify(value.slice(0, 40))}`,
    )
  }
  return true
}

export class EventsWriter {
  constructor(private readonly out: Output) {}
  hello(): void {
    this.out.write(eventLine({ type: 'hello', amdahl: VERSION, protocol: EVENTS_PROTOCOL }))
  }
  progress(progress: Progress): void {
    this.out.write(eventLine({ type: 'progress', progress }))
  }
  run(run: Run): void {
    this.out.write(eventLine({ type: 'run', run }))
  }
}

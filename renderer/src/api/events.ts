// Parses one server-sent event into a SweepEvent, refusing anything that is not shaped like one.
import type { SweepEvent } from '../../../main/contract'

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/** The stream crosses a boundary: check the fields the UI reads before trusting the rest. */
export function parseSweepEvent(data: string): SweepEvent | null {
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    return null
  }
  if (!isObject(value)) return null
  switch (value.type) {
    case 'progress': {
      const p = value.progress
      return isObject(p) &&
        typeof p.runId === 'string' &&
        typeof p.cellsDone === 'number' &&
        typeof p.cellsTotal === 'number'
        ? (value as SweepEvent)
        : null
    }
    case 'finished':
      return isObject(value.run) && typeof value.run.id === 'string' ? (value as SweepEvent) : null
    case 'failed':
      return typeof value.runId === 'string' && typeof value.error === 'string' ? (value as SweepEvent) : null
    default:
      return null
  }
}

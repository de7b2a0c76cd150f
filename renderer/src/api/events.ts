// Parses one server-sent event into a SweepEvent, refusing anything that is not shaped like one.
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

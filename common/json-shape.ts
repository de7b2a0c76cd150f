// Cheap size checks that run before any schema does: a crafted import is refused in one pass, without building it.
// Pure: the HTTP body reader, the CLI and the page (before it sends a file) scan the bytes; the importer walks a
// parsed value.
import { MAX_CELLS, MAX_EXPORTED_RUNS, MAX_SAMPLES } from './contract'

export interface ShapeLimits {
  /** Nesting depth of arrays and objects; a run export nests 7 deep. */
  maxDepth: number
  /** Items in any one list: the largest list a real run holds (cells, samples, runs per export). */
  maxItems: number
  /** Values in the whole document (array items and object members). */
  maxValues: number
}

/**
 * Limits for anything imported. maxValues: 8 million numbers take more than MAX_IMPORT_BYTES as real JSON (a
 * measured time is ~18 characters), so a document with more is not an Amdahl export.
 */
export const IMPORT_LIMITS: ShapeLimits = {
  maxDepth: 12,
  maxItems: Math.max(MAX_CELLS, MAX_SAMPLES, MAX_EXPORTED_RUNS),
  maxValues: 8_000_000,
}

/**
 * Limits for an API request's body, which wraps its input in one object member ({"run": …}): one level deeper
 * and one value more than the import it carries, so a file is judged by the importer as the CLI judges it.
 */
export const BODY_LIMITS: ShapeLimits = {
  ...IMPORT_LIMITS,
  maxDepth: IMPORT_LIMITS.maxDepth + 1,
  maxValues: IMPORT_LIMITS.maxValues + 1,
}

const tooDeep = (limits: ShapeLimits) =>
  `is nested deeper than ${limits.maxDepth} levels, which no Amdahl run is`
/** Worded to follow "it": "…is not an Amdahl export: it has a list of more than 10000 items, …". */
const tooLong = (limits: ShapeLimits, where: string | null) =>
  `has a list${where ? ` (${where})` : ''} of more than ${limits.maxItems} items, more than any Amdahl run has`
const tooMany = (limits: ShapeLimits) =>
  `holds more than ${limits.maxValues} values, more than any Amdahl export has`

/** The line every importer says of a file a scan refused: "runs.json is not an Amdahl export: it has a list …". */
export const notAnExport = (source: string, issue: string): string =>
  `${source} is not an Amdahl export: it ${issue}`

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d

/**
 * One pass over JSON bytes before JSON.parse: null when within the limits, else one line saying which limit.
 * It counts commas per open array and brackets, nothing else; malformed JSON is left for JSON.parse to refuse.
 */
export function scanJsonBytes(bytes: Uint8Array, limits: ShapeLimits = IMPORT_LIMITS): string | null {
  // Per open container: commas seen so far, or -1 for an object (whose members only count towards maxValues).
  const commas: number[] = []
  let values = 0
  let inString = false
  let escaped = false
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]
    if (inString) {
      if (escaped) escaped = false
      else if (c === BACKSLASH) escaped = true
      else if (c === QUOTE) inString = false
      continue
    }
    if (c === QUOTE) inString = true
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      commas.push(c === OPEN_ARRAY ? 0 : -1)
      if (commas.length > limits.maxDepth) return tooDeep(limits)
      if (++values > limits.maxValues) return tooMany(limits)
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) commas.pop()
    else if (c === COMMA) {
      const top = commas.length - 1
      if (top >= 0 && commas[top] >= 0 && ++commas[top] >= limits.maxItems) return tooLong(limits, null)
      if (++values > limits.maxValues) return tooMany(limits)
    }
  }
  return null
}

const isContainer = (v: unknown): v is object => typeof v === 'object' && v !== null

/** One open container of the walk: its children are visited by index, so nothing is allocated per value. */
interface Frame {
  value: object
  /** Own keys of an object; null for an array. */
  keys: string[] | null
  next: number
}

const childOf = (frame: Frame, i: number): unknown =>
  frame.keys === null
    ? (frame.value as unknown[])[i]
    : (frame.value as Record<string, unknown>)[frame.keys[i]]

/** `runs[3].cells`: where the walk is, for the error line. */
function pathOf(frames: Frame[]): string {
  let path = ''
  for (const frame of frames.slice(0, -1)) {
    const i = frame.next - 1
    path += frame.keys === null ? `[${i}]` : path ? `.${frame.keys[i]}` : frame.keys[i]
  }
  return path
}

/**
 * The same limits over a parsed value (what IPC hands over): an iterative depth-first walk holding one frame per
 * level, so a deep value cannot overflow the stack and a wide one costs no memory; it stops at the first limit
 * passed and names the list that is too long.
 */
export function checkShape(value: unknown, limits: ShapeLimits = IMPORT_LIMITS): string | null {
  if (!isContainer(value)) return null
  const frames: Frame[] = []
  let values = 0
  const open = (container: object): string | null => {
    if (frames.length >= limits.maxDepth) return tooDeep(limits)
    const isArray = Array.isArray(container)
    const frame: Frame = { value: container, keys: isArray ? null : Object.keys(container), next: 0 }
    frames.push(frame)
    const count = isArray ? container.length : (frame.keys as string[]).length
    if (isArray && count > limits.maxItems) {
      const path = pathOf(frames)
      return tooLong(limits, path || null)
    }
    values += count
    return values > limits.maxValues ? tooMany(limits) : null
  }
  const first = open(value)
  if (first !== null) return first
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]
    const size = frame.keys === null ? (frame.value as unknown[]).length : frame.keys.length
    if (frame.next >= size) {
      frames.pop()
      continue
    }
    const child = childOf(frame, frame.next++)
    if (isContainer(child)) {
      const problem = open(child)
      if (problem !== null) return problem
    }
  }
  return null
}

// Named timing samples (ms) gathered from our measurements and the anchors' `RESULT name ms` lines.
import { median } from '../../common/stats'

export type Samples = Map<string, number[]>

export function addSample(book: Samples, name: string, ms: number): void {
  const list = book.get(name)
  if (list) list.push(ms)
  else book.set(name, [ms])
}

export function mergeSamples(into: Samples, from: Samples): void {
  for (const [name, values] of from) for (const v of values) addSample(into, name, v)
}

/** Anchors print `RESULT <name> <ms> [more…]`; everything else (comments, sums) is ignored. */
export function parseResultLines(text: string): Samples {
  const book: Samples = new Map()
  for (const line of text.split('\n')) {
    const m = /^RESULT\s+(\S+)\s+([0-9.eE+-]+)/.exec(line.trim())
    if (m && Number.isFinite(Number(m[2]))) addSample(book, m[1], Number(m[2]))
  }
  return book
}

export interface Spread {
  median: number
  min: number
  max: number
  count: number
}

export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), count: values.length }
}

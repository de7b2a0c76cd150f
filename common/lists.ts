// The list syntax of sizes, pools and chunk rows, shared by the CLI flags and the app's form (pure, no imports):
// "100, 1e4", ranges "1..8" or "1-8", ranges with steps "1000..8000:1000", powers "10^3", and "auto".

/** Most values one list may expand to; a typo like "1..100000" must not build a list of 100 000 values. */
export const MAX_LIST_VALUES = 256

export type ListValue = number | 'auto'
export type ListParse = { ok: true; values: ListValue[] } | { ok: false; error: string }

/** A plain number as a person types it: 100, 2.5, 1e4, -3 (the schema then says what is out of range). */
const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)(e\+?\d+)?$/i
const RANGE = /^(\S+?)\s*(?:\.\.|–|(?<=\d)-)\s*([^:\s]+)(?::(\S+))?$/
const POWER = /^(\d+)\^(\d+)$/

function number(text: string): number | null {
  if (NUMBER.test(text)) return Number(text)
  const power = POWER.exec(text)
  return power ? Number(power[1]) ** Number(power[2]) : null
}

/** Values a range from..to:step holds, without building it: how big a list would get is known first. */
function rangeLength(from: number, to: number, step: number): number {
  return Math.floor((to - from) / step + 1e-9) + 1
}

/**
 * Parses list text: items split on commas, semicolons or white space. Each item is a number, a power 10^k,
 * `auto` (when allowed), or a range `a..b` (also `a-b`, `a–b`) with an optional step `a..b:s` (default 1).
 * Answers the values in the order given, or one line saying which item is wrong.
 */
export function parseListText(text: string, options: { allowAuto?: boolean } = {}): ListParse {
  const values: ListValue[] = []
  // "1000 .. 8000 : 1000" is one range: spaces around the range marks are dropped before splitting.
  const items = text
    .replace(/\s*(\.\.|–|:)\s*/g, '$1')
    .replace(/(?<=\d)\s+-\s*(?=\d)|(?<=\d)\s*-\s+(?=\d)/g, '-')
    .split(/[\s,;]+/)
    .filter(Boolean)
  if (items.length === 0) return { ok: false, error: 'give at least one value' }
  for (const item of items) {
    if (item.toLowerCase() === 'auto') {
      if (!options.allowAuto) return { ok: false, error: `"auto" is not allowed here: give numbers` }
      values.push('auto')
      continue
    }
    const single = number(item)
    // 1e400 reads as Infinity: named as typed here, not as "Infinity" by whoever checks the value next.
    if (single !== null && !Number.isFinite(single)) return { ok: false, error: `"${item}" is too large` }
    if (single !== null) {
      values.push(single)
      continue
    }
    const range = RANGE.exec(item)
    if (range === null)
      return { ok: false, error: `"${item}" is not a number or a range like 1000..8000:1000` }
    const from = number(range[1])
    const to = number(range[2])
    const step = range[3] === undefined ? 1 : number(range[3])
    if (from === null || to === null || step === null) {
      return { ok: false, error: `"${item}": a range is from..to or from..to:step, each a number` }
    }
    if (![from, to, step].every(Number.isFinite))
      return { ok: false, error: `"${item}": a number in it is too large` }
    if (!(step > 0)) return { ok: false, error: `"${item}": the step must be above 0` }
    if (to < from) return { ok: false, error: `"${item}": a range goes up (write ${range[2]}..${range[1]})` }
    const length = rangeLength(from, to, step)
    if (values.length + length > MAX_LIST_VALUES) {
      return {
        ok: false,
        error: `"${item}" gives ${length} values; a list holds at most ${MAX_LIST_VALUES} (use a step, e.g. ${range[1]}..${range[2]}:${niceStep(from, to)})`,
      }
    }
    // Multiplying rather than adding keeps 0.1-steps from drifting (0.30000000000000004).
    for (let i = 0; i < length; i++) values.push(Number((from + i * step).toPrecision(12)))
  }
  if (values.length > MAX_LIST_VALUES) {
    return { ok: false, error: `${values.length} values; a list holds at most ${MAX_LIST_VALUES}` }
  }
  return { ok: true, values }
}

/** A round step that splits from..to into about 8 values, for the suggestion in the limit message. */
function niceStep(from: number, to: number): number {
  const raw = (to - from) / 8
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const nice = [1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10
  return nice * magnitude
}

/**
 * Pool sizes worth measuring on a machine, the same for the CLI and the app: every count up to the cores on small
 * machines, powers of two plus the core count on big ones (the contract allows at most 16 pool sizes).
 */
export function defaultPools(logicalCores: number): number[] {
  const cores = Math.max(1, Math.floor(logicalCores))
  if (cores <= 8) return Array.from({ length: cores }, (_, i) => i + 1)
  const pools = new Set<number>()
  for (let p = 1; p < cores && pools.size < 15; p *= 2) pools.add(p)
  pools.add(cores)
  return [...pools].sort((a, b) => a - b)
}

// Pure parsing of the form's list fields ("1, 10, 100", "1-4", "10^3", "auto") into values the contract validates.

/** Ranges longer than this are left unexpanded, so a typo like "1-100000" cannot freeze the page. */
const MAX_RANGE = 256

/**
 * Split list text on commas and white space. Numbers become numbers, "a-b" ranges expand, "10^k" is a power;
 * anything else stays a string so the contract's schema rejects it with its own message.
 */
export function parseList(text: string): (number | string)[] {
  const out: (number | string)[] = []
  for (const token of text.split(/[\s,;]+/).filter(Boolean)) {
    const range = /^(\d+)\s*(?:-|–|\.\.)\s*(\d+)$/.exec(token)
    if (range) {
      const lo = Number(range[1])
      const hi = Number(range[2])
      if (hi >= lo && hi - lo < MAX_RANGE) {
        for (let v = lo; v <= hi; v++) out.push(v)
        continue
      }
    }
    const power = /^(\d+)\^(\d+)$/.exec(token)
    if (power) {
      out.push(Number(power[1]) ** Number(power[2]))
      continue
    }
    const n = Number(token)
    out.push(token !== '' && Number.isFinite(n) ? n : token.toLowerCase() === 'auto' ? 'auto' : token)
  }
  return out
}

export function formatList(values: readonly (number | string)[]): string {
  return values.join(', ')
}

/**
 * Pool sizes worth measuring on a machine: every count up to the cores on small machines, powers of two plus
 * the core count on big ones (the contract allows at most 16 pool sizes).
 */
export function defaultPools(logicalCores: number): number[] {
  const cores = Math.max(1, Math.floor(logicalCores))
  if (cores <= 8) return Array.from({ length: cores }, (_, i) => i + 1)
  const pools = new Set<number>()
  for (let p = 1; p < cores && pools.size < 15; p *= 2) pools.add(p)
  pools.add(cores)
  return [...pools].sort((a, b) => a - b)
}

// Summary statistics of timing samples, the Amdahl fit and the Karp–Flatt metric (pure functions).
import type { AmdahlFit, Stats } from './contract'

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN
  let total = 0
  for (const x of xs) total += x
  return total / xs.length
}

/** Sample standard deviation (n − 1); 0 for a single sample. */
export function stddev(xs: readonly number[]): number {
  if (xs.length < 2) return 0
  const m = mean(xs)
  let ss = 0
  for (const x of xs) ss += (x - m) * (x - m)
  return Math.sqrt(ss / (xs.length - 1))
}

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
]

/** t such that mean ± t·s/√n is a 95% confidence interval, for df degrees of freedom. */
export function tQuantile95(df: number): number {
  if (df < 1) return NaN
  if (df <= 30) return T975[df - 1]
  if (df <= 40) return 2.021
  if (df <= 60) return 2.0
  if (df <= 120) return 1.98
  return 1.96
}

/**
 * Indices of outliers by the modified Z-score 0.6745·(x − median)/MAD, |z| > 3.5 (Iglewicz & Hoaglin, as in
 * hyperfine). When the MAD is 0 (more than half the samples equal) the score is undefined; following Iglewicz &
 * Hoaglin we then scale by the mean absolute deviation instead (z = (x − median)/(1.253314·MeanAD)), so one
 * stray sample among identical ones is still caught. All samples equal → no outliers.
 */
export function outliers(xs: readonly number[]): number[] {
  if (xs.length < 3) return []
  const med = median(xs)
  const deviations = xs.map((x) => Math.abs(x - med))
  const mad = median(deviations)
  let scale: number
  if (mad > 0) scale = mad / 0.6745
  else {
    const meanAd = mean(deviations)
    if (meanAd === 0) return []
    scale = 1.253314 * meanAd
  }
  const found: number[] = []
  xs.forEach((x, i) => {
    if (Math.abs(x - med) / scale > 3.5) found.push(i)
  })
  return found
}

/** Above this relative half-width of the 95% interval a median is not to be trusted. */
export const NOISY_REL_SPREAD = 0.1

export function summarize(xs: readonly number[]): Stats {
  const n = xs.length
  const med = median(xs)
  const m = mean(xs)
  const sd = stddev(xs)
  // One sample has no spread to estimate: the interval collapses to the value rather than inventing one.
  const half = n >= 2 ? (tQuantile95(n - 1) * sd) / Math.sqrt(n) : 0
  const relSpread = med > 0 ? half / med : 0
  const out = outliers(xs)
  return {
    median: med,
    mean: m,
    min: Math.min(...xs),
    max: Math.max(...xs),
    stddev: sd,
    ci95Low: m - half,
    ci95High: m + half,
    relSpread,
    outliers: out,
    noisy: relSpread > NOISY_REL_SPREAD || out.length > 0,
  }
}

/** A confidence interval. */
export interface Interval {
  low: number
  high: number
}

/** The confidence every interval aims for. */
export const CONFIDENCE = 0.95

/**
 * Ranks (1-based) l and u = n − l + 1 of the order statistics that bound the median with at least `level`
 * confidence, and the confidence they really reach. The count of samples below the true median is
 * Binomial(n, ½), so [x₍ₗ₎, x₍ᵤ₎] covers it with probability 1 − 2·P(B ≤ l − 1) whatever the distribution
 * (Hahn & Meeker, ch. 5). We take the largest l (the narrowest interval) that reaches the level; below n = 6
 * even [min, max] cannot reach 95%, and that interval is returned with the confidence it has (n = 5: 93.75%,
 * n = 1: 0%), never a wider invented one.
 */
export function medianRanks(n: number, level = CONFIDENCE): { lowRank: number; highRank: number; level: number } {
  if (n < 1) return { lowRank: 0, highRank: 0, level: 0 }
  if (n === 1) return { lowRank: 1, highRank: 1, level: 0 }
  // pmf of Binomial(n, ½) in log space: 0.5ⁿ underflows past n ≈ 1074.
  let logPmf = -n * Math.LN2 // log P(B = l − 1), starting at l = 1
  let below = 0
  let best = { lowRank: 1, highRank: n, level: 0 }
  for (let l = 1; 2 * l <= n + 1; l++) {
    below += Math.exp(logPmf) // P(B ≤ l − 1)
    const coverage = 1 - 2 * below
    // [min, max] is kept even when it falls short: it is the best the samples allow, with its true confidence.
    if (l === 1 || coverage >= level) best = { lowRank: l, highRank: n - l + 1, level: coverage }
    if (coverage < level) break
    logPmf += Math.log((n - l + 1) / l)
  }
  return best
}

/** The median's distribution-free interval: two of the samples themselves, so it never leaves their range. */
export function medianInterval(xs: readonly number[], level = CONFIDENCE): Interval & { level: number } {
  if (xs.length === 0) return { low: NaN, high: NaN, level: 0 }
  const s = [...xs].sort((a, b) => a - b)
  const r = medianRanks(s.length, level)
  return { low: s[r.lowRank - 1], high: s[r.highRank - 1], level: r.level }
}

/** The larger side of an interval around the median, relative to it: "within ±5%" means both sides are. */
export function relativeHalfWidth(med: number, ci: Interval): number {
  if (!(med > 0)) return 0
  return Math.max(med - ci.low, ci.high - med) / med
}

/** mulberry32: a small seeded generator; the same seed gives the same bootstrap on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A 32-bit seed mixed from whole numbers (the run seed and a cell's coordinates); order matters. */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5
  for (const part of parts) {
    let x = Math.trunc(part) >>> 0
    for (let i = 0; i < 4; i++) {
      h ^= x & 0xff
      h = Math.imul(h, 0x01000193) >>> 0
      x >>>= 8
    }
  }
  return h >>> 0
}

/** Karp–Flatt experimentally determined serial fraction e = (1/S − 1/p)/(1 − 1/p); null for p ≤ 1. */
export function karpFlatt(speedup: number, pool: number): number | null {
  if (pool <= 1 || !(speedup > 0)) return null
  return (1 / speedup - 1 / pool) / (1 - 1 / pool)
}

/** Amdahl's law: the speedup on p workers of a job whose serial fraction is f. */
export function amdahlSpeedup(f: number, p: number): number {
  return 1 / (f + (1 - f) / p)
}

/**
 * Least-squares serial fraction f of 1/S = f + (1 − f)/p: with x = 1 − 1/p and y = 1/S − 1/p this is the
 * line y = f·x through the origin, so f = Σxy / Σx², clamped to [0, 1]. Points with p ≤ 1 carry no
 * information (x = 0) and are ignored. Returns null when no point is left.
 */
export function fitAmdahl(n: number, points: readonly { pool: number; speedup: number }[]): AmdahlFit | null {
  const usable = points.filter((pt) => pt.pool > 1 && pt.speedup > 0 && Number.isFinite(pt.speedup))
  if (usable.length === 0) return null
  let sxy = 0
  let sxx = 0
  for (const { pool, speedup } of usable) {
    const x = 1 - 1 / pool
    const y = 1 / speedup - 1 / pool
    sxy += x * y
    sxx += x * x
  }
  const f = Math.min(1, Math.max(0, sxy / sxx))
  let se = 0
  for (const { pool, speedup } of usable) se += (amdahlSpeedup(f, pool) - speedup) ** 2
  return { n, serialFraction: f, rmse: Math.sqrt(se / usable.length), points: usable.length }
}

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

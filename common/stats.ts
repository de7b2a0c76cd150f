// Statistics of timing samples (pure): the median and its distribution-free interval, seeded bootstrap of ratios
// of medians, Karp–Flatt and the Amdahl fit. No assumption of normality anywhere: timings are skewed.
import type { Stats } from './contract'

export interface Interval {
  low: number
  high: number
}

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

/** Sample standard deviation (n − 1); 0 for a single sample. Descriptive only: no interval is built on it. */
export function stddev(xs: readonly number[]): number {
  if (xs.length < 2) return 0
  const m = mean(xs)
  let ss = 0
  for (const x of xs) ss += (x - m) * (x - m)
  return Math.sqrt(ss / (xs.length - 1))
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
export function medianRanks(
  n: number,
  level = CONFIDENCE,
): { lowRank: number; highRank: number; level: number } {
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

/** Summary of one cell's samples: the median with its order-statistic interval, plus descriptive figures. */
export function summarize(xs: readonly number[]): Stats {
  const med = median(xs)
  const ci = medianInterval(xs)
  return {
    median: med,
    mean: mean(xs),
    min: Math.min(...xs),
    max: Math.max(...xs),
    stddev: stddev(xs),
    ci95Low: ci.low,
    ci95High: ci.high,
    ciLevel: ci.level,
    relSpread: relativeHalfWidth(med, ci),
    outliers: outliers(xs),
  }
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

/** How many times the bootstrap resamples: enough for stable 2.5% / 97.5% percentiles (criterion uses 100 000). */
export const RESAMPLES = 2000

/**
 * Medians of `resamples` bootstrap resamples of xs (drawn with replacement, n each). A resample's median is an
 * order statistic of the sorted sample, found by counting drawn ranks (O(n) per resample, no sort).
 */
export function bootstrapMedians(xs: readonly number[], seed: number, resamples = RESAMPLES): Float64Array {
  const n = xs.length
  const out = new Float64Array(resamples)
  if (n === 0) return out.fill(NaN)
  const s = [...xs].sort((a, b) => a - b)
  const rand = mulberry32(seed)
  const counts = new Uint32Array(n)
  for (let b = 0; b < resamples; b++) {
    counts.fill(0)
    for (let i = 0; i < n; i++) counts[Math.floor(rand() * n)]++
    out[b] = medianOfCounts(s, counts, n)
  }
  return out
}

/**
 * The median of a resample given as how many times each of the sorted values was drawn (`drawn` in all): the
 * middle value, or the mean of the two middle ones, found by walking the counts; no sort.
 */
export function medianOfCounts(sorted: ArrayLike<number>, counts: Uint32Array, drawn: number): number {
  const lowK = (drawn - 1) >> 1 // 0-based ranks of the middle value(s)
  const highK = drawn >> 1
  let seen = 0
  let low = NaN
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]
    if (Number.isNaN(low) && seen > lowK) low = sorted[i]
    if (seen > highK) return (low + sorted[i]) / 2
  }
  return NaN
}

/**
 * The confidence an interval over k processes can claim, as the medians of k processes bound it: the chance that
 * the middle of their distribution lies between the lowest and the highest of k of them, 1 − 2^(1−k) (2 processes:
 * 50%, 3: 75%, 4: 87.5%, 5: 93.75%), and at most 95%. A bootstrap over 2 or 3 processes cannot claim more than
 * the range of their medians holds, as a bootstrap over 2 or 3 samples cannot (ratioLevel, common/cell-text).
 */
export function processesLevel(k: number): number {
  return Math.min(CONFIDENCE, 1 - 2 ** (1 - k))
}

/**
 * Samples split into their processes by counts (Cell.processSamples); null unless the counts are two or more and
 * add up to the samples, so a grouping that does not fit is never half used.
 */
export function processGroups(
  xs: readonly number[],
  counts: readonly number[] | undefined,
): number[][] | null {
  if (!counts || counts.length < 2) return null
  if (counts.reduce((a, b) => a + b, 0) !== xs.length) return null
  const groups: number[][] = []
  let at = 0
  for (const count of counts) {
    if (count > 0) groups.push(xs.slice(at, at + count))
    at += count
  }
  return groups.length >= 2 ? groups : null
}

/**
 * Medians of a two-level bootstrap over samples taken in several processes: each resample draws as many processes
 * as there are, with replacement, then each drawn process's samples with replacement, and takes the median of
 * them all. The first level carries the spread between processes (a process that ran faster throughout), which
 * resampling the pooled samples would average away (Davison & Hinkley 1997, §3.8, resampling the clusters, then
 * within them). Like bootstrapMedians it counts drawn ranks of the pooled, sorted samples: O(samples) each.
 */
export function groupedBootstrapMedians(
  groups: readonly (readonly number[])[],
  seed: number,
  resamples = RESAMPLES,
): Float64Array {
  const out = new Float64Array(resamples)
  const all = groups.flatMap((g, gi) => g.map((x) => ({ x, gi })))
  if (all.length === 0) return out.fill(NaN)
  all.sort((a, b) => a.x - b.x)
  // Per process, the ranks its samples hold in the pooled order.
  const ranks = groups.map(() => [] as number[])
  all.forEach((e, rank) => ranks[e.gi].push(rank))
  const sorted = all.map((e) => e.x)
  const rand = mulberry32(seed)
  const counts = new Uint32Array(all.length)
  const k = groups.length
  for (let b = 0; b < resamples; b++) {
    counts.fill(0)
    let drawn = 0
    for (let j = 0; j < k; j++) {
      const own = ranks[Math.floor(rand() * k)]
      for (let i = 0; i < own.length; i++) counts[own[Math.floor(rand() * own.length)]]++
      drawn += own.length
    }
    out[b] = medianOfCounts(sorted, counts, drawn)
  }
  return out
}

/** The (1 − level)/2 and (1 + level)/2 percentiles of values (linear between order statistics). */
export function percentileInterval(values: ArrayLike<number>, level = CONFIDENCE): Interval {
  const s = Float64Array.from(values).sort()
  const at = (q: number) => {
    const pos = q * (s.length - 1)
    const i = Math.floor(pos)
    return i + 1 < s.length ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[i]
  }
  return { low: at((1 - level) / 2), high: at((1 + level) / 2) }
}

/**
 * Interval of a ratio of medians (speedup = base median / cell median) by the percentile bootstrap, resampling
 * both sides independently. Chosen over per-round paired ratios because cells may end with different sample
 * counts (adaptive sampling, a cancel) and rounds are shuffled, so there is no natural pairing. The caller
 * passes each side's bootstrap medians (seeded per cell), so the base's resamples are shared by every cell of a
 * size and a refit per resample (the Amdahl f) sees consistent speedups.
 */
export function ratioReplicates(numerator: Float64Array, denominator: Float64Array): Float64Array {
  const out = new Float64Array(numerator.length)
  for (let b = 0; b < out.length; b++) out[b] = numerator[b] / denominator[b]
  return out
}

/** The percentile interval, widened if need be to hold the point estimate (a skewed, tiny sample can miss it). */
export function intervalAround(point: number, replicates: ArrayLike<number>, level = CONFIDENCE): Interval {
  const ci = percentileInterval(replicates, level)
  return { low: Math.min(ci.low, point), high: Math.max(ci.high, point) }
}

/** Karp–Flatt experimentally determined serial fraction e = (1/S − 1/p)/(1 − 1/p); null for p ≤ 1. */
export function karpFlatt(speedup: number, pool: number): number | null {
  if (pool <= 1 || !(speedup > 0)) return null
  return (1 / speedup - 1 / pool) / (1 - 1 / pool)
}

/** e falls as S rises, so the speedup interval maps onto e's interval with its ends swapped. */
export function karpFlattInterval(speedup: Interval, pool: number): Interval | null {
  const low = karpFlatt(speedup.high, pool)
  const high = karpFlatt(speedup.low, pool)
  return low === null || high === null ? null : { low, high }
}

/** Amdahl's law: the speedup on p workers of a job whose serial fraction is f. */
export function amdahlSpeedup(f: number, p: number): number {
  return 1 / (f + (1 - f) / p)
}

/**
 * Least-squares serial fraction f of 1/S = f + (1 − f)/p: with x = 1 − 1/p and y = 1/S − 1/p this is the
 * line y = f·x through the origin, so f = Σxy / Σx², clamped to [0, 1]. Points with p ≤ 1 carry no
 * information (x = 0). Null when no point with p > 1 and a positive speedup is left.
 */
export function serialFraction(points: readonly { pool: number; speedup: number }[]): number | null {
  let sxy = 0
  let sxx = 0
  for (const { pool, speedup } of points) {
    if (pool <= 1 || !(speedup > 0) || !Number.isFinite(speedup)) continue
    const x = 1 - 1 / pool
    sxy += x * (1 / speedup - 1 / pool)
    sxx += x * x
  }
  return sxx > 0 ? Math.min(1, Math.max(0, sxy / sxx)) : null
}

/** Root mean square difference between measured speedups and Amdahl's law with f: the residual a reader can read. */
export function speedupRmse(f: number, points: readonly { pool: number; speedup: number }[]): number {
  if (points.length === 0) return 0
  let se = 0
  for (const { pool, speedup } of points) se += (amdahlSpeedup(f, pool) - speedup) ** 2
  return Math.sqrt(se / points.length)
}

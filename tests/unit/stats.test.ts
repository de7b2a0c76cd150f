// Statistics of samples, bootstrap intervals, Karp–Flatt and the Amdahl fit, on data whose answers are known.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  amdahlSpeedup,
  bootstrapMedians,
  intervalAround,
  karpFlatt,
  karpFlattInterval,
  mean,
  median,
  medianInterval,
  medianRanks,
  mixSeed,
  outliers,
  percentileInterval,
  ratioReplicates,
  serialFraction,
  speedupRmse,
  stddev,
  summarize,
} from '../../common/stats'

const oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]

describe('summary statistics', () => {
  it('gives median 5.5, mean 5.5 and sample standard deviation √(55/6) for 1..10', () => {
    expect(median(oneToTen)).toBe(5.5)
    expect(mean(oneToTen)).toBe(5.5)
    expect(stddev(oneToTen)).toBeCloseTo(Math.sqrt(55 / 6), 12)
  })

  it('takes the middle value of an odd-length sample regardless of order', () => {
    expect(median([9, 1, 5])).toBe(5)
  })
})

describe("the median's order-statistic interval", () => {
  // Hand-checked: B ~ Binomial(10, ½); P(B ≤ 1) = 11/1024, so [x₍₂₎, x₍₉₎] covers the median with
  // 1 − 22/1024 = 97.85%; the next narrower, [x₍₃₎, x₍₈₎], only 1 − 2·56/1024 = 89.06%.
  it('is [x₍₂₎, x₍₉₎] = [2, 9] for 1..10, with confidence 1 − 22/1024', () => {
    const s = summarize([7, 3, 10, 1, 5, 2, 9, 4, 8, 6])
    expect([s.median, s.ci95Low, s.ci95High]).toEqual([5.5, 2, 9])
    expect(s.ciLevel).toBe(1 - 22 / 1024)
    // relSpread is the larger side: 9 − 5.5 = 3.5 over 5.5.
    expect(s.relSpread).toBeCloseTo(3.5 / 5.5, 12)
  })

  it('uses the 6th and 15th of 20 samples (P(B ≤ 5) = 21700/2²⁰) and the 40th and 61st of 100', () => {
    expect(medianRanks(20)).toEqual({ lowRank: 6, highRank: 15, level: 1 - (2 * 21700) / 2 ** 20 })
    const hundred = medianRanks(100)
    expect([hundred.lowRank, hundred.highRank]).toEqual([40, 61])
    expect(hundred.level).toBeCloseTo(0.9648, 4)
  })

  it('falls back to [min, max] with the confidence it really has when 95% cannot be reached (n ≤ 5)', () => {
    expect(medianInterval([3, 1, 4, 1, 5])).toEqual({ low: 1, high: 5, level: 1 - 2 / 32 })
    expect(medianInterval([2, 8])).toEqual({ low: 2, high: 8, level: 0.5 })
    // Six samples are the first to reach 95% with [min, max]: 1 − 2/64.
    expect(medianRanks(6)).toEqual({ lowRank: 1, highRank: 6, level: 1 - 2 / 64 })
  })

  it('collapses to the value for a single sample, with confidence 0 (nothing is known of the spread)', () => {
    const s = summarize([42])
    expect([s.median, s.ci95Low, s.ci95High, s.ciLevel, s.relSpread, s.stddev]).toEqual([42, 42, 42, 0, 0, 0])
  })

  it('stays finite and symmetric for thousands of samples (no 0.5ⁿ underflow)', () => {
    const r = medianRanks(5000)
    expect(r.lowRank + r.highRank).toBe(5001)
    expect(r.level).toBeGreaterThanOrEqual(0.95)
    // Normal approximation: 2500 − 1.96·√5000/2 ≈ 2430.7.
    expect(Math.abs(r.lowRank - 2431)).toBeLessThanOrEqual(1)
  })

  it('never leaves the samples’ range and always holds the median, even with huge outliers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }),
        (xs) => {
          const s = summarize(xs)
          expect(s.ci95Low).toBeGreaterThanOrEqual(s.min)
          expect(s.ci95High).toBeLessThanOrEqual(s.max)
          expect(s.ci95Low).toBeLessThanOrEqual(s.median)
          expect(s.ci95High).toBeGreaterThanOrEqual(s.median)
          expect(s.ci95Low).toBeGreaterThan(0)
        },
      ),
    )
  })
})

describe('outliers (modified Z-score > 3.5)', () => {
  it('flags the 50 in [10, 10, 10, 10, 50]', () => {
    expect(outliers([10, 10, 10, 10, 50])).toEqual([4])
  })

  it('flags a far sample among spread ones by the MAD', () => {
    expect(outliers([10, 11, 9, 10.5, 9.5, 10.2, 30])).toEqual([6])
  })

  it('finds none when every sample is equal, or in evenly spread data', () => {
    expect(outliers([7, 7, 7, 7])).toEqual([])
    expect(outliers(oneToTen)).toEqual([])
  })
})

describe('bootstrap of the median and of a ratio of medians', () => {
  // Resampling [4, 5, 6] three times: the median is 4 when at least two draws are 4,
  // P = 3·(1/3)²·(2/3) + (1/3)³ = 7/27; likewise 6; and 5 with 13/27.
  it('draws resample medians with the probabilities counted by hand (7/27, 13/27, 7/27)', () => {
    const medians = bootstrapMedians([6, 4, 5], 12345, 20000)
    const share = (v: number) => medians.filter((m) => m === v).length / medians.length
    expect(share(4)).toBeCloseTo(7 / 27, 2)
    expect(share(5)).toBeCloseTo(13 / 27, 2)
    expect(share(6)).toBeCloseTo(7 / 27, 2)
  })

  it('averages the two middle draws of an even-sized resample: [1, 2] gives 1, 1.5, 2 at ¼, ½, ¼', () => {
    const medians = bootstrapMedians([2, 1], 7, 20000)
    expect(medians.filter((m) => m === 1.5).length / medians.length).toBeCloseTo(0.5, 2)
    expect(new Set(medians)).toEqual(new Set([1, 1.5, 2]))
  })

  it('gives a speedup interval [10/6, 10/4] for a constant base of 10 ms against [4, 5, 6] ms', () => {
    // Each end value has 26% of the resamples, so the 2.5% and 97.5% percentiles are those values exactly.
    const ratios = ratioReplicates(bootstrapMedians([10, 10, 10], 1), bootstrapMedians([4, 5, 6], 2))
    const ci = intervalAround(2, ratios)
    expect(ci.low).toBeCloseTo(10 / 6, 12)
    expect(ci.high).toBeCloseTo(10 / 4, 12)
  })

  it('repeats itself exactly for a fixed seed and changes with the seed', () => {
    const xs = [3.1, 2.9, 3.4, 3.0, 5.2, 3.3, 2.8]
    expect(Array.from(bootstrapMedians(xs, 99))).toEqual(Array.from(bootstrapMedians(xs, 99)))
    expect(Array.from(bootstrapMedians(xs, 99))).not.toEqual(Array.from(bootstrapMedians(xs, 100)))
    expect(mixSeed(42, 1000, 2)).toBe(mixSeed(42, 1000, 2))
    expect(mixSeed(42, 1000, 2)).not.toBe(mixSeed(42, 2, 1000))
  })

  it('takes the 2.5% and 97.5% percentiles between order statistics (0..1000 gives 25 and 975)', () => {
    const values = Array.from({ length: 1001 }, (_, i) => 1000 - i)
    const ci = percentileInterval(values)
    expect(ci.low).toBeCloseTo(25, 9)
    expect(ci.high).toBeCloseTo(975, 9)
  })

  it('widens a percentile interval that misses its point estimate so it holds it', () => {
    expect(intervalAround(5, [1, 1, 1, 2, 2])).toEqual({ low: 1, high: 5 })
  })
})

describe('Karp–Flatt serial fraction', () => {
  it('is (1/S − 1/p)/(1 − 1/p): S = 3 on 4 workers gives 1/9', () => {
    expect(karpFlatt(3, 4)).toBeCloseTo(1 / 9, 12)
  })

  it('is 0 for perfect speedup and 1 for none', () => {
    expect(karpFlatt(8, 8)).toBeCloseTo(0, 12)
    expect(karpFlatt(1, 8)).toBeCloseTo(1, 12)
  })

  it('is undefined (null) for one worker', () => {
    expect(karpFlatt(1, 1)).toBeNull()
  })

  it('maps the speedup interval [2.5, 3.5] on 4 workers to [e(3.5), e(2.5)] = [1/21, 1/5]', () => {
    const ci = karpFlattInterval({ low: 2.5, high: 3.5 }, 4)
    expect(ci?.low).toBeCloseTo(1 / 21, 12)
    expect(ci?.high).toBeCloseTo(1 / 5, 12)
    expect(karpFlattInterval({ low: 0.9, high: 1.1 }, 1)).toBeNull()
  })
})

describe('Amdahl serial fraction', () => {
  it('recovers f of exact Amdahl speedups with zero residual', () => {
    const points = [1, 2, 4, 8, 16].map((pool) => ({ pool, speedup: amdahlSpeedup(0.1, pool) }))
    expect(serialFraction(points)).toBeCloseTo(0.1, 12)
    expect(speedupRmse(0.1, points)).toBeCloseTo(0, 12)
  })

  it('recovers f approximately from noisy speedups, with a residual in speedup units', () => {
    const noise = [1.02, 0.98, 1.01, 0.99]
    const points = [2, 4, 8, 16].map((pool, i) => ({ pool, speedup: amdahlSpeedup(0.25, pool) * noise[i] }))
    const f = serialFraction(points) as number
    expect(f).toBeGreaterThan(0.22)
    expect(f).toBeLessThan(0.28)
    expect(speedupRmse(f, points)).toBeGreaterThan(0.01)
  })

  it('clamps to [0, 1]: superlinear speedups give 0, slowdowns give 1', () => {
    expect(serialFraction([{ pool: 2, speedup: 2.5 }])).toBe(0)
    expect(serialFraction([{ pool: 2, speedup: 0.5 }])).toBe(1)
  })

  it('has nothing to fit without a pool larger than one', () => {
    expect(serialFraction([{ pool: 1, speedup: 1 }])).toBeNull()
  })
})

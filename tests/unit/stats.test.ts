// Statistics of samples, the Amdahl fit and Karp–Flatt, on data whose answers are known.
import { describe, expect, it } from 'vitest'
import {
  amdahlSpeedup,
  fitAmdahl,
  karpFlatt,
  mean,
  median,
  outliers,
  stddev,
  summarize,
  tQuantile95,
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

  it('gives the Student-t 95% interval of the mean for 1..10 (t = 2.262 with 9 degrees of freedom)', () => {
    const s = summarize(oneToTen)
    const half = (2.262 * Math.sqrt(55 / 6)) / Math.sqrt(10)
    expect(s.ci95Low).toBeCloseTo(5.5 - half, 10)
    expect(s.ci95High).toBeCloseTo(5.5 + half, 10)
    expect(s.relSpread).toBeCloseTo(half / 5.5, 10)
    expect(s.min).toBe(1)
    expect(s.max).toBe(10)
  })

  it('flags 1..10 as noisy: its interval is far wider than 10% of the median', () => {
    expect(summarize(oneToTen).noisy).toBe(true)
  })

  it('does not flag a tight sample as noisy', () => {
    const s = summarize([100, 101, 99, 100.5, 99.5])
    expect(s.outliers).toEqual([])
    expect(s.noisy).toBe(false)
  })

  it('uses the normal quantile for large samples and the table for small ones', () => {
    expect(tQuantile95(1)).toBe(12.706)
    expect(tQuantile95(30)).toBe(2.042)
    expect(tQuantile95(1000)).toBe(1.96)
  })

  it('collapses the interval of a single sample to the value', () => {
    const s = summarize([42])
    expect([s.median, s.mean, s.stddev, s.ci95Low, s.ci95High, s.relSpread]).toEqual([42, 42, 0, 42, 42, 0])
    expect(s.noisy).toBe(false)
  })
})

describe('outliers (modified Z-score > 3.5)', () => {
  it('flags the 50 in [10, 10, 10, 10, 50]', () => {
    expect(outliers([10, 10, 10, 10, 50])).toEqual([4])
    expect(summarize([10, 10, 10, 10, 50]).noisy).toBe(true)
  })

  it('flags a far sample among spread ones by the MAD', () => {
    expect(outliers([10, 11, 9, 10.5, 9.5, 10.2, 30])).toEqual([6])
  })

  it('finds none when every sample is equal', () => {
    expect(outliers([7, 7, 7, 7])).toEqual([])
  })

  it('finds none in evenly spread data', () => {
    expect(outliers(oneToTen)).toEqual([])
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
})

describe('Amdahl fit', () => {
  it('recovers the serial fraction of exact Amdahl speedups', () => {
    const points = [2, 4, 8, 16].map((pool) => ({ pool, speedup: amdahlSpeedup(0.1, pool) }))
    const fit = fitAmdahl(1000, points)
    expect(fit?.serialFraction).toBeCloseTo(0.1, 12)
    expect(fit?.rmse).toBeCloseTo(0, 12)
    expect(fit?.points).toBe(4)
    expect(fit?.n).toBe(1000)
  })

  it('recovers f approximately from noisy speedups', () => {
    const noise = [1.02, 0.98, 1.01, 0.99]
    const points = [2, 4, 8, 16].map((pool, i) => ({ pool, speedup: amdahlSpeedup(0.25, pool) * noise[i] }))
    const fit = fitAmdahl(10, points)
    expect(fit?.serialFraction).toBeGreaterThan(0.22)
    expect(fit?.serialFraction).toBeLessThan(0.28)
    expect(fit?.rmse).toBeGreaterThan(0)
  })

  it('clamps to [0, 1]: superlinear speedups give 0, slowdowns give 1', () => {
    expect(fitAmdahl(1, [{ pool: 2, speedup: 2.5 }])?.serialFraction).toBe(0)
    expect(fitAmdahl(1, [{ pool: 2, speedup: 0.5 }])?.serialFraction).toBe(1)
  })

  it('has nothing to fit without a pool larger than one', () => {
    expect(fitAmdahl(1, [{ pool: 1, speedup: 1 }])).toBeNull()
  })
})

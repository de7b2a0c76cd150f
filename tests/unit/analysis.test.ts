// From samples to reported figures: speedup intervals, Karp–Flatt, the base case and the Amdahl fit per chunk setting.
import { describe, expect, it } from 'vitest'
import type { ChunkRows } from '../../common/contract'
import { analyzeCells, cellSeed, type MeasuredCell } from '../../main/engine/analysis'
import { amdahlSpeedup } from '../../common/stats'
import { noFitReason } from '../../common/fits'

const ctx = { seed: 42, logicalCores: 4, targetRelSpread: 0, warmups: 1 }

/** A measured cell as the runner records it: samples and what the protocol saw, nothing derived. */
function measured(n: number, pool: number, samplesMs: number[], o: Partial<MeasuredCell> = {}): MeasuredCell {
  const serial = o.serial ?? false
  const chunkSpec: ChunkRows = o.chunkSpec ?? (serial ? n : 'auto')
  return {
    n,
    entries: n * n,
    pool,
    chunkSpec,
    chunkRows: serial ? n : Math.ceil(n / pool),
    tasks: serial ? 1 : pool,
    serial,
    status: 'ok',
    samplesMs,
    kernelMs: samplesMs,
    result: 1,
    relError: 0,
    busyCpuFraction: 0,
    ...o,
  }
}

/** Samples whose median is `ms`, spread ±`rel` around it. */
const around = (ms: number, rel = 0.02) =>
  [1 - rel, 1 - rel / 2, 1, 1 + rel / 2, 1 + rel, 1 - rel / 4, 1 + rel / 4].map((k) => ms * k)

describe('speedup, efficiency and Karp–Flatt with intervals', () => {
  const base = measured(1000, 1, around(100), { serial: true })
  const two = measured(1000, 2, around(60))
  const { cells } = analyzeCells([base, two], ctx)
  const [b, c] = cells

  it('divides the base case median by the cell median and names the base time in every cell', () => {
    expect(c.baseMs).toBe(100)
    expect(c.speedup).toBeCloseTo(100 / 60, 12)
    expect(c.efficiency).toBeCloseTo(100 / 120, 12)
    expect(b.speedup).toBe(1)
    expect(b.speedupCi).toEqual({ low: 1, high: 1 })
  })

  it('gives an interval around the speedup no wider than the extreme ratios of the samples', () => {
    const ci = c.speedupCi!
    expect(ci.low).toBeLessThan(c.speedup!)
    expect(ci.high).toBeGreaterThan(c.speedup!)
    expect(ci.low).toBeGreaterThanOrEqual(98 / 61.2 - 1e-12)
    expect(ci.high).toBeLessThanOrEqual(102 / 58.8 + 1e-12)
    expect(c.efficiencyCi!.low).toBeCloseTo(ci.low / 2, 12)
    expect(c.efficiencyCi!.high).toBeCloseTo(ci.high / 2, 12)
  })

  it('maps the speedup interval onto Karp–Flatt with the ends swapped', () => {
    const e = (s: number) => (1 / s - 1 / 2) / (1 - 1 / 2)
    expect(c.karpFlattCi!.low).toBeCloseTo(e(c.speedupCi!.high), 12)
    expect(c.karpFlattCi!.high).toBeCloseTo(e(c.speedupCi!.low), 12)
  })

  it('is deterministic: the same run gives the same intervals, seeded per cell and not by list position', () => {
    const again = analyzeCells([two, base], ctx).cells
    expect(again[0].speedupCi).toEqual(c.speedupCi)
    expect(cellSeed(42, two)).not.toBe(cellSeed(42, base))
    expect(analyzeCells([base, two], { ...ctx, seed: 43 }).cells[1].speedupCi).not.toEqual(c.speedupCi)
  })

  it('gives no speedup without a base case, and none to a failed cell', () => {
    const failedBase = measured(1000, 1, around(100), {
      serial: true,
      status: 'failed',
      stopReason: 'failed',
    })
    expect(analyzeCells([failedBase, two], ctx).cells[1].speedup).toBeNull()
    const failed = measured(1000, 2, around(60), { status: 'failed', stopReason: 'failed' })
    expect(analyzeCells([base, failed], ctx).cells[1].speedupCi).toBeNull()
  })

  it('skips the bootstrap (no interval, no fit) when asked for a cheap checkpoint', () => {
    const cheap = analyzeCells([base, two], { ...ctx, resamples: 0 })
    expect(cheap.cells[1].speedup).toBeCloseTo(100 / 60, 12)
    expect(cheap.cells[1].speedupCi).toBeNull()
    expect(cheap.fits).toEqual([])
  })
})

describe('what a superlinear speedup under transfer copy suspects', () => {
  // Measured here (thread executor, transfer copy, js kernel, N = 3000): the base case copied the 72 MB matrix to
  // its worker in one piece (46 ms of its 62 ms), one worker on 64-row chunks in 47 pieces (8 ms of 22 ms).
  const base = measured(
    3000,
    1,
    [
      77.79, 86.78, 56.24, 56.62, 59.87, 58.43, 50.71, 56.82, 58.88, 68.07, 66.83, 62.25, 79.83, 61.69, 65.76,
      64.96,
    ],
    { serial: true, stopReason: 'budget-time' },
  )
  const chunked = measured(
    3000,
    1,
    [
      25.36, 29.25, 13.81, 17.36, 22.75, 23.21, 27.75, 21.48, 23.85, 21.8, 34.98, 40.24, 36.38, 44.44, 27.41,
      27.6, 25.75, 21, 26.91, 25.33, 27.44, 16, 26.71, 17.96, 21.42, 18.76, 21.86, 14.13, 20.08, 27.05, 26.63,
      15.59, 13.23, 13.08, 13.06, 17.9, 18.96, 19.65, 29.51, 20.74, 20.73, 21.71, 26.75,
    ],
    { chunkSpec: 64, chunkRows: 64, tasks: 47, stopReason: 'budget-time' },
  )
  const superlinear = (transfer: 'shared' | 'copy' | undefined) =>
    analyzeCells([base, chunked], {
      ...ctx,
      logicalCores: 2,
      targetRelSpread: 0.05,
      transfer,
    }).cells[1].flags.find((f) => f.kind === 'superlinear')?.note

  it('names the copies when the cell copied the matrix in more pieces than the base case', () => {
    const note = superlinear('copy')
    expect(note).toMatch(/^speedup ≥ 2\.\d\d× on 1 worker: suspect the copies: /)
    expect(note).toContain(
      'the base case copies the whole matrix to its worker in one piece, this cell in 47',
    )
    expect(note).not.toContain('busy machine')
  })

  it('keeps suspecting a base case measured differently where nothing was copied', () => {
    expect(superlinear('shared')).toMatch(/suspect a base case measured differently/)
    expect(superlinear(undefined)).toMatch(/suspect a base case measured differently/)
  })
})

/** Cells of one N whose medians follow Amdahl's law with serial fraction f, per pool. */
function amdahlCells(f: number, pools: number[], chunkSpec: ChunkRows = 'auto', rel = 0.02): MeasuredCell[] {
  return pools.map((p) => measured(1000, p, around(100 / amdahlSpeedup(f, p), rel), { chunkSpec }))
}

describe('Amdahl fit', () => {
  const base = measured(1000, 1, around(100), { serial: true })

  it('recovers f = 0.1 from pools 1..4 with an interval around it and prints the limit 1/f', () => {
    const { fits } = analyzeCells([base, ...amdahlCells(0.1, [1, 2, 3, 4])], ctx)
    expect(fits).toHaveLength(1)
    const [fit] = fits
    expect(fit.serialFraction).toBeCloseTo(0.1, 6)
    expect(fit.serialFractionCi.low).toBeLessThan(0.1)
    expect(fit.serialFractionCi.high).toBeGreaterThan(0.1)
    expect(fit.serialFractionCi.low).toBeGreaterThan(0)
    expect(fit.speedupLimit).toBeCloseTo(10, 4)
    expect(fit.rmse).toBeCloseTo(0, 6)
    expect(fit.pools).toEqual([1, 2, 3, 4])
  })

  it('gives no limit when f’s interval reaches 0 (near-perfect speedup)', () => {
    const { fits } = analyzeCells([base, ...amdahlCells(0, [1, 2, 3, 4], 'auto', 0.1)], ctx)
    expect(fits[0].serialFractionCi.low).toBe(0)
    expect(fits[0].speedupLimit).toBeNull()
  })

  it('does not fit a single pool size above 1: one point always fits exactly', () => {
    const { cells, fits } = analyzeCells([base, ...amdahlCells(0.1, [1, 2])], ctx)
    expect(fits).toEqual([])
    expect(noFitReason(cells, 1000, 'auto', 4)).toBe(
      'not enough pool sizes to fit (needs 2 above 1 within 4 cores; has p=2)',
    )
  })

  it('leaves a one-sample pool out of the fit, and its reason says so: it has no interval to carry into f', () => {
    const [one, two, four] = amdahlCells(0.1, [1, 2, 4])
    const single = { ...four, samplesMs: four.samplesMs.slice(0, 1), kernelMs: four.kernelMs.slice(0, 1) }
    const { cells, fits } = analyzeCells([base, one, two, single], ctx)
    expect(fits).toEqual([])
    expect(noFitReason(cells, 1000, 'auto', 4)).toBe(
      'not enough pool sizes to fit (needs 2 above 1 within 4 cores; has p=2)',
    )
  })

  it('leaves pools beyond the logical cores out: pools 1, 2, 4 on 2 cores leave one pool above 1, no fit', () => {
    const two = analyzeCells([base, ...amdahlCells(0.1, [1, 2, 4])], { ...ctx, logicalCores: 2 })
    expect(two.fits).toEqual([])
    // The reason names what is within the cores, so "I asked for 3 pool sizes" reads as answered.
    expect(noFitReason(two.cells, 1000, 'auto', 2)).toBe(
      'not enough pool sizes to fit (needs 2 above 1 within the cores: 2 cores allow only p=2; has p=2)',
    )
    expect(noFitReason(two.cells, 1000, 'auto', 1)).toMatch(
      /within the cores: 1 core allows none; has none\)$/,
    )
    const fits = analyzeCells([base, ...amdahlCells(0.1, [1, 2, 3, 8])], ctx).fits
    expect(fits[0].pools).toEqual([1, 2, 3])
  })

  it('fits each chunk setting on its own points, not the best chunk per pool', () => {
    const auto = amdahlCells(0.1, [1, 2, 4], 'auto')
    const fine = amdahlCells(0.4, [1, 2, 4], 64)
    const { fits } = analyzeCells([base, ...auto, ...fine], ctx)
    expect(fits.map((f) => f.chunkSpec)).toEqual(['auto', 64])
    expect(fits[0].serialFraction).toBeCloseTo(0.1, 6)
    expect(fits[1].serialFraction).toBeCloseTo(0.4, 6)
  })
})

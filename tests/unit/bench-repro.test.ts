// The --repro figures: cells grouped across runs of one spec, the spread of their medians and the coverage.
import { describe, expect, it } from 'vitest'
import { SweepSpecSchema } from '../../common/contract'
import { runSweep } from '../../main/engine'
import { mulberry32 } from '../../common/stats'
import { acrossRuns, coverageIfAlike, coverageOf, reproTable, spreadOf } from '../../scripts/bench/repro'

describe('coverage', () => {
  it("counts the ordered pairs where one run's median lies in another run's interval", () => {
    // Run 0's median 10 lies in run 1's [9, 11] and run 2's [8, 12]; run 1's 10.5 in both others'; run 2's 13 in none.
    const cell = {
      medians: [10, 10.5, 13],
      intervals: [
        { low: 9.5, high: 10.8 },
        { low: 9, high: 11 },
        { low: 8, high: 12 },
      ],
    }
    expect(coverageOf(cell)).toBe(4 / 6)
    expect(coverageOf({ medians: [1], intervals: [{ low: 0, high: 2 }] })).toBeNaN()
    // Run 2 ran on a machine that slowed down: over the steady runs 0 and 1 alone, both pairs cover.
    expect(coverageOf({ ...cell, slow: [false, false, true] }, true)).toBe(1)
    expect(coverageOf({ ...cell, slow: [false, false, true] })).toBe(4 / 6)
  })

  it('gives the spread of medians as (max − min) / median', () => {
    expect(spreadOf([20, 32, 21])).toBeCloseTo(12 / 21, 12)
  })
})

describe('coverageIfAlike', () => {
  it('is 1/k for runs of one sample each drawn from k distinct values', () => {
    // One sample per run: its interval is [x, x], so another run's median lies in it only when both drew the same
    // value, which two draws from six equally likely values do with probability 1/6.
    expect(coverageIfAlike([[1], [2], [3], [4], [5], [6]], 7)).toBeCloseTo(1 / 6, 1)
    expect(coverageIfAlike([[2], [2], [2]])).toBe(1)
  })

  it('is well below 95% for correct 95% intervals of runs that all draw from one distribution', () => {
    // Six runs of 30 samples from one log-normal distribution: both medians vary, so one falls in the other's
    // interval about 86% of the time (an independent simulation of 2000 such sets gave 85.9%).
    const rand = mulberry32(11)
    const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
    const runs = Array.from({ length: 6 }, () => Array.from({ length: 30 }, () => Math.exp(0.1 * normal())))
    const alike = coverageIfAlike(runs, 3, 400)
    expect(alike).toBeGreaterThan(0.8)
    expect(alike).toBeLessThan(0.9)
  })

  it('is NaN when a run has no samples of its own', () => {
    expect(coverageIfAlike([[1, 2], null])).toBeNaN()
    expect(coverageIfAlike([[1, 2]])).toBeNaN()
  })
})

describe('acrossRuns', () => {
  it('lines up the same cell of every run and prints one row per cell', async () => {
    const spec = SweepSpecSchema.parse({ sizes: [40], pools: [2], repetitions: 2, maxSamples: 2 })
    const runs = [await runSweep(spec), await runSweep(spec)]
    expect(runs.map((r) => [r.status, r.error])).toEqual([
      ['complete', undefined],
      ['complete', undefined],
    ])
    const cells = acrossRuns(runs)
    expect(cells.map((c) => [c.key, c.medians.length])).toEqual([
      ['N=40 serial', 2],
      ['N=40 pool 2 chunk auto', 2],
    ])
    const table = reproTable(cells).split('\n')
    expect(table[0]).toMatch(
      /^cell\s+runs\s+medians ms\s+spread\s+coverage\s+≥90%\s+max busy\s+slow runs\s+coverage, steady runs\s+if alike\s+stopped on$/,
    )
    // Each run's own slow-machine flags, cell by cell (a loaded test machine may raise some).
    const slowIn = (r: (typeof runs)[number], serial: boolean) =>
      r.cells.find((c) => c.serial === serial)?.flags.some((f) => f.kind === 'slow-machine')
    expect(cells.map((c) => c.slow)).toEqual([
      runs.map((r) => slowIn(r, true)),
      runs.map((r) => slowIn(r, false)),
    ])
    expect(table).toHaveLength(4)
  })
})

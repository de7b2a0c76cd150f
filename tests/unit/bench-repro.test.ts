// The --repro figures: cells grouped across runs of one spec, the spread of their medians and the coverage.
import { describe, expect, it } from 'vitest'
import { SweepSpecSchema } from '../../common/contract'
import { runSweep } from '../../main/engine'
import { acrossRuns, coverageOf, reproTable, spreadOf } from '../../scripts/bench/repro'

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
      /^cell\s+runs\s+medians ms\s+spread\s+coverage\s+≥90%\s+max busy\s+slow runs\s+coverage, steady runs\s+stopped on$/,
    )
    expect(cells.map((c) => c.slow)).toEqual([
      [false, false],
      [false, false],
    ])
    expect(table).toHaveLength(4)
  })
})

// Measuring in several processes: the two-level bootstrap over processes, and merging runs the engine made.
import { describe, expect, it } from 'vitest'
import { ratioLevel } from '../../common/cell-text'
import { RunSchema, SweepSpecSchema, type Progress, type Run } from '../../common/contract'
import {
  bootstrapMedians,
  groupedBootstrapMedians,
  median,
  percentileInterval,
  processGroups,
  processesLevel,
  summarize,
} from '../../common/stats'
import { runSweep } from '../../main/engine'
import { inFreshProcesses, mergeProcessRuns, progressOf } from '../../main/engine/processes'
import { inProcessEngine } from '../../main/engine/sweep-engine'
import type { SpeedSource } from '../../main/engine/speed'

/** Three processes that each measured tightly, around 10, 10.5 and 11 ms. */
const jitter = (base: number) => Array.from({ length: 30 }, (_, i) => base + ((i * 7) % 11) * 0.001)
const three = [jitter(10), jitter(10.5), jitter(11)]

describe('processGroups', () => {
  it('splits samples by the counts only when they fit', () => {
    expect(processGroups([1, 2, 3, 4, 5], [2, 3])).toEqual([
      [1, 2],
      [3, 4, 5],
    ])
    // A process that took nothing is left out; one process left is no grouping.
    expect(processGroups([1, 2, 3], [0, 1, 2])).toEqual([[1], [2, 3]])
    expect(processGroups([1, 2, 3], [0, 3])).toBeNull()
    expect(processGroups([1, 2, 3], [1, 1])).toBeNull()
    expect(processGroups([1, 2, 3], undefined)).toBeNull()
  })
})

describe('processesLevel', () => {
  it('claims what the range of k process medians holds, 1 − 2^(1−k), up to 95%', () => {
    expect([2, 3, 4, 5, 6, 20].map(processesLevel)).toEqual([0.5, 0.75, 0.875, 0.9375, 0.95, 0.95])
  })
})

describe('groupedBootstrapMedians', () => {
  it('carries the spread between processes that the pooled samples hide', () => {
    const pooled = three.flat()
    // Pooled, the median's order-statistic interval sits inside the middle process: 10.500–10.510.
    const flat = summarize(pooled)
    expect(flat.ci95High - flat.ci95Low).toBeLessThan(0.02)
    // Over processes: all three drawn from the 10 ms one has chance 1/27 = 3.7%, above the 2.5% tail, so the
    // interval reaches down into that process; likewise up into the 11 ms one.
    const ci = percentileInterval(groupedBootstrapMedians(three, 7))
    expect(ci.low).toBeLessThan(10.02)
    expect(ci.high).toBeGreaterThan(10.99)
    // A single-level bootstrap of the pooled samples stays as narrow as the order statistics.
    const single = percentileInterval(bootstrapMedians(pooled, 7))
    expect(single.high - single.low).toBeLessThan(0.02)
  })

  it('never leaves the samples, and the same seed gives the same medians', () => {
    const a = groupedBootstrapMedians(three, 11, 500)
    expect(Math.min(...a)).toBeGreaterThanOrEqual(10)
    expect(Math.max(...a)).toBeLessThanOrEqual(11.011)
    expect(groupedBootstrapMedians(three, 11, 500)).toEqual(a)
    expect(groupedBootstrapMedians(three, 12, 500)).not.toEqual(a)
  })

  it('with processes that agree, is about as narrow as the single-level bootstrap', () => {
    const agree = [jitter(10), jitter(10), jitter(10)]
    const grouped = percentileInterval(groupedBootstrapMedians(agree, 3))
    const single = percentileInterval(bootstrapMedians(agree.flat(), 3))
    expect(grouped.high - grouped.low).toBeLessThanOrEqual(2 * (single.high - single.low) + 1e-12)
  })
})

/** A machine whose speed check never moves: slow-machine plays no part here. */
const steady: SpeedSource = { check: () => ({ computeMs: 1, memoryMs: 1 }), now: () => 0 }
const spec = SweepSpecSchema.parse({
  sizes: [64, 96],
  pools: [1, 2],
  repetitions: 6,
  maxSamples: 6,
  processes: 2,
})

describe('mergeProcessRuns', () => {
  it('merges two engine runs cell by cell: samples in process order, figures derived again over both', async () => {
    const a = await runSweep(spec, { speedSource: steady })
    const b = await runSweep(spec, { speedSource: steady })
    const run = mergeProcessRuns([a, b], 'complete')
    expect(() => RunSchema.parse(run)).not.toThrow()
    expect(run.id).toBe(a.id)
    expect(run.status).toBe('complete')
    expect(run.cells).toHaveLength(a.cells.length)
    run.cells.forEach((cell, i) => {
      expect(cell.samplesMs).toEqual([...a.cells[i].samplesMs, ...b.cells[i].samplesMs])
      expect(cell.processSamples).toEqual([a.cells[i].samplesMs.length, b.cells[i].samplesMs.length])
      expect(cell.stats!.median).toBe(median(cell.samplesMs))
    })
    // Speedup divides the merged base median of the same N.
    const serial = run.cells.find((c) => c.serial && c.n === 96)!
    const pool2 = run.cells.find((c) => !c.serial && c.n === 96 && c.pool === 2)!
    expect(pool2.speedup).toBeCloseTo(serial.stats!.median / pool2.stats!.median, 12)
    expect(pool2.speedupCi!.low).toBeLessThanOrEqual(pool2.speedup!)
    expect(run.speed!.checks).toEqual([...a.speed!.checks, ...b.speed!.checks])
    expect(run.durationMs).toBeCloseTo(a.durationMs + b.durationMs, 9)
    expect(run.poolStartup).toEqual(a.poolStartup)
  })

  it("takes the breakdown of the process whose median lies nearest all the samples' median", async () => {
    const runs = [await runSweep(spec, { speedSource: steady }), await runSweep(spec, { speedSource: steady })]
    const run = mergeProcessRuns(runs, 'complete')
    run.cells.forEach((cell, i) => {
      const [a, b] = runs.map((r) => r.cells[i])
      const off = (c: typeof a) => Math.abs(c.stats!.median - cell.stats!.median)
      // Two processes have no middle one: the first's breakdown was taken whatever the samples said.
      expect(cell.breakdown).toEqual(off(a) <= off(b) ? a.breakdown : b.breakdown)
      expect(cell.breakdown).not.toBeNull()
    })
  })

  it('flags a cell slow-machine when any of its processes ran slow: the slowest check counts, not a median', async () => {
    const slow: SpeedSource = { check: () => ({ computeMs: 1, memoryMs: 2 }), now: () => 0 }
    const a = await runSweep(spec, { speedSource: steady })
    const b = await runSweep(spec, { speedSource: steady })
    const c = await runSweep(spec, { speedSource: slow })
    const run = mergeProcessRuns([a, b, c], 'complete')
    for (const cell of run.cells) {
      expect(cell.speedCheck).toEqual({ computeMs: 1, memoryMs: 2 })
      expect(cell.slowdown).toBe(2)
      expect(cell.flags.map((f) => f.kind)).toContain('slow-machine')
    }
    const quiet = mergeProcessRuns([a, b], 'complete')
    expect(quiet.cells.every((cell) => cell.slowdown === 1)).toBe(true)
  })

  it('flags unstable the merged cells whose processes each met the target but disagree, and only those', async () => {
    const a = await runSweep(spec, { speedSource: steady })
    const b = await runSweep(spec, { speedSource: steady })
    // The second process found the machine 30% slower throughout, and every cell of both met its target.
    const slower: Run = {
      ...b,
      cells: b.cells.map((c) => ({
        ...c,
        samplesMs: a.cells[b.cells.indexOf(c)].samplesMs.map((x) => x * 1.3),
      })),
    }
    const target = (r: Run): Run => ({ ...r, cells: r.cells.map((c) => ({ ...c, stopReason: 'target' })) })
    const apart = mergeProcessRuns([target(a), target(slower)], 'complete')
    for (const cell of apart.cells) {
      expect(cell.stats!.relSpread).toBeGreaterThan(spec.target)
      expect(cell.flags.find((f) => f.kind === 'unstable')?.note).toMatch(/each process met the target alone/)
    }
    // The same samples twice: the interval over processes is as tight as one process's, and nothing is flagged,
    // even where one process had spent its time budget.
    const steadyA: Run = {
      ...a,
      cells: a.cells.map((c) => ({ ...c, samplesMs: jitter(c.serial ? 20 : 10).slice(0, 6) })),
    }
    const spentB: Run = { ...steadyA, cells: steadyA.cells.map((c) => ({ ...c, stopReason: 'budget-time' })) }
    const agree = mergeProcessRuns([target(steadyA), spentB], 'complete')
    const within = agree.cells.filter((c) => c.stats!.relSpread <= spec.target)
    expect(within).toHaveLength(agree.cells.length)
    // Two processes bound the middle of their distribution as two samples do: the interval claims 50%, and the
    // speedups that divide by it no more; the level is said, not flagged (the user chose how many processes).
    expect(agree.cells.map((c) => c.stats!.ciLevel)).toEqual(agree.cells.map(() => 0.5))
    const parallel = agree.cells.filter((c) => !c.serial && c.speedupCi)
    expect(parallel.length).toBeGreaterThan(0)
    for (const c of parallel) expect(ratioLevel(c, agree.cells)).toBe(0.5)
    for (const cell of within) {
      expect(cell.stopReason).toBe('budget-time')
      expect(cell.flags.map((f) => f.kind)).not.toContain('unstable')
    }
  })

  it('a cell only the first process reached keeps its samples, ungrouped; the status is the one given', async () => {
    const a = await runSweep(spec, { speedSource: steady })
    const b: Run = { ...(await runSweep(spec, { speedSource: steady })), status: 'cancelled' }
    const cut = { ...b, cells: b.cells.filter((c) => c.n === 64) }
    const run = mergeProcessRuns([a, cut], 'cancelled')
    expect(run.status).toBe('cancelled')
    const late = run.cells.filter((c) => c.n === 96)
    expect(late.map((c) => c.samplesMs)).toEqual(a.cells.filter((c) => c.n === 96).map((c) => c.samplesMs))
    expect(late.every((c) => c.processSamples === undefined)).toBe(true)
    expect(run.cells.filter((c) => c.n === 64).every((c) => c.processSamples?.length === 2)).toBe(true)
  })
})

describe('a merged cell of very few samples', () => {
  it('claims no more confidence than its samples allow', async () => {
    const few = SweepSpecSchema.parse({ sizes: [32], pools: [1], repetitions: 1, maxSamples: 1, warmups: 0 })
    const a = await runSweep(few, { speedSource: steady })
    const b = await runSweep(few, { speedSource: steady })
    const run = mergeProcessRuns([a, b], 'complete')
    for (const cell of run.cells) {
      expect(cell.processSamples).toEqual([1, 1])
      // Two samples: [min, max] covers the median with probability 1/2, whatever the bootstrap says.
      expect(cell.stats!.ciLevel).toBe(0.5)
    }
  })
})

describe('progressOf', () => {
  it("records the order seed the sweep was given, from which every process's order is mixed", async () => {
    const engine = inFreshProcesses(inProcessEngine)
    const spec = (orderSeed?: number) =>
      SweepSpecSchema.parse({
        sizes: [32],
        pools: [1],
        repetitions: 2,
        maxSamples: 2,
        warmups: 0,
        processes: 2,
        ...(orderSeed === undefined ? {} : { orderSeed }),
      })
    const given = await engine.runSweep(spec(11))
    expect(given.spec.orderSeed).toBe(11)
    expect(given.protocol?.orderSeed).toBe(11)
    // None given: the spec says so, and the protocol keeps the one drawn for the whole run.
    const drawn = await engine.runSweep(spec())
    expect(drawn.spec.orderSeed).toBeUndefined()
    expect(Number.isInteger(drawn.protocol?.orderSeed)).toBe(true)
  })

  it('counts the cells and the fraction of all the processes', () => {
    const p: Progress = {
      runId: 'x',
      cellsDone: 2,
      cellsTotal: 6,
      fraction: 0.5,
      current: null,
      elapsedMs: 1000,
      etaMs: 1000,
    }
    expect(progressOf(p, 1, 3, 'run')).toEqual({
      ...p,
      runId: 'run',
      cellsDone: 8,
      cellsTotal: 18,
      fraction: 1.5 / 3,
      // This process's remaining second, then one more whole process of about 2 s.
      etaMs: 1000 + 2000,
    })
  })
})

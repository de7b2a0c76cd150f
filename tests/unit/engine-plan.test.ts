// The sweep plan, the workspace layout and the memory check: pure functions, no workers.
import { describe, expect, it } from 'vitest'
import { SweepSpecSchema, type SweepSpecInput } from '../../common/contract'
import { allocationSizes, layout } from '../../main/engine/matrix'
import { bytesNeeded, checkFreeMemory } from '../../main/engine/memory'
import { chunkRowsFor, defaultName, planSweep, poolSizes, roundOrder } from '../../main/engine/plan'

const spec = (input: SweepSpecInput) => SweepSpecSchema.parse(input)

describe('planSweep', () => {
  it('puts the serial baseline first for every size, then pools × chunk rows', () => {
    const [plan] = planSweep(spec({ sizes: [100], pools: [2, 3], chunkRows: ['auto', 7] }))
    expect(plan.cells.map((c) => [c.pool, c.chunkSpec, c.chunkRows, c.tasks, c.serial])).toEqual([
      [1, 100, 100, 1, true],
      [2, 'auto', 50, 2, false],
      [2, 7, 7, 15, false],
      [3, 'auto', 34, 3, false],
      [3, 7, 7, 15, false],
    ])
  })

  it('numbers cells across sizes in run order', () => {
    const plans = planSweep(spec({ sizes: [10, 20], pools: [2] }))
    expect(plans.flatMap((p) => p.cells.map((c) => c.index))).toEqual([0, 1, 2, 3])
  })

  it('chunks "auto" as one chunk per worker and caps chunks at N', () => {
    expect(chunkRowsFor(10, 3, 'auto')).toBe(4)
    expect(chunkRowsFor(10, 3, 50)).toBe(10)
  })

  it('shuffles every round from the order seed: the same seed replays the same order', () => {
    const cells = [0, 1, 2, 3, 4, 5]
    const orders = [1, 2, 3, 4].map((round) => roundOrder(cells, 7, 1000, round))
    expect(orders.map((o) => roundOrder(cells, 7, 1000, orders.indexOf(o) + 1))).toEqual(orders)
    for (const o of orders) expect([...o].sort()).toEqual(cells)
    // Four rounds of six cells all in one order would mean no shuffle at all.
    expect(new Set(orders.map((o) => o.join())).size).toBeGreaterThan(1)
    expect(roundOrder(cells, 8, 1000, 1)).not.toEqual(roundOrder(cells, 7, 1000, 1))
  })

  it("puts the serial baseline first in a size's first round only", () => {
    for (const seed of [1, 2, 3, 4, 5]) expect(roundOrder([0, 1, 2, 3], seed, 50, 0)[0]).toBe(0)
    const firsts = [1, 2, 3, 4, 5, 6, 7, 8].map((round) => roundOrder([0, 1, 2, 3], 3, 50, round)[0])
    expect(firsts.some((c) => c !== 0)).toBe(true)
  })

  it('orders only the cells still sampling', () => {
    expect([...roundOrder([1, 4], 9, 10, 2)].sort()).toEqual([1, 4])
  })

  it('needs a pool of one for the baseline besides the grid pools', () => {
    expect(poolSizes({ pools: [4, 2] })).toEqual([1, 2, 4])
  })

  it('names a run after its workload and grid', () => {
    expect(defaultName(spec({ sizes: [1, 2, 3], pools: [1, 2] }))).toBe('sum 3 sizes × 2 pools')
    expect(defaultName(spec({ workload: 'assign', sizes: [1], pools: [4] }))).toBe('assign 1 size × 1 pool')
  })
})

describe('workspace layout', () => {
  it('places matrix, centroids and labels one after another, 16-byte aligned', () => {
    expect(layout(3, 2)).toEqual({
      n: 3,
      k: 2,
      matrixOffset: 0,
      centroidsOffset: 80,
      labelsOffset: 128,
      totalBytes: 144,
    })
  })

  it('shares one wasm memory among sizes under 4 GiB and one buffer among sizes beyond', () => {
    expect(allocationSizes([100, 20000, 30000, 40000], 0)).toEqual({ wasmN: 20000, sabN: 40000 })
    expect(allocationSizes([100, 200], 8)).toEqual({ wasmN: 200, sabN: null })
  })
})

describe('memory check', () => {
  it('accepts a size that fits', () => {
    expect(checkFreeMemory(spec({ sizes: [1000], pools: [2] }), 8 * 2 ** 30)).toBeNull()
  })

  it('refuses the largest size that does not fit in one line saying what it needs and what is free', () => {
    const message = checkFreeMemory(spec({ sizes: [100, 50000], pools: [2] }), 20 * 2 ** 30)
    expect(message).toMatch(/^N = 50000 needs 18\.\d GiB but only 20\.0 GiB is free \(keep 10% headroom\)/)
    expect(message).not.toContain('\n')
  })

  it('counts the copies of transfer "copy", more of them for child processes', () => {
    const shared = bytesNeeded(spec({ sizes: [10000], pools: [2] }), 10000)
    const threads = bytesNeeded(spec({ sizes: [10000], pools: [2], transfer: 'copy' }), 10000)
    const processes = bytesNeeded(
      spec({ sizes: [10000], pools: [2], transfer: 'copy', executor: 'process' }),
      10000,
    )
    expect(threads - shared).toBe(2 * 10000 * 10000 * 8)
    expect(processes).toBeGreaterThan(threads + 4 * 10000 * 10000 * 8)
  })
})

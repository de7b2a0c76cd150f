// Where the time goes: the split of a sample's wall time, and the breakdown and physical units a real sweep records.
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { SweepSpecSchema, type Run } from '../../common/contract'
import { runSweep } from '../../main/engine'
import { batchParts, busiestKernelMs, cellBreakdown, splitSample } from '../../main/engine/breakdown'
import { runsToCsv } from '../../main/export/csv'
import { parseGetconf } from '../../main/probe/caches'
import { runProbe } from '../../main/probe/probe'
import { readFileSync } from 'node:fs'

const getconf = readFileSync(new URL('./fixtures/probe/getconf-a.txt', import.meta.url), 'utf8')

describe('splitting a sample', () => {
  it('sums kernel time per worker and takes the busiest worker', () => {
    const replies = [
      { worker: 'a', kernelMs: 3 },
      { worker: 'b', kernelMs: 4 },
      { worker: 'a', kernelMs: 2 },
    ]
    expect(busiestKernelMs(replies)).toBe(5)
    // replies without a worker id (an older worker script) count as one worker each
    expect(busiestKernelMs([{ kernelMs: 3 }, { kernelMs: 4 }])).toBe(4)
  })

  it('leaves dispatch and queueing as what the other parts do not explain, never below 0', () => {
    expect(splitSample({ wallMs: 10, transferMs: 2, kernelMs: 6, reduceMs: 0.5 })).toEqual({
      wallMs: 10,
      dispatchMs: 1.5,
      transferMs: 2,
      kernelMs: 6,
      reduceMs: 0.5,
    })
    expect(splitSample({ wallMs: 5, transferMs: 0, kernelMs: 5.2, reduceMs: 0 }).dispatchMs).toBe(0)
  })

  it('gives a batched sample the batch time per run as its wall time and the mean of each part', () => {
    const runs = [
      { wallMs: 0.2, transferMs: 0.04, kernelMs: 0.1, reduceMs: 0.01 },
      { wallMs: 0.3, transferMs: 0.06, kernelMs: 0.14, reduceMs: 0.03 },
    ]
    const parts = batchParts(runs, 0.26)
    expect(parts.wallMs).toBe(0.26)
    expect(parts.transferMs).toBeCloseTo(0.05, 12)
    expect(parts.kernelMs).toBeCloseTo(0.12, 12)
    expect(parts.reduceMs).toBeCloseTo(0.02, 12)
  })

  it("takes the cell's lower-median sample whole, so its parts add up to a real wall time", () => {
    const s = (wallMs: number) => ({ wallMs, transferMs: 0, kernelMs: wallMs / 2, reduceMs: 0 })
    expect(cellBreakdown([s(9), s(3), s(5), s(7)])?.wallMs).toBe(5)
    expect(cellBreakdown([s(9), s(3), s(5)])?.wallMs).toBe(5)
    expect(cellBreakdown([])).toBeNull()
  })
})

describe('a real sweep', () => {
  const spec = (transfer: 'shared' | 'copy') =>
    SweepSpecSchema.parse({ sizes: [300], pools: [1, 2], repetitions: 3, warmups: 1, transfer })

  function checkParts(run: Run): void {
    for (const cell of run.cells.filter((c) => c.status === 'ok')) {
      const b = cell.breakdown
      expect(b, `cell pool ${cell.pool}`).toBeTruthy()
      if (!b) continue
      expect(b.dispatchMs + b.transferMs + b.kernelMs + b.reduceMs).toBeCloseTo(b.wallMs, 9)
      expect(cell.samplesMs).toContain(b.wallMs)
      expect(b.kernelMs).toBeGreaterThan(0)
      expect(b.kernelMs).toBeLessThanOrEqual(b.wallMs)
    }
  }

  it('records where the time went: no copies when shared, copies inside the wall time when copied', async () => {
    const shared = await runSweep(spec('shared'))
    checkParts(shared)
    expect(shared.cells.every((c) => c.breakdown?.transferMs === 0)).toBe(true)
    const copied = await runSweep(spec('copy'))
    checkParts(copied)
    expect(copied.cells.filter((c) => !c.serial).every((c) => (c.breakdown?.transferMs ?? 0) > 0)).toBe(true)
  })

  it("exports GB/s and the share of a real probe's ceiling, and the breakdown, per cell", async () => {
    const run = await runSweep(spec('shared'))
    run.machine.ceilings = await runProbe({
      maxPool: 2,
      samples: 1,
      memoryBytes: 4 * 2 ** 20,
      caches: parseGetconf(getconf),
    })
    const rows: Record<string, string>[] = parse(runsToCsv([run]), { columns: true })
    for (const [i, row] of rows.entries()) {
      const cell = run.cells[i]
      const gb = (cell.entries * 8) / (cell.stats?.median ?? NaN) / 1e6
      // six significant digits in the file
      expect(Number(row.gb_per_s) / gb).toBeCloseTo(1, 5)
      // 300² × 8 B = 703 KiB: within the fixture's 1 MiB L2 of each core whole (serial, p=1) and halved (p=2),
      // beyond its 48 KiB L1: every cell is held against the probe's L2 read bandwidth, not memory's.
      expect(row.ceiling).toBe('L2')
      const l2 = run.machine.ceilings.cacheRead.find((l) => l.level === 'L2')?.read ?? []
      const ceiling = l2.find((f) => f.pool === (cell.serial ? 1 : cell.pool))
      expect(Number(row.pct_of_ceiling) / ((100 * gb) / (ceiling?.value.median ?? NaN))).toBeCloseTo(1, 5)
      expect(Number(row.kernel_busiest_ms)).toBeCloseTo(cell.breakdown?.kernelMs ?? NaN, 5)
      expect(row.gflop_per_s).toBe('')
    }
  })
})

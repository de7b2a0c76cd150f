// Every chart built from a real (tiny) sweep of the engine: the builders accept what the engine really produces.
import { beforeAll, describe, expect, it } from 'vitest'
import { RunSchema, SweepSpecSchema, type Run } from '../../common/contract'
import { runSweep } from '../../main/engine'
import {
  efficiencyHeatmap,
  speedupVsWorkers,
  startupAndTransfer,
  timeVsChunkRows,
  timeVsEntries,
} from '../../renderer/src/charts/options'
import { chartCards } from '../../renderer/src/charts/cards'
import { axis, named, seriesOf, valueOf } from './charts-fixtures'

const sweep = (transfer: 'shared' | 'copy') =>
  runSweep(
    SweepSpecSchema.parse({
      name: transfer,
      sizes: [64, 256],
      pools: [1, 2],
      chunkRows: ['auto', 16],
      transfer,
      repetitions: 2,
      maxSamples: 2,
      warmups: 0,
    }),
  )

let shared: Run
let copy: Run

beforeAll(async () => {
  shared = await sweep('shared')
  copy = await sweep('copy')
})

const ok = (run: Run) => run.cells.filter((c) => c.status === 'ok' && !c.serial)

describe('charts of a real sweep', () => {
  it('start from runs that parse and completed', () => {
    expect(RunSchema.parse(shared).status).toBe('complete')
    expect(RunSchema.parse(copy).status).toBe('complete')
  })

  it('time vs size: a serial line and one line per pool, at the auto cells', () => {
    const option = timeVsEntries([shared], 'light')
    const lines = seriesOf(option).filter((s) => s.type === 'line')
    expect(lines.map((s) => s.name)).toEqual(['serial', 'p=1 · auto', 'p=2 · auto'])
    const auto = ok(shared).find((c) => c.n === 256 && c.pool === 2 && c.chunkSpec === 'auto')!
    expect(named(option, 'p=2 · auto', 'line').data.map(valueOf)).toContainEqual([65_536, auto.stats!.median])
  })

  it('speedup: each point is the cell speedup with its interval as an error bar, and no fit from pools 1, 2', () => {
    const option = speedupVsWorkers([shared], 'dark')
    const auto = ok(shared).find((c) => c.n === 256 && c.pool === 2 && c.chunkSpec === 'auto')!
    expect(named(option, 'N=256', 'line').data.map(valueOf)).toContainEqual([2, auto.speedup])
    expect(named(option, 'N=256', 'custom').data).toContainEqual([
      2,
      auto.speedupCi!.low,
      auto.speedupCi!.high,
    ])
    // One pool size above 1 always fits exactly: the engine makes no fit and the chart draws none.
    expect(shared.fits).toEqual([])
    expect(seriesOf(option).filter((s) => s.id?.startsWith('fit:'))).toEqual([])
  })

  it('efficiency: every heat map value is a cell efficiency', () => {
    const [heat] = seriesOf(efficiencyHeatmap([shared], 'light'))
    const efficiencies = ok(shared)
      .filter((c) => c.chunkSpec === 'auto')
      .map((c) => c.efficiency!)
    expect((heat.data as number[][]).map((d) => d[2]).sort((a, b) => a - b)).toEqual(
      efficiencies.sort((a, b) => a - b),
    )
  })

  it('chunk size: a line per pool for each N', () => {
    const option = timeVsChunkRows([shared], 'light')!
    expect(seriesOf(option).map((s) => s.name)).toEqual([
      'N=256 · p=1',
      'N=256 · p=2',
      'N=64 · p=1',
      'N=64 · p=2',
    ])
  })

  it('start-up: the cold start of every measured pool, and shared vs copy side by side', () => {
    const option = startupAndTransfer([shared, copy], 'light')
    expect(named(option, 'shared · cold start').data).toEqual(shared.poolStartup.map((s) => s.coldMs))
    expect(axis(option, 'xAxis', 1).data).toEqual(['64', '256'])
    expect(
      seriesOf(option)
        .filter((s) => s.xAxisIndex === 1)
        .map((s) => s.name),
    ).toEqual(['shared · shared', 'copy · copy'])
  })

  it('give eight cards, all with a chart (the engine records where the time goes)', () => {
    const cards = chartCards([shared, copy], 'dark')
    expect(cards.map((c) => [c.key, c.option !== null])).toEqual([
      ['time', true],
      ['speedup', true],
      ['efficiency', true],
      ['chunks', true],
      ['startup', true],
      ['throughput', true],
      ['staircase', true],
      ['breakdown', true],
    ])
  })

  it('draw every chart at once, none animated', () => {
    const options = chartCards([shared, copy], 'light').map((c) => c.option)
    expect(options.map((o) => o?.animation)).toEqual(options.map(() => false))
  })
})

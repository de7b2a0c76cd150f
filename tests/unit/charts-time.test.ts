// Chart 1, time vs entries: log–log, a line per pool size plus the serial baseline, whiskers and tooltips.
import { describe, expect, it } from 'vitest'
import { timeVsEntries } from '../../renderer/src/charts/options'
import { renderErrorBar } from '../../renderer/src/charts/options/errorBars'
import { formatMs } from '../../renderer/src/lib/format'
import { axis, makeRun, named, seriesOf, valueOf } from './charts-fixtures'

describe('timeVsEntries', () => {
  it('puts both axes on a log scale with units in their names', () => {
    const option = timeVsEntries([makeRun()], 'light')
    expect(axis(option, 'xAxis').type).toBe('log')
    expect(axis(option, 'yAxis').type).toBe('log')
    expect(axis(option, 'xAxis').name).toBe('entries (N²)')
    expect(axis(option, 'yAxis').name).toBe('median time (ms)')
  })

  it('draws one line per pool size and one for the serial baseline', () => {
    const option = timeVsEntries([makeRun({ pools: [1, 2, 4] })], 'light')
    const lines = seriesOf(option).filter((s) => s.type === 'line')
    expect(lines.map((s) => s.name)).toEqual(['serial', 'p=1', 'p=2', 'p=4'])
  })

  it('plots each cell at (entries, median)', () => {
    const run = makeRun()
    const cell = run.cells.find((c) => !c.serial && c.n === 1000 && c.pool === 4)!
    const data = named(timeVsEntries([run], 'light'), 'p=4', 'line').data.map(valueOf)
    expect(data).toContainEqual([1_000_000, cell.stats!.median])
  })

  it('shows the median’s 95% interval as whiskers beside each line', () => {
    const run = makeRun()
    const cell = run.cells.find((c) => !c.serial && c.n === 100 && c.pool === 2)!
    const whiskers = named(timeVsEntries([run], 'light'), 'p=2', 'custom')
    expect(whiskers.data).toContainEqual([10_000, cell.stats!.ci95Low, cell.stats!.ci95High])
  })

  it('starts a whisker at the median when the interval’s low end read zero', () => {
    const run = makeRun()
    const cell = run.cells.find((c) => !c.serial && c.n === 100 && c.pool === 2)!
    cell.stats!.ci95Low = 0
    const whiskers = named(timeVsEntries([run], 'light'), 'p=2', 'custom')
    expect(whiskers.data).toContainEqual([10_000, cell.stats!.median, cell.stats!.ci95High])
  })

  it('draws a whisker as an I-beam from low to high in the line colour', () => {
    const row = [10, 2, 5]
    const api = {
      value: (i: number) => row[i],
      coord: ([x, y]: number[]) => [x * 10, 100 - y * 10],
      visual: () => '#123456',
    }
    const drawn = renderErrorBar({} as never, api as never) as {
      type: string
      children: { shape: Record<string, number>; style: { stroke: string } }[]
    }
    expect(drawn.type).toBe('group')
    expect(drawn.children.map((c) => c.shape)).toEqual([
      { x1: 100, y1: 50, x2: 100, y2: 80 },
      { x1: 96, y1: 50, x2: 104, y2: 50 },
      { x1: 96, y1: 80, x2: 104, y2: 80 },
    ])
    expect(drawn.children[0].style.stroke).toBe('#123456')
  })

  it('skips failed and cancelled cells', () => {
    const run = makeRun({
      broken: [
        { n: 1000, pool: 2, status: 'failed' },
        { n: 100, pool: 4, status: 'cancelled' },
      ],
    })
    const option = timeVsEntries([run], 'light')
    expect(named(option, 'p=2', 'line').data.map((d) => valueOf(d)[0])).toEqual([10_000])
    expect(named(option, 'p=4', 'line').data.map((d) => valueOf(d)[0])).toEqual([1_000_000])
  })

  it('marks a flagged cell with its own symbol', () => {
    const option = timeVsEntries([makeRun({ flagged: [{ n: 1000, pool: 2 }] })], 'light')
    const [quiet, flagged] = named(option, 'p=2', 'line').data as { symbol?: string }[]
    expect(quiet.symbol).toBeUndefined()
    expect(flagged.symbol).toBe('triangle')
  })

  it('uses the auto chunk cells of a chunk sweep and says so in the legend', () => {
    const run = makeRun({ chunkRows: ['auto', 10, 50] })
    const option = timeVsEntries([run], 'light')
    const auto = run.cells.find((c) => c.n === 1000 && c.pool === 2 && c.chunkSpec === 'auto')!
    const data = named(option, 'p=2 · auto', 'line').data.map(valueOf)
    expect(data).toContainEqual([1_000_000, auto.stats!.median])
  })

  it('uses the fastest chunk per pool when auto was not swept', () => {
    const run = makeRun({ chunkRows: [1, 10, 50] })
    const best = Math.min(
      ...run.cells.filter((c) => c.n === 1000 && c.pool === 4 && !c.serial).map((c) => c.stats!.median),
    )
    const data = named(timeVsEntries([run], 'light'), 'p=4 · best', 'line').data.map(valueOf)
    expect(data).toContainEqual([1_000_000, best])
  })

  it('writes the median with its interval, the samples and the cell’s flags into the tooltip', () => {
    const run = makeRun({ flagged: [{ n: 1000, pool: 2 }] })
    const option = timeVsEntries([run], 'light')
    const cell = run.cells.find((c) => c.n === 1000 && c.pool === 2)!
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter
    const index = seriesOf(option).findIndex((s) => s.name === 'p=2' && s.type === 'line')
    const html = formatter({ seriesIndex: index, dataIndex: 1 })
    // Five samples: the interval is [min, max] and says it reaches only 93% (1 − 2/32).
    expect(html).toContain(
      `median [95% CI]: <b>${formatMs(cell.stats!.median)} [${formatMs(cell.stats!.min)} – ${formatMs(cell.stats!.max)}] (93% conf.)</b>`,
    )
    expect(html).toContain('samples: <b>5</b>')
    expect(html).toContain('<b>busy-machine</b>: other programs used 1.2 of 4 cores while it was measured')
  })

  it('prints a sub-millisecond median in microseconds, as the run table does', () => {
    const run = makeRun({ sizes: [100], msPerEntry: 1e-5 })
    const option = timeVsEntries([run], 'light')
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter
    const index = seriesOf(option).findIndex((s) => s.name === 'p=2' && s.type === 'line')
    const median = run.cells.find((c) => c.n === 100 && c.pool === 2 && !c.serial)!.stats!.median
    expect(median).toBeLessThan(1)
    expect(formatter({ seriesIndex: index, dataIndex: 0 })).toContain(
      `median [95% CI]: <b>${formatMs(median)} [`,
    )
    expect(formatMs(median)).toMatch(/^\d+ µs$/)
  })

  it('bounds the x axis to a decade each side of a single size instead of 1k…10G', () => {
    const option = timeVsEntries([makeRun({ sizes: [2000] })], 'light')
    expect(axis(option, 'xAxis')).toMatchObject({ type: 'log', min: 100_000, max: 100_000_000 })
  })

  it('sets the series of a single size side by side, centred on it, with their whiskers', () => {
    const option = timeVsEntries([makeRun({ sizes: [2000], pools: [1, 2] })], 'light')
    const lines = seriesOf(option).filter((s) => s.type === 'line') as { symbolOffset?: number[] }[]
    const offsets = lines.map((l) => l.symbolOffset?.[0])
    expect(offsets).toEqual([-12, 0, 12])
    const whisker = named(option, 'p=2', 'custom')
    expect((whisker.data as number[][])[0][3]).toBe(12)
  })

  it('bounds a sweep over many sizes to the decades of its data, no further, and leaves its points alone', () => {
    // 10⁴ … 9·10⁶ entries: 10⁴ to 10⁷, where ECharts ran on to 10⁸.
    const option = timeVsEntries([makeRun({ sizes: [100, 300, 1000, 3000] })], 'light')
    expect(axis(option, 'xAxis')).toMatchObject({ type: 'log', min: 10_000, max: 10_000_000 })
    // Sizes at powers of ten end on their own decade: 1 … 10⁸ entries.
    const decades = timeVsEntries([makeRun({ sizes: [1, 10, 100, 1000, 10000] })], 'light')
    expect(axis(decades, 'xAxis')).toMatchObject({ min: 1, max: 100_000_000 })
    const lines = seriesOf(option).filter((s) => s.type === 'line') as { symbolOffset?: number[] }[]
    expect(lines.every((l) => l.symbolOffset === undefined)).toBe(true)
  })

  it('shifts a whisker sideways by its fourth value', () => {
    const row = [10, 2, 5, 7]
    const api = {
      value: (i: number) => row[i],
      coord: ([x, y]: number[]) => [x * 10, 100 - y * 10],
      visual: () => '#123456',
    }
    const drawn = renderErrorBar({} as never, api as never) as {
      children: { shape: Record<string, number> }[]
    }
    expect(drawn.children[0].shape).toEqual({ x1: 107, y1: 50, x2: 107, y2: 80 })
  })
})

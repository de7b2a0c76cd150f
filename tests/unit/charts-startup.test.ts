// Chart 5, start-up and transfer: cold start and warm round trip per pool; a mode comparison only when runs differ.
import { describe, expect, it } from 'vitest'
import { chartCards } from '../../renderer/src/charts/cards'
import { startupAndTransfer } from '../../renderer/src/charts/options'
import { palette, runColour } from '../../renderer/src/charts/theme'
import { axis, makeRun, named, seriesOf } from './charts-fixtures'

describe('startupAndTransfer', () => {
  it('shows cold start and warm round trip per pool size for a single run', () => {
    const run = makeRun({ pools: [1, 2, 4] })
    const option = startupAndTransfer([run], 'light')
    expect(seriesOf(option).map((s) => s.name)).toEqual(['cold start', 'warm round trip'])
    expect(axis(option, 'xAxis').data).toEqual(['1', '2', '4'])
    expect(named(option, 'cold start').data).toEqual(run.poolStartup.map((s) => s.coldMs))
    expect(named(option, 'warm round trip').data).toEqual(run.poolStartup.map((s) => s.roundTripMs))
  })

  it('colours each overlaid run as the run key does: its hue for its cold starts, round trips and medians', () => {
    const shared = makeRun({ id: 'a', name: 'shared run', transfer: 'shared' })
    const copy = makeRun({ id: 'b', name: 'copy run', transfer: 'copy' })
    const option = startupAndTransfer([shared, copy], 'light')
    const colour = (name: string) => named(option, name).itemStyle?.color
    const p = palette('light')
    for (const [ri, tag] of ['shared run', 'copy run'].entries()) {
      expect(colour(`${tag} · cold start`)).toBe(runColour(p, ri, 2, 0))
      expect(colour(`${tag} · warm round trip`)).toBe(runColour(p, ri, 2, 1))
    }
    expect(colour('shared run · shared')).toBe(runColour(p, 0, 2, 0))
    expect(colour('copy run · copy')).toBe(runColour(p, 1, 2, 0))
  })

  it('keeps an overlay legend on one row in a full-width card, leaving no gap above it', () => {
    const shared = makeRun({ id: 'a', name: 'shared run', transfer: 'shared' })
    const copy = makeRun({ id: 'b', name: 'copy run', transfer: 'copy' })
    // The legend as the card shows it: overlaid runs by their letters ("A · shared").
    const bottomOf = (width: number) =>
      (
        chartCards([shared, copy], 'light', width).find((c) => c.key === 'startup')!.option!.grid as {
          bottom: number
        }[]
      )[0].bottom
    expect(bottomOf(420)).toBeGreaterThan(46)
    expect(bottomOf(1100)).toBe(46)
  })

  it('keeps both of its plot areas, and the room for their axis names, when the overlay legend is shortened', () => {
    const shared = makeRun({ id: 'a', name: 'shared run', transfer: 'shared' })
    const copy = makeRun({ id: 'b', name: 'copy run', transfer: 'copy' })
    const card = chartCards([shared, copy], 'light', 1100).find((c) => c.key === 'startup')!
    const grids = card.option!.grid as { top: number; bottom: number; left: number | string }[]
    expect(grids).toHaveLength(2)
    expect(grids.map((g) => g.top)).toEqual([64, 64])
    expect(grids[1].left).toBe('53%')
    // Room right of the largest N for the time printed beside its point.
    expect((grids[1] as { right?: number }).right).toBeGreaterThanOrEqual(56)
    expect(grids[0].bottom).toBe(46)
    expect(grids[0]).toMatchObject({ outerBoundsMode: 'same', outerBoundsContain: 'all' })
  })

  it('draws points, never bars, on its log time axes', () => {
    const pair = startupAndTransfer(
      [makeRun({ id: 'a', transfer: 'shared' }), makeRun({ id: 'b', transfer: 'copy' })],
      'light',
    )
    expect(axis(pair, 'yAxis', 0).type).toBe('log')
    expect(axis(pair, 'yAxis', 1).type).toBe('log')
    expect(new Set(seriesOf(pair).map((s) => s.type))).toEqual(new Set(['scatter']))
    // A cold start is a circle and a round trip a diamond whichever run they belong to.
    const symbols = seriesOf(pair)
      .filter((s) => !s.xAxisIndex)
      .map((s) => `${s.name}: ${(s as { symbol?: string }).symbol}`)
    // Side by side on a pool size, so equal times of two runs do not hide one another.
    expect(seriesOf(pair).map((s) => (s as { symbolOffset?: number[] }).symbolOffset?.[0])).toEqual([
      -6, -6, 6, 6, -6, 6,
    ])
    expect(symbols).toEqual([
      'laptop #1 · cold start: circle',
      'laptop #1 · warm round trip: diamond',
      'laptop #2 · cold start: circle',
      'laptop #2 · warm round trip: diamond',
    ])
  })

  it('names its time axes without a unit, since each tick carries its own (µs below a millisecond)', () => {
    const option = startupAndTransfer([makeRun()], 'light')
    const y = axis(option, 'yAxis') as unknown as {
      name: string
      axisLabel: { formatter: (v: number) => string }
    }
    expect(y.name).toBe('time')
    expect([0.05, 0.5, 1, 10, 2000].map(y.axisLabel.formatter)).toEqual([
      '50 µs',
      '500 µs',
      '1 ms',
      '10 ms',
      '2 s',
    ])
  })

  it('leaves out a round trip too short to measure, which a log axis cannot show', () => {
    const run = makeRun({ pools: [1, 2] })
    run.poolStartup[0].roundTripMs = 0
    run.poolStartup[1].roundTripMs = null
    expect(named(startupAndTransfer([run], 'light'), 'warm round trip').data).toEqual([null, null])
  })

  it('compares median times per N when shared and copy runs are overlaid', () => {
    const shared = makeRun({ id: 'a', name: 'shared run', transfer: 'shared' })
    const copy = makeRun({ id: 'b', name: 'copy run', transfer: 'copy', msPerEntry: 3e-5 })
    const option = startupAndTransfer([shared, copy], 'light')
    const cell = copy.cells.find((c) => !c.serial && c.n === 1000 && c.pool === 4)!
    const bars = named(option, 'copy run · copy')
    expect(bars.xAxisIndex).toBe(1)
    expect(bars.data).toEqual([
      copy.cells.find((c) => !c.serial && c.n === 100 && c.pool === 4)!.stats!.median,
      cell.stats!.median,
    ])
    expect(axis(option, 'xAxis', 1).data).toEqual(['100', '1000'])
    expect(named(option, 'shared run · shared').data).toHaveLength(2)
  })

  it('compares js and wasm kernels the same way', () => {
    const option = startupAndTransfer(
      [makeRun({ id: 'a', kernel: 'js' }), makeRun({ id: 'b', kernel: 'wasm' })],
      'light',
    )
    expect(
      seriesOf(option)
        .filter((s) => s.xAxisIndex === 1)
        .map((s) => s.name),
    ).toEqual(['laptop #1 · js', 'laptop #2 · wasm'])
  })

  it('labels points with their times only while few enough share a pool size for the labels not to collide', () => {
    const labelShown = (option: ReturnType<typeof startupAndTransfer>, name: string) =>
      (named(option, name) as unknown as { label: { show: boolean } }).label.show
    expect(labelShown(startupAndTransfer([makeRun()], 'light'), 'cold start')).toBe(true)
    const pair = startupAndTransfer(
      [makeRun({ id: 'a', name: 'one' }), makeRun({ id: 'b', name: 'two', transfer: 'copy' })],
      'light',
    )
    expect(labelShown(pair, 'one · cold start')).toBe(false)
    expect(labelShown(pair, 'two · copy')).toBe(true)
  })

  it('has no comparison when the overlaid runs share their modes', () => {
    const option = startupAndTransfer(
      [makeRun({ id: 'a', name: 'one' }), makeRun({ id: 'b', name: 'two' })],
      'light',
    )
    expect(seriesOf(option).some((s) => s.xAxisIndex === 1)).toBe(false)
    expect(Array.isArray(option.grid) ? option.grid.length : 1).toBe(1)
  })
})

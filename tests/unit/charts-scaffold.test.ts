// The chart scaffold as a specification: series and their tooltip points stay aligned, a run's line carries only
// the styles asked for, and the frame wraps the legend, sizes the plot area and never animates.
import { describe, expect, it } from 'vitest'
import {
  chartFrame,
  type Frame,
  PlottedSeries,
  runLine,
  workersAxis,
  zeroAxis,
} from '../../renderer/src/charts/scaffold'
import { fitLegend, gridBox, palette } from '../../renderer/src/charts/theme'
import type { TooltipParams } from '../../renderer/src/charts/tooltip'
import type { LineSeriesOption } from '../../renderer/src/charts/types'

const p = palette('light')
const line = (name: string, data: [number, number][]): LineSeriesOption => ({ type: 'line', name, data })
const hover = (seriesIndex: number, dataIndex: number) =>
  ({ seriesIndex, dataIndex }) as unknown as TooltipParams

describe('PlottedSeries', () => {
  it('gives each series the points its tooltip describes, by the index the series is drawn at', () => {
    const plotted = new PlottedSeries<LineSeriesOption, string>()
    plotted.add(line('a', [[1, 1]]), ['a at 1'])
    plotted.add(line('whisker', [[1, 2]]))
    plotted.add(
      line('b', [
        [1, 3],
        [2, 4],
      ]),
      ['b at 1', 'b at 2'],
    )
    const text = plotted.points.formatter((pt) => pt)
    expect(plotted.list.map((s) => s.name)).toEqual(['a', 'whisker', 'b'])
    expect(text(hover(0, 0))).toBe('a at 1')
    expect(text(hover(2, 1))).toBe('b at 2')
    // A series added without points has no tooltip.
    expect(text(hover(1, 0))).toBe('')
  })
})

describe('runLine', () => {
  it('draws the symbols and the 2 px line in the run colour', () => {
    const s = runLine({ name: 'p=2', colour: '#123456', data: [[1, 2]], symbolSize: 8 })
    expect(s).toMatchObject({
      type: 'line',
      name: 'p=2',
      symbolSize: 8,
      itemStyle: { color: '#123456' },
      lineStyle: { color: '#123456', width: 2 },
    })
  })

  it('leaves out the symbol, dash and z not asked for, so ECharts applies its defaults', () => {
    const s = runLine({ name: 'x', colour: '#000', data: [], symbolSize: 7 })
    expect('symbol' in s).toBe(false)
    expect('z' in s).toBe(false)
    expect('type' in (s.lineStyle ?? {})).toBe(false)
    const styled = runLine({
      name: 'x',
      colour: '#000',
      data: [],
      symbolSize: 7,
      symbol: 'rect',
      lineType: 'dashed',
      z: 3,
    })
    expect(styled.symbol).toBe('rect')
    expect(styled.lineStyle?.type).toBe('dashed')
    expect(styled.z).toBe(3)
  })
})

describe('axes', () => {
  it('run workers from 1 to the largest pool in whole steps, and values from zero', () => {
    expect(workersAxis(p, 8)).toMatchObject({ type: 'value', min: 1, max: 8, minInterval: 1 })
    expect(zeroAxis(p, 'GB/s')).toMatchObject({ type: 'value', name: 'GB/s', min: 0, nameGap: 36 })
    expect(zeroAxis(p, 'ms', 40).nameGap).toBe(40)
  })
})

describe('chartFrame', () => {
  const names = Array.from({ length: 12 }, (_, k) => `a rather long series name ${k}`)
  const series = names.map((n, k) => line(n, [[k, k]]))
  /** A frame of these series; each test sets only what it is about. */
  const frame = (over: Partial<Frame> = {}) =>
    chartFrame({ palette: p, title: 'T', subtitle: '', series, tooltip: {}, xAxis: {}, yAxis: {}, ...over })

  it('wraps the legend to the width given and leaves the plot area the room it needs below', () => {
    const option = frame({ legendWidth: 300 })
    const { bottom } = fitLegend({}, names, 300)
    expect(option.grid).toEqual(gridBox({ bottom }))
    expect(option.legend).toMatchObject({ type: 'plain' })
    expect(bottom).toBeGreaterThan(fitLegend({}, names, 2000).bottom)
  })

  it('measures the legend by its text and keeps the series names, when the legend says more', () => {
    const text = (n: string) => `${n} (f=0.10)`
    const option = frame({ legendWidth: 300, legendText: text })
    expect(option.grid).toEqual(gridBox({ bottom: fitLegend({}, names.map(text), 300).bottom }))
    expect(option.legend).toMatchObject({ formatter: text })
    expect((option.series as LineSeriesOption[]).map((s) => s.name)).toEqual(names)
  })

  it('merges the tooltip over the shared one and passes the picked legend entries through', () => {
    const formatter = () => 'hi'
    const option = frame({ tooltip: { formatter }, legendSelected: { [names[0]]: false } })
    expect(option.tooltip).toMatchObject({ trigger: 'item', confine: true, formatter })
    expect(option.legend).toMatchObject({ selected: { [names[0]]: false } })
  })

  it('draws at once, never animating a change', () => {
    expect(frame().animation).toBe(false)
  })

  it('lets a chart lay out several plot areas in the room the legend leaves', () => {
    const option = frame({
      grid: (bottom) => [gridBox({ right: '52%', bottom }), gridBox({ left: '53%', bottom })],
      xAxis: [{}, {}],
      yAxis: [{}, {}],
    })
    expect(Array.isArray(option.grid) && option.grid.length).toBe(2)
  })
})

// Chart 5: what a pool costs before any work (cold start, warm round trip) and, when overlaid runs differ in transfer,
// kernel or executor, their median times side by side per N.
import type { TitleComponentOption } from 'echarts/components'
import type { Run } from '../../../../common/contract'
import { tooltipHtml } from '../format'
import { formatMs, formatMsTick } from '../../lib/format'
import { allSizes, chunkBasisLabel, representativeCells, runLabels, seriesNamer } from '../select'
import { chartFrame, PlottedSeries } from '../scaffold'
import { axisStyle, colourAt, gridBox, LEGEND_WIDTH, logFloor, palette } from '../theme'
import type { BarSeriesOption, ChartOption, ChartTheme } from '../types'

const modeDimensions = ['transfer', 'kernel', 'executor'] as const
type ModeDimension = (typeof modeDimensions)[number]

interface Point {
  label: string
  rows: [string, string][]
}

/** The run settings that differ between the overlaid runs, e.g. ['transfer'] for shared vs copy. */
export function varyingModes(runs: Run[]): ModeDimension[] {
  return modeDimensions.filter((d) => new Set(runs.map((r) => r.spec[d])).size > 1)
}

/** The largest pool every run measured: the fairest single point to compare modes at. */
function comparisonPool(runs: Run[]): number | null {
  const perRun = runs.map((r) => new Set(representativeCells(r).map((c) => c.pool)))
  const common = [...perRun[0]].filter((q) => perRun.every((s) => s.has(q)))
  return common.length ? Math.max(...common) : null
}

/** A log axis cannot show zero (a round trip below the timer's resolution): such a bar is left out. */
const onLogAxis = (ms: number | null | undefined): number | null =>
  ms !== null && ms !== undefined && ms > 0 ? ms : null

/** Value labels over bars, while there are few enough bars for them not to collide. */
const MAX_LABELLED_BARS = 12
/** Wider groups leave each bar narrower than its label. */
const MAX_LABELLED_PER_GROUP = 2
const labelled = (perGroup: number, groups: number) =>
  perGroup <= MAX_LABELLED_PER_GROUP && perGroup * groups <= MAX_LABELLED_BARS
const barLabel = (colour: string, show: boolean) => ({
  show,
  position: 'top' as const,
  color: colour,
  fontSize: 10,
  formatter: (params: { value?: unknown }) => formatMs(Number(params.value)),
})

export function startupAndTransfer(runs: Run[], theme: ChartTheme, legendWidth = LEGEND_WIDTH): ChartOption {
  const p = palette(theme)
  const name = seriesNamer(runs)
  const labels = runLabels(runs)
  const modes = varyingModes(runs)
  const pool = modes.length > 0 ? comparisonPool(runs) : null
  const compare = pool !== null
  const plotted = new PlottedSeries<BarSeriesOption, Point>()
  const series = plotted.list

  const startupPools = [...new Set(runs.flatMap((r) => r.poolStartup.map((s) => s.pool)))].sort(
    (a, b) => a - b,
  )
  const startupLabels = labelled(2 * runs.length, startupPools.length)
  runs.forEach((run, ri) => {
    const at = (q: number) => run.poolStartup.find((s) => s.pool === q)
    const cold = name(ri, 'cold start')
    const warm = name(ri, 'warm round trip')
    const coldColour = colourAt(p, 2 * ri)
    const warmColour = colourAt(p, 2 * ri + 1)
    plotted.add(
      {
        type: 'bar',
        name: cold,
        data: startupPools.map((q) => onLogAxis(at(q)?.coldMs)),
        itemStyle: { color: coldColour },
        label: barLabel(p.subtext, startupLabels),
        labelLayout: { hideOverlap: true },
      },
      startupPools.map((q) => ({
        label: cold,
        rows: [
          ['pool size', String(q)],
          ['create → every worker answered', formatMs(at(q)?.coldMs ?? NaN)],
          ['executor', run.spec.executor],
        ],
      })),
    )
    plotted.add(
      {
        type: 'bar',
        name: warm,
        data: startupPools.map((q) => onLogAxis(at(q)?.roundTripMs)),
        itemStyle: { color: warmColour },
        label: barLabel(p.subtext, startupLabels),
        labelLayout: { hideOverlap: true },
      },
      startupPools.map((q) => ({
        label: warm,
        rows: [
          ['pool size', String(q)],
          ['empty task there and back (median)', formatMs(at(q)?.roundTripMs ?? NaN)],
        ],
      })),
    )
  })

  const sizes = allSizes(runs)
  if (compare) {
    runs.forEach((run, ri) => {
      const tag = modes.map((d) => run.spec[d]).join(' · ')
      const label = runs.some((r, k) => k !== ri && modes.every((d) => r.spec[d] === run.spec[d]))
        ? `${labels[ri]} (${tag})`
        : tag
      const cells = representativeCells(run).filter((c) => c.pool === pool)
      const at = (n: number) => cells.find((c) => c.n === n)
      plotted.add(
        {
          type: 'bar',
          name: label,
          xAxisIndex: 1,
          yAxisIndex: 1,
          data: sizes.map((n) => at(n)?.stats.median ?? null),
          itemStyle: { color: colourAt(p, 6 + ri) },
          label: barLabel(p.subtext, labelled(runs.length, sizes.length)),
          labelLayout: { hideOverlap: true },
        },
        sizes.map((n) => ({
          label,
          rows: [
            ['N', String(n)],
            ['workers p', String(pool)],
            ['median', formatMs(at(n)?.stats.median ?? NaN)],
            ['run', labels[ri]],
            ['chunks', chunkBasisLabel(run)],
          ],
        })),
      )
    })
  }

  const valuesOf = (axis: number) =>
    series.filter((s) => (s.yAxisIndex ?? 0) === axis).flatMap((s) => (s.data ?? []) as (number | null)[])
  const modeWords = modes.map((d) => [...new Set(runs.map((r) => r.spec[d]))].join(' vs ')).join(', ')
  const heading = (text: string, left: string) => ({
    text,
    left,
    top: 34,
    textStyle: { color: p.subtext, fontSize: 12, fontWeight: 'normal' as const },
  })
  const msAxis = (gridIndex: number, axisName: string) => ({
    type: 'log' as const,
    gridIndex,
    name: axisName,
    nameLocation: 'middle' as const,
    nameGap: 44,
    // Bars on a log axis grow from 1 unless told otherwise; start them at the decade below the smallest bar.
    startValue: logFloor(valuesOf(gridIndex)),
    ...axisStyle(p),
    axisLabel: { color: p.subtext, formatter: (v: number) => formatMsTick(v) },
  })
  const categoryAxis = (gridIndex: number, axisName: string, data: string[]) => ({
    type: 'category' as const,
    gridIndex,
    name: axisName,
    nameLocation: 'middle' as const,
    nameGap: 26,
    data,
    ...axisStyle(p),
  })
  const option = chartFrame({
    palette: p,
    title: compare ? `Pool start-up and ${modeWords}` : 'Pool start-up',
    subtitle: '',
    series,
    legendWidth,
    tooltip: { formatter: plotted.points.formatter((pt) => tooltipHtml(pt.label, pt.rows)) },
    grid: (bottom) =>
      compare
        ? [gridBox({ right: '52%', top: 64, bottom }), gridBox({ left: '53%', top: 64, bottom })]
        : [gridBox({ top: 64, bottom })],
    xAxis: [
      categoryAxis(0, 'pool size', startupPools.map(String)),
      ...(compare ? [categoryAxis(1, 'matrix side N', sizes.map(String))] : []),
    ],
    yAxis: [msAxis(0, 'time (ms)'), ...(compare ? [msAxis(1, 'median time (ms)')] : [])],
  })
  // A heading over each plot area says what it shows, in place of the chart's subtitle.
  return {
    ...option,
    title: [
      { ...(option.title as TitleComponentOption), subtext: undefined },
      heading('start-up: cold pool vs warm empty task (log)', '8'),
      ...(compare ? [heading(`median time at p = ${pool} (log)`, '53%')] : []),
    ],
  }
}

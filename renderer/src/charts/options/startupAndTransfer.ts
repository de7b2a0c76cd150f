// Chart 5: what a pool costs before any work (cold start, warm round trip) and, when overlaid runs differ in transfer,
// kernel or executor, their median times side by side per N. Points on log axes: a cold start and a round trip lie
// decades apart, and a bar's length means nothing on a log axis (it depends on where the axis starts).
import type { TitleComponentOption } from 'echarts/components'
import type { Run } from '../../../../common/contract'
import { tooltipHtml } from '../format'
import { formatMs, formatMsTick } from '../../lib/format'
import { allSizes, chunkBasisLabel, representativeCells, runLabels, seriesNamer } from '../select'
import { chartFrame, PlottedSeries } from '../scaffold'
import {
  axisStyle,
  colourAt,
  gridBox,
  LEGEND_WIDTH,
  palette,
  runColour,
  runSymbols,
  SUBTITLE_LINE,
  wrapSubtitle,
} from '../theme'
import type { ChartOption, ChartTheme, ScatterSeriesOption } from '../types'

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

/** A log axis cannot show zero (a round trip below the timer's resolution): such a point is left out. */
const onLogAxis = (ms: number | null | undefined): number | null =>
  ms !== null && ms !== undefined && ms > 0 ? ms : null

/** Value labels beside points, while there are few enough points for them not to collide. */
const MAX_LABELLED_POINTS = 12
/** More points stacked on one category than this and their labels overlap. */
const MAX_LABELLED_PER_GROUP = 2
const labelled = (perGroup: number, groups: number) =>
  perGroup <= MAX_LABELLED_PER_GROUP && perGroup * groups <= MAX_LABELLED_POINTS
const pointLabel = (colour: string, show: boolean) => ({
  show,
  position: 'right' as const,
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
  const plotted = new PlottedSeries<ScatterSeriesOption, Point>()
  const series = plotted.list

  const startupPools = [...new Set(runs.flatMap((r) => r.poolStartup.map((s) => s.pool)))].sort(
    (a, b) => a - b,
  )
  const startupLabels = labelled(2 * runs.length, startupPools.length)
  /** Overlaid runs' points side by side on a pool size (a scatter has no bar groups): 12 px apart, centred. */
  const dodge = (ri: number) => (ri - (runs.length - 1) / 2) * 12
  runs.forEach((run, ri) => {
    const at = (q: number) => run.poolStartup.find((s) => s.pool === q)
    const cold = name(ri, 'cold start')
    const warm = name(ri, 'warm round trip')
    // Cold starts are circles and round trips diamonds in every run; overlaid runs take their own hue (two shades
    // of it), as on every other chart and in the run key above them.
    const overlaid = runs.length > 1
    const coldColour = overlaid ? runColour(p, ri, runs.length, 0) : colourAt(p, 0)
    const warmColour = overlaid ? runColour(p, ri, runs.length, 1) : colourAt(p, 1)
    plotted.add(
      {
        type: 'scatter',
        name: cold,
        data: startupPools.map((q) => onLogAxis(at(q)?.coldMs)),
        symbol: 'circle',
        symbolSize: 10,
        symbolOffset: [dodge(ri), 0],
        itemStyle: { color: coldColour },
        label: pointLabel(p.subtext, startupLabels),
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
        type: 'scatter',
        name: warm,
        data: startupPools.map((q) => onLogAxis(at(q)?.roundTripMs)),
        symbol: 'diamond',
        symbolSize: 10,
        symbolOffset: [dodge(ri), 0],
        itemStyle: { color: warmColour },
        label: pointLabel(p.subtext, startupLabels),
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
  const overlaidColour = (ri: number) => (runs.length > 1 ? runColour(p, ri, runs.length, 0) : colourAt(p, 6))
  if (compare) {
    runs.forEach((run, ri) => {
      // Named as every overlaid series is ("run · copy · process"; the legend says "D · copy · process"): a
      // mode alone did not say which of five runs a point was.
      const label = name(ri, modes.map((d) => run.spec[d]).join(' · '))
      const cells = representativeCells(run).filter((c) => c.pool === pool)
      const at = (n: number) => cells.find((c) => c.n === n)
      plotted.add(
        {
          type: 'scatter',
          name: label,
          xAxisIndex: 1,
          yAxisIndex: 1,
          data: sizes.map((n) => onLogAxis(at(n)?.stats.median)),
          symbol: runSymbols[ri % runSymbols.length],
          symbolSize: 10,
          symbolOffset: [dodge(ri), 0],
          itemStyle: { color: overlaidColour(ri) },
          label: pointLabel(p.subtext, labelled(runs.length, sizes.length)),
          labelLayout: { hideOverlap: true },
        },
        sizes.map((n) => ({
          label,
          rows: [
            ['N', String(n)],
            ['workers p', String(pool)],
            ['median', formatMs(at(n)?.stats.median ?? NaN)],
            ['run', labels[ri]],
            ['chunks', chunkBasisLabel(run) ?? '—'],
          ],
        })),
      )
    })
  }

  const modeWords = modes.map((d) => [...new Set(runs.map((r) => r.spec[d]))].join(' vs ')).join(', ')
  // Each heading wraps to the width of its plot area; the plots start below the taller one.
  const headingWidth = compare ? Math.floor(legendWidth / 2) - 16 : legendWidth
  const headings = [
    { text: 'start-up: cold pool vs warm empty task (log)', left: '8' },
    ...(compare ? [{ text: `median time at p = ${pool} (log)`, left: '53%' }] : []),
  ].map((h) => ({ ...h, lines: wrapSubtitle(h.text, headingWidth) }))
  const top = 64 + SUBTITLE_LINE * (Math.max(...headings.map((h) => h.lines.length)) - 1)
  const heading = (h: (typeof headings)[number]) => ({
    text: h.lines.join('\n'),
    left: h.left,
    top: 34,
    textStyle: {
      color: p.subtext,
      fontSize: 12,
      fontWeight: 'normal' as const,
      lineHeight: SUBTITLE_LINE,
      width: headingWidth,
      overflow: 'break' as const,
    },
  })
  const msAxis = (gridIndex: number, axisName: string) => ({
    type: 'log' as const,
    gridIndex,
    name: axisName,
    nameLocation: 'middle' as const,
    nameGap: 52,
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
        ? [
            gridBox({ right: '52%', top, bottom }),
            // Room for the time printed right of the largest N's point ("3.51 ms" was cut at the card's edge).
            gridBox({ left: '53%', right: 56, top, bottom }),
          ]
        : [gridBox({ top, bottom })],
    xAxis: [
      categoryAxis(0, 'pool size', startupPools.map(String)),
      ...(compare ? [categoryAxis(1, 'matrix side N', sizes.map(String))] : []),
    ],
    // Each tick names its own unit (500 µs, 10 ms): the axis name gives none, so it cannot contradict them.
    yAxis: [msAxis(0, 'time'), ...(compare ? [msAxis(1, 'median time')] : [])],
  })
  // A heading over each plot area says what it shows, in place of the chart's subtitle.
  return {
    ...option,
    title: [{ ...(option.title as TitleComponentOption), subtext: undefined }, ...headings.map(heading)],
  }
}

// The scaffold every legend-and-axes chart is built on: series appended together with the points their tooltip
// describes, one run's line in the run's colour and style, the shared axes, and the frame (title, wrapped
// legend, plot area, tooltip) around them. The chart builders in options/ say only what they draw.
import type { TooltipComponentOption } from 'echarts/components'
import { formatCount } from './format'
import { axisStyle, baseOption, fitLegend, gridBox, LEGEND_WIDTH, type Palette, titleTop } from './theme'
import { PointTable } from './tooltip'
import type { ChartOption, LineSeriesOption } from './types'

/** What the scaffold reads of a series: its legend name and its data. */
interface SeriesLike {
  name?: string | number
  data?: unknown
}

/**
 * A chart's series and, per series, what each of its points stands for: added together, so the tooltip's
 * series index can never drift from the series drawn. Series without points (whiskers, bars) get no tooltip.
 */
export class PlottedSeries<S extends SeriesLike, T> {
  readonly list: S[] = []
  readonly points = new PointTable<T>()

  add<A extends S>(series: A, points?: T[]): A {
    if (points) this.points.set(this.list.length, points)
    this.list.push(series)
    return series
  }
}

export interface RunLine {
  name: string
  colour: string
  data: NonNullable<LineSeriesOption['data']>
  symbol?: LineSeriesOption['symbol']
  symbolSize: number
  /** Overlaid runs told apart by dash as well as hue (runLineTypes); solid when absent. */
  lineType?: 'solid' | 'dashed' | 'dotted'
  z?: number
}

/** One measured line of a run: symbols and line in its colour, 2 px wide. */
export function runLine(line: RunLine): LineSeriesOption {
  return {
    type: 'line',
    name: line.name,
    data: line.data,
    // Absent rather than undefined: ECharts applies its defaults only to keys an option does not carry.
    ...(line.symbol === undefined ? {} : { symbol: line.symbol }),
    symbolSize: line.symbolSize,
    itemStyle: { color: line.colour },
    lineStyle: {
      color: line.colour,
      width: 2,
      ...(line.lineType === undefined ? {} : { type: line.lineType }),
    },
    ...(line.z === undefined ? {} : { z: line.z }),
  }
}

/** A log axis of times or counts, its labels as counts (100, 10k, 1M) and its name centred along it. */
export function logCountAxis(p: Palette, name: string, nameGap: number) {
  return {
    type: 'log' as const,
    name,
    nameLocation: 'middle' as const,
    nameGap,
    ...axisStyle(p),
    axisLabel: { color: p.subtext, formatter: (v: number) => formatCount(v) },
  }
}

/** A linear axis from zero (speedup, GB/s, ms), its name centred along it. */
export function zeroAxis(p: Palette, name: string, nameGap = 36) {
  return { type: 'value' as const, name, nameLocation: 'middle' as const, nameGap, min: 0, ...axisStyle(p) }
}

/** The pool-size axis: whole workers from 1 to the largest pool drawn. */
export function workersAxis(p: Palette, maxPool: number) {
  return {
    type: 'value' as const,
    name: 'workers p (pool size)',
    nameLocation: 'middle' as const,
    nameGap: 26,
    min: 1,
    max: maxPool,
    minInterval: 1,
    ...axisStyle(p),
  }
}

export interface Frame {
  palette: Palette
  title: string
  subtitle: string
  series: SeriesLike[]
  xAxis: ChartOption['xAxis']
  yAxis: ChartOption['yAxis']
  /** Merged over the shared tooltip: usually just the formatter of a PlottedSeries' points. */
  tooltip: TooltipComponentOption
  /** The room across the card, px: the legend and the subtitle wrap to it. */
  legendWidth?: number
  /** The legend's text for a series name, when it says more than the name (the Amdahl fit's f). */
  legendText?: (name: string) => string
  /** Series hidden until picked in the legend. */
  legendSelected?: Record<string, boolean>
  /** The plot area(s), given the room the legend needs below and the title above; one gridBox by default. */
  grid?: (bottom: number, top: number) => ChartOption['grid']
}

/**
 * The option around the series: title, a subtitle and a legend wrapped to the card's width, the plot area clear
 * of both, tooltip, axes.
 */
export function chartFrame(f: Frame): ChartOption {
  const width = f.legendWidth ?? LEGEND_WIDTH
  const base = baseOption(f.palette, f.title, f.subtitle, width)
  const top = titleTop(base.title)
  const text = f.legendText ?? ((name: string) => name)
  const { legend, bottom } = fitLegend(
    base.legend,
    f.series.map((s) => text(String(s.name))),
    width,
  )
  return {
    ...base,
    legend: {
      ...legend,
      ...(f.legendText ? { formatter: f.legendText } : {}),
      ...(f.legendSelected ? { selected: f.legendSelected } : {}),
    },
    tooltip: { ...base.tooltip, ...f.tooltip },
    grid: f.grid ? f.grid(bottom, top) : gridBox({ top, bottom }),
    xAxis: f.xAxis,
    yAxis: f.yAxis,
    series: f.series as ChartOption['series'],
  }
}

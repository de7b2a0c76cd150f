// Chart 1: median time against matrix entries, log–log, one line per pool size plus the serial baseline, with whiskers at the median's 95% interval.
import type { Run } from '../../../../common/contract'
import { flagLines, formatCount, medianText, tooltipHtml } from '../format'
import { formatMs } from '../../lib/format'
import {
  allPools,
  chunkBasis,
  chunkBasisLabel,
  isFlagged,
  representativeCells,
  sampleCount,
  serialCells,
  seriesNamer,
  uniqueSorted,
  type PlottableCell,
} from '../select'
import { chartFrame, logCountAxis, PlottedSeries, runLine } from '../scaffold'
import {
  LEGEND_WIDTH,
  markedPoint,
  palette,
  runColour,
  serialColour,
  runLineTypes,
  runSymbols,
  type Palette,
} from '../theme'
import type { ChartOption, ChartTheme, CustomSeriesOption, LineSeriesOption } from '../types'
import { errorBarSeries } from './errorBars'

interface Point {
  label: string
  cell: PlottableCell
}

function point(cell: PlottableCell, p: Palette) {
  return markedPoint([cell.entries, cell.stats.median], isFlagged(cell), p)
}

/** The [x, y] of a point as this module builds them: a bare pair or a marked point's value. */
function valueOfPoint(d: unknown): [number, number] {
  return (Array.isArray(d) ? d : (d as { value: [number, number] }).value) as [number, number]
}

function tooltip(pt: Point): string {
  const s = pt.cell.stats
  const rows: [string, string][] = [
    ['N', `${pt.cell.n} (${formatCount(pt.cell.entries)} entries)`],
    ['median [95% CI]', medianText(s)],
    ['min – max', `${formatMs(s.min)} – ${formatMs(s.max)}`],
    ['samples', String(sampleCount(pt.cell))],
  ]
  if (!pt.cell.serial) rows.push(['chunk rows', `${pt.cell.chunkRows} (${pt.cell.chunkSpec})`])
  return tooltipHtml(pt.label, rows) + flagLines(pt.cell)
}

/** Pixels between neighbouring series when every point sits at one size; the whole group stays within ~120 px. */
const DODGE_PX = 12
const DODGE_SPAN_PX = 120

/**
 * Log-axis bounds, in powers of ten. Few sizes (one or two): a decade each side of the data, as ECharts would
 * stretch one point at 4M across 1k…10G. More: the decades that hold the data and no more, as ECharts' own choice
 * ran a decade past the largest size (points up to 10⁸ on an axis to 10⁹). Undefined without data.
 */
export function sizeAxisBounds(entries: number[]): { min: number; max: number } | undefined {
  const distinct = uniqueSorted(entries.filter((x) => x > 0))
  if (distinct.length === 0) return undefined
  const pad = distinct.length <= 2 ? 1 : 0
  const low = Math.floor(Math.log10(distinct[0]) + 1e-9) - pad
  const high = Math.max(low + 1, Math.ceil(Math.log10(distinct[distinct.length - 1]) - 1e-9) + pad)
  return { min: Math.pow(10, low), max: Math.pow(10, high) }
}

/** Sideways pixel offsets that set k series at one x apart (centred), instead of on top of each other. */
export function dodgeOffsets(k: number): number[] {
  const step = k > 1 ? Math.min(DODGE_PX, DODGE_SPAN_PX / (k - 1)) : 0
  return Array.from({ length: k }, (_, i) => (i - (k - 1) / 2) * step)
}

export function timeVsEntries(runs: Run[], theme: ChartTheme, legendWidth = LEGEND_WIDTH): ChartOption {
  const p = palette(theme)
  const pools = allPools(runs)
  const name = seriesNamer(runs)
  const plotted = new PlottedSeries<LineSeriesOption, Point>()
  const lines = plotted.list
  const whiskers: CustomSeriesOption[] = []

  const addLine = (label: string, colour: string, runIndex: number, cells: PlottableCell[]) => {
    if (cells.length === 0) return
    plotted.add(
      runLine({
        name: label,
        colour,
        data: cells.map((c) => point(c, p)),
        symbol: runSymbols[runIndex % runSymbols.length],
        symbolSize: 7,
        lineType: runLineTypes[runIndex % runLineTypes.length],
        z: 3,
      }),
      cells.map((cell) => ({ label, cell })),
    )
    whiskers.push(
      errorBarSeries(
        label,
        colour,
        // The median's 95% interval. A zero-time sample (timer resolution) has no place on a log axis: the
        // whisker then starts at the median.
        cells.map((c) => [
          c.entries,
          c.stats.ci95Low > 0 ? c.stats.ci95Low : c.stats.median,
          c.stats.ci95High,
        ]),
      ),
    )
  }

  runs.forEach((run, ri) => {
    addLine(name(ri, 'serial'), serialColour(p, ri, runs.length), ri, serialCells(run))
    const parallel = representativeCells(run)
    const suffix = chunkBasis(run) === 'single' ? '' : ` · ${chunkBasis(run)}`
    for (const pool of pools) {
      const cells = parallel.filter((c) => c.pool === pool)
      addLine(
        name(ri, `p=${pool}${suffix}`),
        runColour(p, ri, runs.length, pools.indexOf(pool), true),
        ri,
        cells,
      )
    }
  })

  // One size only: every series sits at the same x, so set them side by side (no random jitter).
  const xs = lines.flatMap((s) => (s.data ?? []).map((d) => valueOfPoint(d)[0]))
  const bounds = sizeAxisBounds(xs)
  if (uniqueSorted(xs).length === 1) {
    const offsets = dodgeOffsets(lines.length)
    lines.forEach((line, i) => {
      line.symbolOffset = [offsets[i], 0]
      const rows = (whiskers[i].data ?? []) as [number, number, number][]
      whiskers[i].data = rows.map(([x, lo, hi]) => [x, lo, hi, offsets[i]])
    })
  }

  const chunkLabel = runs.length === 1 ? chunkBasisLabel(runs[0]) : null
  const chunkNote = chunkLabel ? ` · ${chunkLabel}` : ''
  return chartFrame({
    palette: p,
    title: 'Time vs size',
    subtitle: `median per cell, whiskers its 95% interval · ▲ flagged${chunkNote}`,
    // Lines first: the tooltip's points are indexed by their series index. Whiskers are not points.
    series: [...lines, ...whiskers],
    legendWidth,
    tooltip: { formatter: plotted.points.formatter(tooltip) },
    xAxis: { ...logCountAxis(p, 'entries (N²)', 26), ...bounds },
    yAxis: logCountAxis(p, 'median time (ms)', 48),
  })
}

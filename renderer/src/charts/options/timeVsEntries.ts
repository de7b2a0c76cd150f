// Chart 1: median time against matrix entries, log–log, one line per pool size plus the serial baseline, with min–max whiskers.
import type { Run } from '../../../../common/contract'
import { escapeHtml, formatCount } from '../format'
import { formatMs, formatPercent } from '../../lib/format'
import {
  allPools,
  chunkBasis,
  chunkBasisLabel,
  representativeCells,
  sampleCount,
  serialCells,
  seriesNamer,
  uniqueSorted,
  type PlottableCell,
} from '../select'
import {
  baseOption,
  fitLegend,
  LEGEND_WIDTH,
  gridBox,
  logCountAxis,
  markedPoint,
  palette,
  runColour,
  runLineTypes,
  runSymbols,
  type Palette,
} from '../theme'
import { PointTable } from '../tooltip'
import type { ChartOption, ChartTheme, CustomSeriesOption, LineSeriesOption } from '../types'
import { errorBarSeries } from './errorBars'

interface Point {
  label: string
  cell: PlottableCell
}

function point(cell: PlottableCell, p: Palette) {
  return markedPoint([cell.entries, cell.stats.median], cell.stats.noisy, p)
}

/** The [x, y] of a point as this module builds them: a bare pair or a marked point's value. */
function valueOfPoint(d: unknown): [number, number] {
  return (Array.isArray(d) ? d : (d as { value: [number, number] }).value) as [number, number]
}

function tooltip(pt: Point): string {
  const s = pt.cell.stats
  const rows = [
    ['N', `${pt.cell.n} (${formatCount(pt.cell.entries)} entries)`],
    ['median', `${formatMs(s.median)} ± ${formatPercent(s.relSpread, 1)}`],
    ['min – max', `${formatMs(s.min)} – ${formatMs(s.max)}`],
    ['95% CI', `${formatMs(s.ci95Low)} – ${formatMs(s.ci95High)}`],
    ['samples', String(sampleCount(pt.cell))],
  ]
  if (!pt.cell.serial) rows.push(['chunk rows', `${pt.cell.chunkRows} (${pt.cell.chunkSpec})`])
  const body = rows.map(([k, v]) => `${k}: <b>${escapeHtml(v)}</b>`).join('<br/>')
  const noisy = s.noisy ? '<br/><b>noisy</b>: spread too large to trust the median' : ''
  return `<b>${escapeHtml(pt.label)}</b><br/>${body}${noisy}`
}

/** Pixels between neighbouring series when every point sits at one size; the whole group stays within ~120 px. */
const DODGE_PX = 12
const DODGE_SPAN_PX = 120

/**
 * Log-axis bounds for few sizes: ECharts would stretch one point at 4M across 1k…10G. A decade each side of the
 * data, rounded out to powers of ten; undefined (ECharts' own choice) for the usual sweep over many sizes.
 */
export function fewSizesBounds(entries: number[]): { min: number; max: number } | undefined {
  const distinct = uniqueSorted(entries.filter((x) => x > 0))
  if (distinct.length === 0 || distinct.length > 2) return undefined
  return {
    min: Math.pow(10, Math.floor(Math.log10(distinct[0]) - 1)),
    max: Math.pow(10, Math.ceil(Math.log10(distinct[distinct.length - 1]) + 1)),
  }
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
  const lines: LineSeriesOption[] = []
  const whiskers: CustomSeriesOption[] = []
  const table = new PointTable<Point>()

  const addLine = (label: string, colour: string, runIndex: number, cells: PlottableCell[]) => {
    if (cells.length === 0) return
    table.set(
      lines.length,
      cells.map((cell) => ({ label, cell })),
    )
    lines.push({
      type: 'line',
      name: label,
      data: cells.map((c) => point(c, p)),
      itemStyle: { color: colour },
      lineStyle: { color: colour, width: 2, type: runLineTypes[runIndex % runLineTypes.length] },
      symbol: runSymbols[runIndex % runSymbols.length],
      symbolSize: 7,
      z: 3,
    })
    whiskers.push(
      errorBarSeries(
        label,
        colour,
        // A zero-time sample (timer resolution) has no place on a log axis: the whisker then starts at the median.
        cells.map((c) => [c.entries, c.stats.min > 0 ? c.stats.min : c.stats.median, c.stats.max]),
      ),
    )
  }

  runs.forEach((run, ri) => {
    addLine(name(ri, 'serial'), p.serial, ri, serialCells(run))
    const parallel = representativeCells(run)
    const suffix = chunkBasis(run) === 'single' ? '' : ` · ${chunkBasis(run)}`
    for (const pool of pools) {
      const cells = parallel.filter((c) => c.pool === pool)
      addLine(name(ri, `p=${pool}${suffix}`), runColour(p, ri, runs.length, pools.indexOf(pool)), ri, cells)
    }
  })

  // One size only: every series sits at the same x, so set them side by side (no random jitter).
  const xs = lines.flatMap((s) => (s.data ?? []).map((d) => valueOfPoint(d)[0]))
  const bounds = fewSizesBounds(xs)
  if (uniqueSorted(xs).length === 1) {
    const offsets = dodgeOffsets(lines.length)
    lines.forEach((line, i) => {
      line.symbolOffset = [offsets[i], 0]
      const rows = (whiskers[i].data ?? []) as [number, number, number][]
      whiskers[i].data = rows.map(([x, lo, hi]) => [x, lo, hi, offsets[i]])
    })
  }

  const chunkNote = runs.length === 1 ? ` · ${chunkBasisLabel(runs[0])}` : ''
  const points = lines.reduce((n, s) => n + (s.data?.length ?? 0), 0)
  const base = baseOption(
    p,
    'Time vs size',
    `median per cell, whiskers min–max of the samples · ▲ noisy${chunkNote}`,
    points,
  )
  const { legend, bottom } = fitLegend(
    base.legend,
    lines.map((s) => String(s.name)),
    legendWidth,
  )
  return {
    ...base,
    legend,
    tooltip: { ...base.tooltip, formatter: table.formatter(tooltip) },
    grid: gridBox({ bottom }),
    xAxis: { ...logCountAxis(p, 'entries (N²)', 26), ...bounds },
    yAxis: logCountAxis(p, 'median time (ms)', 48),
    // Lines first: the tooltip table is indexed by their series index.
    series: [...lines, ...whiskers],
  }
}

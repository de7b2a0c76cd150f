// Chart 4: time against rows per chunk (log x) per pool size and N; null unless some run swept several chunk sizes.
import type { Run } from '../../../../common/contract'
import { escapeHtml } from '../format'
import { formatMs, formatPercent } from '../../lib/format'
import {
  allPools,
  allSizes,
  parallelCells,
  sampleCount,
  serialCells,
  seriesNamer,
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
} from '../theme'
import { PointTable } from '../tooltip'
import type { ChartOption, ChartTheme, LineSeriesOption } from '../types'

interface Point {
  label: string
  cell: PlottableCell
}

function tooltip(pt: Point): string {
  const c = pt.cell
  const s = c.stats
  const rows: [string, string][] = [
    ['rows per chunk', `${c.chunkRows}${c.chunkSpec === 'auto' ? ' (auto)' : ''}`],
    ['tasks', String(c.tasks)],
    ['median', `${formatMs(s.median)} ± ${formatPercent(s.relSpread, 1)}`],
    ['min – max', `${formatMs(s.min)} – ${formatMs(s.max)}`],
    ['samples', String(sampleCount(c))],
  ]
  const body = rows.map(([k, v]) => `${k}: <b>${escapeHtml(v)}</b>`).join('<br/>')
  return `<b>${escapeHtml(pt.label)}</b><br/>${body}${s.noisy ? '<br/><b>noisy</b>' : ''}`
}

/** True when at least one run measured more than one chunk size. */
export function hasChunkSweep(runs: Run[]): boolean {
  return runs.some((r) => r.spec.chunkRows.length > 1)
}

export function timeVsChunkRows(
  runs: Run[],
  theme: ChartTheme,
  legendWidth = LEGEND_WIDTH,
): ChartOption | null {
  const swept = runs.filter((r) => r.spec.chunkRows.length > 1)
  if (swept.length === 0) return null
  const p = palette(theme)
  const pools = allPools(swept)
  const sizes = allSizes(swept)
  const name = seriesNamer(swept)
  const series: LineSeriesOption[] = []
  const table = new PointTable<Point>()
  const seriesN: number[] = []

  swept.forEach((run, ri) => {
    const cells = parallelCells(run)
    // Largest N first: it is the one shown at first, so its entries lead the legend.
    for (const n of [...sizes].reverse()) {
      const ofN = cells.filter((c) => c.n === n)
      if (ofN.length === 0) continue
      // Colour means pool size (as in the other charts); the symbol tells the sizes apart.
      const symbol = runSymbols[sizes.indexOf(n) % runSymbols.length]
      for (const pool of pools) {
        const byRows = new Map<number, PlottableCell>()
        // 'auto' often lands on a numeric size that was also swept: one point per chunkRows, numbers first.
        for (const c of ofN
          .filter((c) => c.pool === pool)
          .sort((a, b) => (a.chunkSpec === 'auto' ? 1 : 0) - (b.chunkSpec === 'auto' ? 1 : 0))) {
          if (!byRows.has(c.chunkRows)) byRows.set(c.chunkRows, c)
        }
        const line = [...byRows.values()].sort((a, b) => a.chunkRows - b.chunkRows)
        if (line.length === 0) continue
        const label = name(ri, `N=${n} · p=${pool}`)
        const colour = runColour(p, ri, swept.length, pools.indexOf(pool))
        table.set(
          series.length,
          line.map((cell) => ({ label, cell })),
        )
        seriesN.push(n)
        series.push({
          type: 'line',
          name: label,
          data: line.map((c) => markedPoint([c.chunkRows, c.stats.median], c.stats.noisy, p)),
          symbol,
          symbolSize: 8,
          itemStyle: { color: colour },
          lineStyle: { color: colour, width: 2, type: runLineTypes[ri % runLineTypes.length] },
        })
      }
      const serial = serialCells(run).find((c) => c.n === n)
      if (serial) {
        series[series.length - 1].markLine = {
          silent: true,
          symbol: 'none',
          lineStyle: { color: p.serial, type: 'dotted', width: 1.5 },
          label: { color: p.subtext, formatter: `serial N=${n}`, position: 'insideEndTop' },
          data: [{ yAxis: serial.stats.median }],
        }
      }
    }
  })

  // Every N on one log–log plot is a thicket of lines: start with the largest N, where chunking matters most.
  const shown = Math.max(...seriesN)
  const selected = Object.fromEntries(series.map((s, k) => [String(s.name), seriesN[k] === shown]))
  const points = series.reduce((k, s) => k + (s.data?.length ?? 0), 0)
  const base = baseOption(
    p,
    'Time vs chunk size',
    `dotted: serial time · showing N=${shown}${sizes.length > 1 ? ', pick other sizes in the legend' : ''}`,
    points,
  )
  const { legend, bottom } = fitLegend(
    base.legend,
    series.map((s) => String(s.name)),
    legendWidth,
  )
  return {
    ...base,
    legend: { ...legend, selected },
    tooltip: { ...base.tooltip, formatter: table.formatter(tooltip) },
    grid: gridBox({ bottom }),
    xAxis: logCountAxis(p, 'rows per chunk', 26),
    yAxis: logCountAxis(p, 'median time (ms)', 48),
    series,
  }
}

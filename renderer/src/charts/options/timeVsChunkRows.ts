// Chart 4: time against rows per chunk (log x) per pool size and N; null unless some run swept several chunk sizes.
import type { Run } from '../../../../common/contract'
import { chunkLabel } from '../../../../common/cell-text'
import { flagLines, medianText, tooltipHtml } from '../format'
import { formatMs } from '../../lib/format'
import {
  allPools,
  allSizes,
  isFlagged,
  parallelCells,
  sampleCount,
  serialCells,
  seriesNamer,
  type PlottableCell,
} from '../select'
import { chartFrame, logCountAxis, PlottedSeries, runLine } from '../scaffold'
import {
  LEGEND_WIDTH,
  markedPoint,
  palette,
  runColour,
  runLineTypes,
  runSymbols,
  serialColour,
} from '../theme'
import type { ChartOption, ChartTheme, LineSeriesOption } from '../types'

interface Point {
  label: string
  cell: PlottableCell
}

function tooltip(pt: Point): string {
  const c = pt.cell
  const s = c.stats
  const rows: [string, string][] = [
    ['rows per chunk', chunkLabel(c)],
    ['tasks', String(c.tasks)],
    ['median [95% CI]', medianText(s)],
    ['min – max', `${formatMs(s.min)} – ${formatMs(s.max)}`],
    ['samples', String(sampleCount(c))],
  ]
  return tooltipHtml(pt.label, rows) + flagLines(pt.cell)
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
  const plotted = new PlottedSeries<LineSeriesOption, Point>()
  const series = plotted.list
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
        const colour = runColour(p, ri, swept.length, pools.indexOf(pool), true)
        seriesN.push(n)
        plotted.add(
          runLine({
            name: label,
            colour,
            data: line.map((c) => markedPoint([c.chunkRows, c.stats.median], isFlagged(c), p)),
            symbol,
            symbolSize: 8,
            lineType: runLineTypes[ri % runLineTypes.length],
          }),
          line.map((cell) => ({ label, cell })),
        )
      }
      const serial = serialCells(run).find((c) => c.n === n)
      if (serial) {
        series[series.length - 1].markLine = {
          silent: true,
          symbol: 'none',
          lineStyle: { color: serialColour(p, ri, swept.length), type: 'dotted', width: 1.5 },
          label: { color: p.subtext, formatter: `serial N=${n}`, position: 'insideEndTop' },
          data: [{ yAxis: serial.stats.median }],
        }
      }
    }
  })

  // Every N on one log–log plot is a thicket of lines: start with the largest N, where chunking matters most.
  const shown = Math.max(...seriesN)
  const selected = Object.fromEntries(series.map((s, k) => [String(s.name), seriesN[k] === shown]))
  return chartFrame({
    palette: p,
    title: 'Time vs chunk size',
    subtitle: `dotted: serial time · showing N=${shown}${sizes.length > 1 ? ', other sizes greyed in the legend' : ''}`,
    series,
    legendWidth,
    legendSelected: selected,
    tooltip: { formatter: plotted.points.formatter(tooltip) },
    xAxis: logCountAxis(p, 'rows per chunk', 26),
    yAxis: logCountAxis(p, 'median time (ms)', 48),
  })
}

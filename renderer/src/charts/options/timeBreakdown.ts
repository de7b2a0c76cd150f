// Where the time goes: per cell (N, pool), the median sample's wall time stacked as dispatch and queueing,
// transfer (copies), the busiest worker's kernel time and the reduce. For copied rows this is where copying shows.
import type { Breakdown, Run } from '../../../../common/contract'
import { formatMs } from '../../lib/format'
import { tooltipHtml } from '../format'
import { representativeCells, serialCells, type PlottableCell } from '../select'
import { chartFrame, zeroAxis } from '../scaffold'
import { axisStyle, gridBox, LEGEND_WIDTH, palette } from '../theme'
import type { BarSeriesOption, ChartOption, ChartTheme } from '../types'

export const BREAKDOWN_PARTS = [
  ['kernelMs', 'kernel (busiest worker)'],
  ['transferMs', 'transfer (copies)'],
  ['dispatchMs', 'dispatch + queueing'],
  ['reduceMs', 'reduce'],
] as const satisfies readonly (readonly [keyof Breakdown, string])[]

/** The cells with a breakdown, serial first then by N and pool: one bar each. */
export function breakdownCells(run: Run): (PlottableCell & { breakdown: Breakdown })[] {
  const cells = [...serialCells(run), ...representativeCells(run).filter((c) => !c.serial)]
  return cells
    .filter((c): c is PlottableCell & { breakdown: Breakdown } => !!c.breakdown)
    .sort((a, b) => a.n - b.n || Number(b.serial) - Number(a.serial) || a.pool - b.pool)
}

/** One run's cells as stacked bars (ms); overlays show the first run only, said in the subtitle. */
export function timeBreakdown(runs: Run[], theme: ChartTheme, legendWidth = LEGEND_WIDTH): ChartOption {
  const p = palette(theme)
  const run = runs[0]
  const cells = run ? breakdownCells(run) : []
  const categories = cells.map((c) => `N=${c.n} · ${c.serial ? 'serial' : `p=${c.pool}`}`)
  const colours = [p.series[0], p.series[1] ?? p.noisy, p.ideal, p.series[2] ?? p.serial]
  const series: BarSeriesOption[] = BREAKDOWN_PARTS.map(([key, label], i) => ({
    type: 'bar',
    name: label,
    stack: 'wall',
    barMaxWidth: 36,
    itemStyle: { color: colours[i] },
    data: cells.map((c) => c.breakdown[key]),
  }))
  return chartFrame({
    palette: p,
    title: 'Where the time goes',
    subtitle: `one sample per cell, at its median (the lower middle of an even count), stacked to its wall time${runs.length > 1 ? ` · run ${run?.name ?? ''} only` : ''}`,
    series,
    legendWidth,
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params) => {
        const first = Array.isArray(params) ? params[0] : params
        const c = cells[first?.dataIndex ?? -1]
        if (!c) return ''
        const b = c.breakdown
        return tooltipHtml(categories[first.dataIndex], [
          ['wall time', formatMs(b.wallMs)],
          ...BREAKDOWN_PARTS.map(([key, label]): [string, string] => [
            label,
            `${formatMs(b[key])} (${Math.round((100 * b[key]) / b.wallMs)}%)`,
          ]),
        ])
      },
    },
    // Room for the category labels, turned when many.
    grid: (bottom, top) => gridBox({ top, bottom: bottom + 18 }),
    xAxis: {
      type: 'category',
      data: categories,
      ...axisStyle(p),
      axisLabel: { ...axisStyle(p).axisLabel, rotate: categories.length > 6 ? 30 : 0 },
    },
    yAxis: zeroAxis(p, 'ms', 40),
  })
}

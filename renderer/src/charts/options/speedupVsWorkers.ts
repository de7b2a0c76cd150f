// Chart 2: speedup against pool size, one line per N, the ideal S = p and each N's Amdahl fit (dashed).
import type { Run } from '../../../../common/contract'
import { amdahlSpeedup, curvePools } from '../amdahl'
import { formatRatio, tooltipHtml } from '../format'
import { formatMs, formatPercent } from '../../lib/format'
import {
  allPools,
  allSizes,
  chunkBasisLabel,
  representativeCells,
  seriesNamer,
  type PlottableCell,
} from '../select'
import {
  axisStyle,
  baseOption,
  fitLegend,
  LEGEND_WIDTH,
  gridBox,
  markedPoint,
  palette,
  runColour,
  runSymbols,
} from '../theme'
import { PointTable } from '../tooltip'
import { bandwidthCeilingSeries, CEILING_NAME } from './ceilings'
import type { ChartOption, ChartTheme, LineSeriesOption } from '../types'

type Point =
  | { kind: 'cell'; label: string; cell: PlottableCell }
  | { kind: 'curve'; label: string; p: number; s: number }

function tooltip(pt: Point): string {
  if (pt.kind === 'curve')
    return tooltipHtml(pt.label, [
      ['p', String(Number(pt.p.toPrecision(3)))],
      ['S', formatRatio(pt.s)],
    ])
  const c = pt.cell
  return tooltipHtml(pt.label, [
    ['workers p', String(c.pool)],
    ['speedup S', formatRatio(c.speedup)],
    ['efficiency E = S/p', c.efficiency === null ? '—' : formatPercent(c.efficiency)],
    ['Karp–Flatt serial fraction', c.pool > 1 ? formatRatio(c.karpFlatt) : '— (needs p > 1)'],
    ['median time', formatMs(c.stats.median)],
    ...(c.stats.noisy ? ([['noisy', 'yes: spread too large']] as [string, string][]) : []),
  ])
}

export function speedupVsWorkers(runs: Run[], theme: ChartTheme, legendWidth = LEGEND_WIDTH): ChartOption {
  const p = palette(theme)
  const pools = allPools(runs)
  const sizes = allSizes(runs)
  const name = seriesNamer(runs)
  const maxPool = Math.max(1, ...pools)
  const series: LineSeriesOption[] = []
  const table = new PointTable<Point>()
  const fitNotes = new Map<string, string>()

  const idealPools = [...new Set([1, ...pools])].sort((a, b) => a - b)
  table.set(
    series.length,
    idealPools.map((q) => ({ kind: 'curve', label: 'ideal S = p', p: q, s: q })),
  )
  series.push({
    type: 'line',
    name: 'ideal S = p',
    data: idealPools.map((q) => [q, q]),
    symbol: 'none',
    lineStyle: { color: p.ideal, width: 2, type: 'dashed' },
    itemStyle: { color: p.ideal },
    z: 1,
  })

  runs.forEach((run, ri) => {
    const cells = representativeCells(run).filter((c) => c.speedup !== null)
    for (const n of sizes) {
      const colour = runColour(p, ri, runs.length, sizes.indexOf(n))
      const measured = cells.filter((c) => c.n === n)
      if (measured.length > 0) {
        const label = name(ri, `N=${n}`)
        table.set(
          series.length,
          measured.map((cell) => ({ kind: 'cell', label, cell })),
        )
        series.push({
          type: 'line',
          name: label,
          data: measured.map((c) => markedPoint([c.pool, c.speedup ?? 0], c.stats.noisy, p)),
          symbol: runSymbols[ri % runSymbols.length],
          symbolSize: 8,
          itemStyle: { color: colour },
          lineStyle: { color: colour, width: 2 },
          z: 3,
        })
      }
      const fit = run.fits.find((f) => f.n === n)
      if (fit && fit.points > 0) {
        const f = fit.serialFraction
        // Same name as the measured line: one legend entry toggles both, and the legend shows f beside it.
        const label = name(ri, `N=${n}`)
        fitNotes.set(label, `f=${f.toFixed(2)}`)
        const grid = curvePools(maxPool, pools)
        table.set(
          series.length,
          grid.map((q) => ({
            kind: 'curve',
            label: `${label}: Amdahl fit, f=${f.toFixed(3)}`,
            p: q,
            s: amdahlSpeedup(f, q),
          })),
        )
        series.push({
          type: 'line',
          id: `fit:${ri}:${n}`,
          name: label,
          data: grid.map((q) => [q, amdahlSpeedup(f, q)]),
          symbol: 'none',
          lineStyle: { color: colour, width: 1.5, type: 'dashed', opacity: 0.8 },
          itemStyle: { color: colour },
          z: 2,
        })
      }
    }
  })

  // The machine's bound beside the law's: a memory-bound sum cannot beat BW(p)/BW(1), whatever f is.
  const ceiling = bandwidthCeilingSeries(runs, maxPool, p.noisy)
  if (ceiling) {
    table.set(
      series.length,
      (ceiling.data as [number, number][]).map(([q, s]) => ({ kind: 'curve', label: CEILING_NAME, p: q, s })),
    )
    series.push(ceiling)
  }

  const chunkNote = runs.length === 1 ? ` · ${chunkBasisLabel(runs[0])}` : ''
  const points = series.reduce((n, s) => n + (s.data?.length ?? 0), 0)
  const base = baseOption(
    p,
    'Speedup vs workers',
    `S = T₁ / Tₚ · dashed: ideal (grey) and Amdahl fit per N${ceiling ? ' · dotted: memory ceiling' : ''} · ▲ noisy${chunkNote}`,
    points,
  )
  const legendName = (n: string) => (fitNotes.has(n) ? `${n} (${fitNotes.get(n)})` : n)
  const { legend, bottom } = fitLegend(
    base.legend,
    series.map((s) => legendName(String(s.name))),
    legendWidth,
  )
  return {
    ...base,
    legend: { ...legend, formatter: legendName },
    tooltip: { ...base.tooltip, formatter: table.formatter(tooltip) },
    grid: gridBox({ bottom }),
    xAxis: {
      type: 'value',
      name: 'workers p (pool size)',
      nameLocation: 'middle',
      nameGap: 26,
      min: 1,
      max: maxPool,
      minInterval: 1,
      ...axisStyle(p),
    },
    yAxis: {
      type: 'value',
      name: 'speedup S (×)',
      nameLocation: 'middle',
      nameGap: 36,
      min: 0,
      ...axisStyle(p),
    },
    series,
  }
}

// Chart 2: speedup against pool size, one line per N with 95% error bars, the ideal S = p and each N's Amdahl fit
// (dashed) where the run has one for the chunk setting drawn.
import type { AmdahlFit, Run } from '../../../../common/contract'
import { amdahlSpeedup, curvePools } from '../amdahl'
import { medianText, percentText, ratioText, tooltipHtml } from '../format'
import { formatMs } from '../../lib/format'
import {
  allPools,
  allSizes,
  chunkBasisLabel,
  flagRows,
  isFlagged,
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
import type { ChartOption, ChartTheme, CustomSeriesOption, LineSeriesOption } from '../types'
import { errorBarSeries } from './errorBars'

type Point =
  | { kind: 'cell'; label: string; cell: PlottableCell }
  | { kind: 'curve'; label: string; p: number; s: number; fit?: AmdahlFit }

const pct = (x: number) => `${(x * 100).toFixed(1)}%`

function tooltip(pt: Point): string {
  if (pt.kind === 'curve') {
    const rows: [string, string][] = [
      ['p', String(Number(pt.p.toPrecision(3)))],
      ['S', pt.s.toFixed(2)],
    ]
    const fit = pt.fit
    if (fit) {
      rows.push(
        [
          'serial fraction f [95% CI]',
          `${pct(fit.serialFraction)} [${pct(fit.serialFractionCi.low)} – ${pct(fit.serialFractionCi.high)}]`,
        ],
        ['residual (rmse of S)', fit.rmse.toFixed(3)],
        [
          'speedup limit 1/f',
          fit.speedupLimit === null ? '— (f may be 0)' : `${fit.speedupLimit.toFixed(1)}×`,
        ],
        ['pools fitted', fit.pools.join(', ')],
      )
    }
    return tooltipHtml(pt.label, rows)
  }
  const c = pt.cell
  return tooltipHtml(pt.label, [
    ['workers p', String(c.pool)],
    ['speedup S [95% CI]', ratioText(c.speedup, c.speedupCi)],
    ['efficiency E = S/p', percentText(c.efficiency, c.efficiencyCi)],
    ['Karp–Flatt serial fraction', c.pool > 1 ? ratioText(c.karpFlatt, c.karpFlattCi) : '— (needs p > 1)'],
    ['median time', medianText(c.stats)],
    ['base case', c.baseMs === null ? '—' : formatMs(c.baseMs)],
    ...flagRows(c),
  ])
}

export function speedupVsWorkers(runs: Run[], theme: ChartTheme, legendWidth = LEGEND_WIDTH): ChartOption {
  const p = palette(theme)
  const pools = allPools(runs)
  const sizes = allSizes(runs)
  const name = seriesNamer(runs)
  const maxPool = Math.max(1, ...pools)
  const series: (LineSeriesOption | CustomSeriesOption)[] = []
  const table = new PointTable<Point>()
  const fitNotes = new Map<string, string>()
  let unfitted = 0
  let drawn = 0

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
          data: measured.map((c) => markedPoint([c.pool, c.speedup ?? 0], isFlagged(c), p)),
          symbol: runSymbols[ri % runSymbols.length],
          symbolSize: 8,
          itemStyle: { color: colour },
          lineStyle: { color: colour, width: 2 },
          z: 3,
        })
        // The speedup's bootstrap interval as an error bar; same name, so the legend toggles it with its line.
        const bars = measured.filter((c) => c.speedupCi !== null && !c.serial)
        if (bars.length > 0) {
          series.push(
            errorBarSeries(
              label,
              colour,
              bars.map((c) => [c.pool, c.speedupCi?.low ?? 0, c.speedupCi?.high ?? 0]),
            ),
          )
        }
      }
      // The fit of exactly the points drawn: one chunk setting for this N, and a fit the engine made for it.
      const chunks = new Set(measured.map((c) => c.chunkSpec))
      const fit =
        chunks.size === 1
          ? run.fits.find((f) => f.n === n && f.chunkSpec === measured[0].chunkSpec)
          : undefined
      if (measured.length > 0) drawn++
      if (!fit && measured.length > 0) unfitted++
      if (fit) {
        const f = fit.serialFraction
        // Same name as the measured line: one legend entry toggles both, and the legend shows f beside it.
        const label = name(ri, `N=${n}`)
        fitNotes.set(label, `f=${f.toFixed(2)}`)
        const grid = curvePools(maxPool, pools)
        table.set(
          series.length,
          grid.map((q) => ({
            kind: 'curve',
            label: `${label}: Amdahl fit`,
            p: q,
            s: amdahlSpeedup(f, q),
            fit,
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
  const points = series.reduce((n, s) => n + (Array.isArray(s.data) ? s.data.length : 0), 0)
  // Said once in the subtitle rather than drawn: a curve through too few points would look like a finding.
  const fitNote =
    unfitted === 0
      ? ''
      : unfitted === drawn
        ? ' · not enough pool sizes to fit Amdahl'
        : ' · some N: not enough pool sizes to fit'
  const base = baseOption(
    p,
    'Speedup vs workers',
    `S = T₁ / Tₚ, bars: 95% CI · dashed: ideal and Amdahl fit${ceiling ? ' · dotted: memory ceiling' : ''} · ▲ flagged${chunkNote}${fitNote}`,
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

// Chart 2: speedup against pool size, one line per N with 95% error bars, the ideal S = p and each N's Amdahl fit
// (dashed) where the run has one for the chunk setting drawn.
import type { AmdahlFit, Cell, Run } from '../../../../common/contract'
import { amdahlSpeedup, curvePools } from '../amdahl'
import { ciLabel, medianText, percentText, ratioText, tooltipHtml } from '../format'
import { fitLevel, levelPercent, levelSuffix, ratioLevel } from '../../../../common/cell-text'
import { limitText } from '../../../../common/fits'
import { CONFIDENCE } from '../../../../common/stats'
import { formatMs } from '../../lib/format'
import {
  allPools,
  allSizes,
  chunkBasisLabel,
  flagRows,
  isFlagged,
  representativeCells,
  seriesNamer,
  sizeShade,
  type PlottableCell,
} from '../select'
import { chartFrame, PlottedSeries, runLine, workersAxis, zeroAxis } from '../scaffold'
import { LEGEND_WIDTH, markedPoint, palette, runColour, runSymbols } from '../theme'
import { bandwidthCeilingSeries, CEILING_NAME } from './ceilings'
import type { ChartOption, ChartTheme, CustomSeriesOption, LineSeriesOption } from '../types'
import { errorBarSeries } from './errorBars'

type Point =
  | { kind: 'cell'; label: string; cell: PlottableCell; level: number | null }
  | { kind: 'curve'; label: string; p: number; s: number; fit?: AmdahlFit; level?: number | null }

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
          `serial fraction f ${ciLabel(pt.level ?? null)}`,
          `${pct(fit.serialFraction)} [${pct(fit.serialFractionCi.low)} – ${pct(fit.serialFractionCi.high)}]`,
        ],
        ['residual (rmse of S)', fit.rmse.toFixed(3)],
        ['speedup limit 1/f', limitText(fit)],
        ['pools fitted', fit.pools.join(', ')],
      )
    }
    return tooltipHtml(pt.label, rows)
  }
  const c = pt.cell
  return tooltipHtml(pt.label, [
    ['workers p', String(c.pool)],
    [`speedup S ${ciLabel(pt.level)}`, ratioText(c.speedup, c.speedupCi)],
    ['efficiency E = S/p', percentText(c.efficiency, c.efficiencyCi) + levelSuffix(pt.level)],
    ['Karp–Flatt serial fraction', karpFlattText(c, pt.level)],
    ['median time', medianText(c.stats)],
    ['base case', c.baseMs === null ? '—' : formatMs(c.baseMs)],
    ...flagRows(c),
  ])
}

/**
 * e = (1/S − 1/p)/(1 − 1/p) reads as a serial fraction only from 0 to 1: past 1 the p workers took longer than one
 * did (S < 1), and the figure measures overhead, not a fraction of the work; said so beside it.
 */
export function karpFlattText(
  c: Pick<Cell, 'pool' | 'karpFlatt' | 'karpFlattCi'>,
  level: number | null = null,
): string {
  if (c.pool <= 1) return '— (needs p > 1)'
  // The level its interval claims (below 95% over few samples) right after the interval.
  const text = ratioText(c.karpFlatt, c.karpFlattCi) + (c.karpFlattCi ? levelSuffix(level) : '')
  return c.karpFlatt !== null && c.karpFlatt > 1
    ? `${text} (above 1: slower than one worker, overhead)`
    : text
}

/** What the error bars are, said in the subtitle: "95% CI", and how low they go where medians have few samples. */
export const barsLevel = (lowest: number): string =>
  lowest < CONFIDENCE ? `95% CI (${levelPercent(lowest)} over few samples)` : '95% CI'

export function speedupVsWorkers(runs: Run[], theme: ChartTheme, legendWidth = LEGEND_WIDTH): ChartOption {
  const p = palette(theme)
  const pools = allPools(runs)
  const sizes = allSizes(runs)
  const name = seriesNamer(runs)
  const maxPool = Math.max(1, ...pools)
  const plotted = new PlottedSeries<LineSeriesOption | CustomSeriesOption, Point>()
  const fitNotes = new Map<string, string>()
  /** Sizes drawn without a fit because no chunk setting has enough pool sizes. */
  let unfitted = 0
  /** Sizes drawn without a fit because their best chunks differ by pool, though some chunk setting has a fit. */
  let mixed = 0
  let drawn = 0
  /** The lowest level a drawn bar claims: below 95% where a median behind it has few samples. */
  let lowest = CONFIDENCE

  const idealPools = [...new Set([1, ...pools])].sort((a, b) => a - b)
  plotted.add(
    {
      type: 'line',
      name: 'ideal S = p',
      data: idealPools.map((q) => [q, q]),
      symbol: 'none',
      lineStyle: { color: p.ideal, width: 2, type: 'dashed' },
      itemStyle: { color: p.ideal },
      z: 1,
    },
    idealPools.map((q) => ({ kind: 'curve', label: 'ideal S = p', p: q, s: q })),
  )

  runs.forEach((run, ri) => {
    const cells = representativeCells(run).filter((c) => c.speedup !== null)
    for (const n of sizes) {
      const colour = runColour(p, ri, runs.length, sizeShade(run, n))
      const measured = cells.filter((c) => c.n === n)
      if (measured.length > 0) {
        const label = name(ri, `N=${n}`)
        const levels = measured.map((cell) => ratioLevel(cell, run.cells))
        plotted.add(
          runLine({
            name: label,
            colour,
            data: measured.map((c) => markedPoint([c.pool, c.speedup ?? 0], isFlagged(c), p)),
            symbol: runSymbols[ri % runSymbols.length],
            symbolSize: 8,
            z: 3,
          }),
          measured.map((cell, i) => ({ kind: 'cell', label, cell, level: levels[i] })),
        )
        // The speedup's bootstrap interval as an error bar; same name, so the legend toggles it with its line.
        const bars = measured.filter((c) => c.speedupCi !== null && !c.serial)
        // A level is the bar's own: ratioLevel is null for the serial cell and a speedup without an interval.
        for (const level of levels) if (level !== null) lowest = Math.min(lowest, level)
        if (bars.length > 0) {
          plotted.add(
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
      if (!fit && measured.length > 0) {
        if (chunks.size > 1 && run.fits.some((f) => f.n === n)) mixed++
        else unfitted++
      }
      if (fit) {
        const f = fit.serialFraction
        // Same name as the measured line: one legend entry toggles both, and the legend shows f beside it.
        const label = name(ri, `N=${n}`)
        fitNotes.set(label, `f=${f.toFixed(2)}`)
        const grid = curvePools(maxPool, pools)
        const level = fitLevel(fit, run.cells)
        plotted.add(
          {
            type: 'line',
            id: `fit:${ri}:${n}`,
            name: label,
            data: grid.map((q) => [q, amdahlSpeedup(f, q)]),
            symbol: 'none',
            lineStyle: { color: colour, width: 1.5, type: 'dashed', opacity: 0.8 },
            itemStyle: { color: colour },
            z: 2,
          },
          grid.map((q) => ({
            kind: 'curve',
            label: `${label}: Amdahl fit`,
            p: q,
            s: amdahlSpeedup(f, q),
            fit,
            level,
          })),
        )
      }
    }
  })

  // The machine's bound beside the law's: a memory-bound sum cannot beat BW(p)/BW(1), whatever f is.
  const ceiling = bandwidthCeilingSeries(runs, maxPool, p.noisy)
  if (ceiling) {
    plotted.add(
      ceiling,
      (ceiling.data as [number, number][]).map(([q, s]) => ({ kind: 'curve', label: CEILING_NAME, p: q, s })),
    )
  }

  const chunkLabel = runs.length === 1 ? chunkBasisLabel(runs[0]) : null
  const chunkNote = chunkLabel ? ` · ${chunkLabel}` : ''
  // Said once in the subtitle rather than drawn: a curve through too few points would look like a finding. A line
  // of the best chunk per pool mixes chunk settings, each fitted on its own points: "not enough pool sizes" there
  // contradicted the fit the run's table lists for one of them.
  const fitNote =
    (unfitted === 0
      ? ''
      : unfitted === drawn
        ? ' · not enough pool sizes to fit Amdahl'
        : ' · some N: not enough pool sizes to fit') +
    (mixed === 0
      ? ''
      : `${mixed === drawn ? ' · ' : ' · some N: '}best chunk differs by pool: the fits, one per chunk setting, are listed with the run`)
  return chartFrame({
    palette: p,
    title: 'Speedup vs workers',
    subtitle: `S = T(base) / T(p), base: the serial cell · bars: ${barsLevel(lowest)} · dashed: ideal${unfitted + mixed < drawn ? ' and Amdahl fit' : ''}${ceiling ? ' · dotted: memory ceiling' : ''} · ▲ flagged${chunkNote}${fitNote}`,
    series: plotted.list,
    legendWidth,
    legendText: (n: string) => (fitNotes.has(n) ? `${n} (${fitNotes.get(n)})` : n),
    tooltip: { formatter: plotted.points.formatter(tooltip) },
    xAxis: workersAxis(p, maxPool),
    yAxis: zeroAxis(p, 'speedup S (×)'),
  })
}

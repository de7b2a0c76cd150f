// Absolute throughput, comparable across machines and kernels where speedup is not: GB/s against workers with the
// probe's bandwidth curve, and the cache staircase (GB/s against matrix size, with the cache sizes marked).
import { ceilingLabel, cellUnits, figureAt } from '../../../../common/ceilings'
import type { Run } from '../../../../common/contract'
import { bytesText, formatRatio, tooltipHtml } from '../format'
import { formatMs } from '../../lib/format'
import { allPools, allSizes, representativeCells, seriesNamer, serialCells, sizeShade } from '../select'
import { chartFrame, PlottedSeries, runLine, workersAxis, zeroAxis } from '../scaffold'
import { axisStyle, LEGEND_WIDTH, palette, runColour, serialColour } from '../theme'
import type { ChartOption, ChartTheme, LineSeriesOption } from '../types'
import { mixedProbes, probeOf } from './ceilings'

type Point = { label: string; rows: [string, string][] }
const rowsTooltip = (pt: Point) => tooltipHtml(pt.label, pt.rows)
const gb = (x: number | null) => (x === null ? '—' : `${formatRatio(x).replace('×', '')} GB/s`)

/** Runs whose GB/s these charts draw: the sum workload, which reads every entry of the matrix once. */
const readsMatrix = (run: Run): boolean => run.spec.workload === 'sum'

/** The matrix's GB/s per cell, one line per N, and the probe's read (and triad) bandwidth per pool size. */
export function throughputVsWorkers(runs: Run[], theme: ChartTheme, legendWidth = LEGEND_WIDTH): ChartOption {
  const p = palette(theme)
  // Only the sum workload reads a matrix whose bytes count; the others keep their letter and colour (run ri).
  const summed = runs.filter(readsMatrix)
  const pools = allPools(summed)
  const sizes = allSizes(summed)
  const name = seriesNamer(runs)
  const probe = probeOf(summed)
  const maxPool = Math.max(1, ...pools, ...(probe?.read.map((f) => f.pool) ?? []))
  const plotted = new PlottedSeries<LineSeriesOption, Point>()

  if (probe) {
    for (const [key, label, figures] of [
      ['read', 'probe: read bandwidth', probe.read],
      ['triad', 'probe: triad bandwidth', probe.triad],
    ] as const) {
      const data = figures.filter((f) => f.pool <= maxPool)
      plotted.add(
        {
          type: 'line',
          id: `probe:${key}`,
          name: label,
          data: data.map((f) => [f.pool, f.value.median]),
          symbol: 'none',
          lineStyle: {
            color: key === 'read' ? p.ideal : p.serial,
            width: 2.5,
            type: key === 'read' ? 'dotted' : 'dashed',
          },
          itemStyle: { color: key === 'read' ? p.ideal : p.serial },
          z: 1,
        },
        data.map((f) => ({
          label,
          rows: [
            ['workers p', String(f.pool)],
            ['median', gb(f.value.median)],
            ['95% interval', `${gb(f.value.low)} – ${gb(f.value.high)}`],
          ],
        })),
      )
    }
  }

  runs.forEach((run, ri) => {
    if (!readsMatrix(run)) return
    const cells = representativeCells(run).filter((c) => !c.serial)
    for (const n of sizes) {
      const measured = cells.filter((c) => c.n === n)
      if (measured.length === 0) continue
      const colour = runColour(p, ri, runs.length, sizeShade(run, n))
      const label = name(ri, `N=${n}`)
      const points = measured.map((c) => ({
        c,
        u: cellUnits(c, run.spec.workload, run.spec.centroids, run.machine.ceilings),
      }))
      plotted.add(
        runLine({
          name: label,
          colour,
          data: points.map(({ c, u }) => [c.pool, u.gbPerS ?? 0]),
          symbolSize: 8,
          z: 3,
        }),
        points.map(({ c, u }) => ({
          label,
          rows: [
            ['workers p', String(c.pool)],
            ['throughput', gb(u.gbPerS)],
            [
              'share of the ceiling',
              u.ofCeiling === null
                ? '— (no probe)'
                : `${Math.round(u.ofCeiling * 100)}% (${u.ceiling === null ? '' : ceilingLabel(u.ceiling)})`,
            ],
            ['median time', formatMs(c.stats.median)],
          ],
        })),
      )
    }
  })

  return chartFrame({
    palette: p,
    title: 'Throughput vs workers',
    subtitle: probe
      ? 'GB/s of the matrix read · dotted: the probe’s read bandwidth, dashed: its triad'
      : mixedProbes(runs)
        ? 'GB/s of the matrix read · runs of different machines or probes: open one to see its bandwidth'
        : 'GB/s of the matrix read · runs swept after the machine is measured draw its bandwidth',
    series: plotted.list,
    legendWidth,
    tooltip: { formatter: plotted.points.formatter(rowsTooltip) },
    xAxis: workersAxis(p, maxPool),
    yAxis: zeroAxis(p, 'GB/s'),
  })
}

/** A label along a vertical mark: at its top end, or at its bottom end. */
export type MarkLabelEnd = 'insideEndTop' | 'insideStartTop'

/**
 * Where a cache mark's label goes along its dashed line: at the top, unless a point drawn within half an octave of
 * the line stands in the upper part of the plot (a 30.5 MiB matrix beside a 32 MiB L3: the label crossed its
 * point); then at the bottom, unless a point stands low beside the line too (then the top, as before). Heights are
 * fractions of the highest point: the axis may end above it, so the top band is taken wide.
 */
export function markLabelEnd(markBytes: number, points: readonly [number, number][]): MarkLabelEnd {
  const top = Math.max(0, ...points.map(([, y]) => y))
  if (!(top > 0)) return 'insideEndTop'
  const near = points
    .filter(([x]) => x > 0 && Math.abs(Math.log2(x / markBytes)) < 0.5)
    .map(([, y]) => y / top)
  if (!near.some((f) => f > 0.6)) return 'insideEndTop'
  return near.some((f) => f < 0.3) ? 'insideEndTop' : 'insideStartTop'
}

/**
 * GB/s against the matrix's size in bytes (log axis), one line per pool (the serial baseline included), with the
 * probe's L1/L2/L3 sizes as vertical lines: throughput steps down where the matrix stops fitting in a cache.
 */
export function cacheStaircase(runs: Run[], theme: ChartTheme, legendWidth = LEGEND_WIDTH): ChartOption {
  const p = palette(theme)
  const name = seriesNamer(runs)
  const summed = runs.filter(readsMatrix)
  const probe = probeOf(summed)
  const pools = allPools(summed)
  const plotted = new PlottedSeries<LineSeriesOption, Point>()
  const series = plotted.list
  runs.forEach((run, ri) => {
    if (!readsMatrix(run)) return
    const byPool = new Map<string, typeof cells>()
    const cells = [...serialCells(run), ...representativeCells(run).filter((c) => !c.serial)]
    for (const c of cells) {
      const key = c.serial ? 'serial' : `p=${c.pool}`
      byPool.set(key, [...(byPool.get(key) ?? []), c])
    }
    ;[...byPool.entries()].forEach(([key, list]) => {
      const label = name(ri, key)
      // Each pool the colour it wears on the time chart, whatever pools this run has.
      const colour =
        key === 'serial'
          ? serialColour(p, ri, runs.length)
          : runColour(p, ri, runs.length, pools.indexOf(list[0].pool), true)
      const pts = list
        .sort((a, b) => a.n - b.n)
        .map((c) => ({ c, u: cellUnits(c, run.spec.workload, run.spec.centroids, run.machine.ceilings) }))
      plotted.add(
        runLine({
          name: label,
          colour,
          data: pts.map(({ c, u }) => [c.entries * 8, u.gbPerS ?? 0]),
          symbolSize: 7,
          z: 3,
        }),
        pts.map(({ c, u }) => ({
          label,
          rows: [
            ['N', String(c.n)],
            ['matrix', bytesText(c.entries * 8)],
            ['throughput', gb(u.gbPerS)],
          ],
        })),
      )
    })
  })
  const caches = probe?.caches
  const points = series.flatMap((s) => s.data as [number, number][])
  const marks = caches
    ? (['L1', 'L2', 'L3'] as const)
        .filter((l) => caches[l] !== null)
        .map((l) => ({
          xAxis: caches[l] ?? 0,
          name: l,
          label: {
            formatter: `${l} ${bytesText(caches[l] ?? 0)}`,
            position: markLabelEnd(caches[l] ?? 0, points),
          },
        }))
    : []
  if (marks.length > 0 && series[0]) {
    series[0].markLine = {
      silent: true,
      symbol: 'none',
      lineStyle: { color: p.ideal, type: 'dashed', width: 1 },
      label: { color: p.subtext },
      data: marks,
    }
  }
  const memory = probe ? figureAt(probe.read, 1) : null
  // The axis spans the matrices and every cache mark: a mark beyond the swept sizes (L3 past the largest matrix)
  // would otherwise fall off the auto-ranged axis. An end that is itself a power of two (a 32 KiB L1) gets an
  // octave more: a mark on the axis's edge drew its label over the tick labels, or over the last matrix's point.
  const spanned = [...points.map(([bytes]) => bytes), ...marks.map((m) => m.xAxis)].filter(
    (bytes) => bytes > 0,
  )
  const range =
    spanned.length > 0
      ? {
          min: 2 ** (Math.ceil(Math.log2(Math.min(...spanned))) - 1),
          max: 2 ** (Math.floor(Math.log2(Math.max(...spanned))) + 1),
        }
      : {}
  return chartFrame({
    palette: p,
    title: 'Cache staircase',
    subtitle: caches
      ? `GB/s vs the matrix’s bytes · dashed: cache sizes${memory ? ` · one worker’s memory bandwidth ${memory.toFixed(1)} GB/s` : ''}`
      : mixedProbes(runs)
        ? 'GB/s vs the matrix’s bytes · runs of different machines or probes: open one to see its caches'
        : 'GB/s vs the matrix’s bytes · runs swept after the machine is measured mark its caches',
    series,
    legendWidth,
    tooltip: { formatter: plotted.points.formatter(rowsTooltip) },
    xAxis: {
      type: 'log',
      // Powers of two: bytes are labelled in binary units (KiB, MiB), which powers of ten printed as 9.8 KiB.
      logBase: 2,
      name: 'matrix size (bytes)',
      nameLocation: 'middle',
      nameGap: 26,
      ...range,
      ...axisStyle(p),
      axisLabel: { ...axisStyle(p).axisLabel, formatter: (v: number) => bytesText(v) },
    },
    yAxis: zeroAxis(p, 'GB/s'),
  })
}

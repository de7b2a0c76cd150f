// Chart 3: efficiency E = S/p as a heat map, matrix size N (rows) × workers (columns), with percent labels.
import type { Run } from '../../../../common/contract'
import { ciLabel, medianText, percentText, ratioText, tooltipHtml } from '../format'
import { ratioLevel } from '../../../../common/cell-text'
import { formatPercent } from '../../lib/format'
import {
  allPools,
  allSizes,
  chunkBasisLabel,
  flagRows,
  isFlagged,
  representativeCells,
  runLabels,
  runTag,
  type PlottableCell,
} from '../select'
import { axisStyle, baseOption, gridBox, LEGEND_WIDTH, palette, TITLE_ROOM, titleTop } from '../theme'
import { PointTable } from '../tooltip'
import type { ChartOption, ChartTheme } from '../types'

interface Point {
  row: string
  /** The run's name, where overlaid runs' rows go by their letters. */
  run: string | null
  cell: PlottableCell
  /** The level its intervals claim, where below 95% (common/cell-text ratioLevel). */
  level: number | null
}

function tooltip(pt: Point): string {
  const c = pt.cell
  return tooltipHtml(pt.row, [
    ...(pt.run !== null ? ([['run', pt.run]] as [string, string][]) : []),
    ['workers p', String(c.pool)],
    [`efficiency E ${ciLabel(pt.level)}`, percentText(c.efficiency, c.efficiencyCi)],
    [`speedup S ${ciLabel(pt.level)}`, ratioText(c.speedup, c.speedupCi)],
    ['median time', medianText(c.stats)],
    ...flagRows(c),
  ])
}

/** The canvas height of every chart card (ChartCard.vue's .chart-card__chart): what the heat map centres in. */
export const CHART_HEIGHT = 380
/** Room for the visual map below the heat map's box (its axis labels sit inside the box); TITLE_ROOM above. */
const BOTTOM = 72
/** Height of the x axis's labels and name inside the box. */
const X_AXIS = 44
/** The tallest a row of cells may grow: one or two sizes make a modest band, not a wall of colour. */
export const MAX_ROW_HEIGHT = 48
/** The shortest a row may get: its label and figure stay legible; more rows make a taller chart instead. */
export const MIN_ROW_HEIGHT = 22

/** The canvas height a heat map of this many rows needs: the card's usual height, or taller for many rows. */
export function heatmapHeight(rowCount: number): number {
  return Math.max(CHART_HEIGHT, TITLE_ROOM + BOTTOM + X_AXIS + rowCount * MIN_ROW_HEIGHT)
}

/**
 * Top and bottom of the heat map's box, and the visual map's offset, with the cells centred when rows are few;
 * below a title whose plot starts at top (titleTop: lower for a subtitle of several lines, on a canvas taller by
 * as much, so the rows keep their height).
 */
export function heatmapLayout(
  rowCount: number,
  top = TITLE_ROOM,
): { top: number; bottom: number; visualMapBottom: number } {
  const available = heatmapHeight(rowCount) - TITLE_ROOM - BOTTOM - X_AXIS
  const spare = Math.max(0, available - rowCount * MAX_ROW_HEIGHT)
  const half = Math.floor(spare / 2)
  return { top: top + half, bottom: BOTTOM + half, visualMapBottom: 4 + half }
}

/** The top of the colour scale: 150%, so that 100% sits on its green stop and beyond it turns blue. */
export const EFFICIENCY_SCALE_MAX = 1.5

/** The heat map; width (px) is the room across the card, which the subtitle wraps to. */
export function efficiencyHeatmap(runs: Run[], theme: ChartTheme, width = LEGEND_WIDTH): ChartOption {
  const p = palette(theme)
  const pools = allPools(runs)
  const sizes = allSizes(runs)
  const labels = runLabels(runs)
  // Overlaid runs get their own rows, grouped by run: "B · N=1000" (the letter the run key and every legend give
  // it; a name ate half a narrow card), only for the sizes that run swept; a size
  // whose cells were all cancelled or failed keeps its row, saying so, rather than an unexplained blank.
  // The category axis runs bottom-up: list the runs last-first so the first run reads at the top.
  const plotted = runs.map((run) => representativeCells(run).filter((c) => c.efficiency !== null))
  const rows: { label: string; run: number; n: number }[] = [...runs.keys()].reverse().flatMap((ri) =>
    sizes
      .filter((n) => runs[ri].cells.some((c) => c.n === n))
      .map((n) => {
        const name = runs.length > 1 ? `${runTag(ri)} · N=${n}` : `N=${n}`
        const measured = plotted[ri].some((c) => c.n === n)
        return { label: measured ? name : `${name} (not measured)`, run: ri, n }
      }),
  )
  const data: [number, number, number][] = []
  const points: Point[] = []
  plotted.forEach((cells, ri) => {
    for (const cell of cells) {
      const y = rows.findIndex((r) => r.run === ri && r.n === cell.n)
      data.push([pools.indexOf(cell.pool), y, cell.efficiency ?? 0])
      points.push({
        row: rows[y].label,
        run: runs.length > 1 ? labels[ri] : null,
        cell,
        level: ratioLevel(cell, runs[ri].cells),
      })
    }
  })
  const table = new PointTable<Point>()
  table.set(0, points)

  const chunkLabel = runs.length === 1 ? chunkBasisLabel(runs[0]) : null
  const chunkNote = chunkLabel ? ` · ${chunkLabel}` : ''
  const base = baseOption(
    p,
    'Efficiency',
    `E = S / p: 100% means every worker pulls its full weight · * flagged${chunkNote}`,
    width,
  )
  const layout = heatmapLayout(rows.length, titleTop(base.title))
  return {
    ...base,
    legend: undefined,
    tooltip: { ...base.tooltip, formatter: table.formatter(tooltip) },
    grid: gridBox({ top: layout.top, bottom: layout.bottom, right: 28 }),
    xAxis: {
      type: 'category',
      name: 'workers p (pool size)',
      nameLocation: 'middle',
      nameGap: 26,
      data: pools.map(String),
      ...axisStyle(p),
      splitArea: { show: false },
    },
    yAxis: {
      type: 'category',
      // Overlaid runs label their rows "run · N=…", which says it all; an axis name would sit on those labels.
      name: runs.length > 1 ? '' : 'matrix side N',
      nameLocation: 'middle',
      nameGap: 64,
      data: rows.map((r) => r.label),
      ...axisStyle(p),
    },
    visualMap: {
      type: 'continuous',
      min: 0,
      // 0–100% keeps its red-to-green stops (a quarter apart), and two more run on to 150% in blue: a cell beyond
      // 100% (warm-up, caches, noise) stood out from no cell when it wore the same green as 100%.
      max: EFFICIENCY_SCALE_MAX,
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: layout.visualMapBottom,
      itemHeight: 160,
      itemWidth: 12,
      precision: 2,
      text: ['beyond 100%: suspect', 'wasted'],
      textStyle: { color: p.subtext },
      inRange: { color: [...p.heatmap, ...p.heatmapAbove] },
      formatter: (value: unknown) => formatPercent(Number(value)),
    },
    series: [
      {
        type: 'heatmap',
        name: 'efficiency',
        data,
        label: {
          show: true,
          color: p.heatmapLabel,
          // A flagged cell's figure carries an asterisk: its tooltip says what to make of it.
          formatter: (params) =>
            formatPercent(Number((params.value as number[])[2])) +
            (points[params.dataIndex] && isFlagged(points[params.dataIndex].cell) ? '*' : ''),
        },
        itemStyle: { borderColor: p.background, borderWidth: 2 },
        emphasis: { itemStyle: { borderColor: p.text, borderWidth: 2 } },
      },
    ],
  }
}

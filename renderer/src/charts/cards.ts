// The chart cards of the charts view: key, title, a teaching line on how to read each chart, and its option.
import type { Run } from '../../../common/contract'
import {
  bindingLimitSentence,
  cacheStaircase,
  efficiencyHeatmap,
  throughputVsWorkers,
  timeBreakdown,
  speedupVsWorkers,
  startupAndTransfer,
  timeVsChunkRows,
  timeVsEntries,
  varyingModes,
} from './options'
import { CHART_HEIGHT, heatmapHeight } from './options/efficiencyHeatmap'
import { probeOf } from './options/ceilings'
import { legendRoom } from './legend-keys'
import { allSizes, runLabels, runTag } from './select'
import { fitLegend, LEGEND_WIDTH, legendExtraHeight, subtitleExtraHeight } from './theme'
import type { ChartOption, ChartTheme } from './types'

export const chartKeys = [
  'time',
  'speedup',
  'efficiency',
  'chunks',
  'startup',
  'throughput',
  'staircase',
  'breakdown',
] as const
export type ChartKey = (typeof chartKeys)[number]

export interface ChartCardModel {
  key: ChartKey
  title: string
  howTo: string
  option: ChartOption | null
  note?: string
  /** One sentence under the chart saying what it finds (the speedup chart: which limit binds each size). */
  finding?: string
  /**
   * Spans the whole row: the start-up chart, last of five, would otherwise sit alone in half a row of two
   * columns; its side-by-side transfer comparison uses the width too.
   */
  wide?: boolean
  /** Canvas height, px: taller than usual for a heat map of many rows or a legend of many rows. */
  height: number
  /** What the canvas legend takes at the chart's foot, px: the keyboard's legend shows over it (0: no legend). */
  legendRoom: number
}

/** Most sizes the per-size charts (speedup, chunks) draw at once: beyond it, lines stop being told apart. */
export const MAX_SIZE_LINES = 6

/**
 * The sizes the per-size charts show: the one the reader picked, or all when few, or MAX_SIZE_LINES spread
 * evenly on a log scale from the smallest to the largest (a size selector offers the rest one at a time).
 */
export function shownSizes(sizes: readonly number[], focus: number | null): number[] {
  if (focus !== null && sizes.includes(focus)) return [focus]
  if (sizes.length <= MAX_SIZE_LINES) return [...sizes]
  const picked = new Set<number>()
  for (let k = 0; k < MAX_SIZE_LINES; k++)
    picked.add(sizes[Math.round((k * (sizes.length - 1)) / (MAX_SIZE_LINES - 1))])
  return sizes.filter((n) => picked.has(n))
}

/** Runs cut down to these sizes (cells and fits), for the charts that draw one line per size. */
export function onlySizes(runs: Run[], sizes: readonly number[]): Run[] {
  const keep = new Set(sizes)
  return runs.map((run) => ({
    ...run,
    cells: run.cells.filter((c) => keep.has(c.n)),
    fits: run.fits.filter((f) => keep.has(f.n)),
  }))
}

/**
 * Overlaid runs in a legend go by their letter ("B · p=2", the run key above the charts names each): series keep
 * their full names (tooltips, toggling), only the legend's text is short, so six runs fit a few legend rows.
 */
export function compactLegend(option: ChartOption | null, runs: Run[], width: number): ChartOption | null {
  const legend = option?.legend
  if (!option || runs.length < 2 || !legend || Array.isArray(legend)) return option
  const labels = runLabels(runs)
  const before = typeof legend.formatter === 'function' ? legend.formatter : (n: string) => n
  const short = (name: string): string => {
    const text = before(name)
    const k = labels.findIndex((l) => text.startsWith(`${l} · `))
    return k < 0 ? text : `${runTag(k)} · ${text.slice(labels[k].length + 3)}`
  }
  const series = Array.isArray(option.series) ? option.series : option.series ? [option.series] : []
  const names = series.map((s) => String(s.name ?? '')).filter((n) => n !== '')
  // The short legend may need fewer rows than the long one the chart made room for: every grid (the start-up
  // chart has two) moves down by the rows saved and keeps the rest of its box (top, sides, room for axis names).
  const saved = fitLegend({}, names, width).bottom - fitLegend({}, names.map(short), width).bottom
  type Grid = Exclude<NonNullable<ChartOption['grid']>, readonly unknown[]>
  const lower = (grid: Grid): Grid =>
    typeof grid.bottom === 'number' ? { ...grid, bottom: grid.bottom - saved } : grid
  const grid = Array.isArray(option.grid)
    ? option.grid.map(lower)
    : option.grid
      ? lower(option.grid)
      : undefined
  return { ...option, legend: { ...legend, formatter: short }, grid }
}

/** The canvas height an option needs: the usual one, plus the rows of a legend past three and of a subtitle past one. */
function heightOf(option: ChartOption | null): number {
  const grid = option?.grid
  const bottom = grid && !Array.isArray(grid) && typeof grid.bottom === 'number' ? grid.bottom : 0
  return CHART_HEIGHT + legendExtraHeight(bottom) + (option ? subtitleExtraHeight(option) : 0)
}

/** Narrowest a card may get before the grid drops to one column (ChartsView.vue's minmax). */
export const MIN_CARD_WIDTH = 520
/** Gap between cards, px (ChartsView.vue). */
export const CARD_GAP = 14
/** What a card's padding, border and the legend's own margin take from its width, px. */
const CARD_CHROME = 50

/** The least room a legend or subtitle gets, px: a card in a 420 px window is narrower than MIN_CARD_WIDTH. */
const MIN_ROOM = 200

/**
 * Room for the legends and subtitles of normal and wide cards in a grid this wide, px; the narrowest card without
 * a width. A grid narrower than MIN_CARD_WIDTH (a phone) has one card as wide as itself, and the room of that.
 */
export function legendWidths(gridWidth: number | null): { card: number; wide: number } {
  if (gridWidth === null || !Number.isFinite(gridWidth) || gridWidth <= 0)
    return { card: LEGEND_WIDTH, wide: LEGEND_WIDTH }
  const columns = Math.max(1, Math.floor((gridWidth + CARD_GAP) / (MIN_CARD_WIDTH + CARD_GAP)))
  const card = (gridWidth - CARD_GAP * (columns - 1)) / columns
  // Rounded down to 20 px steps, so resizing a window rebuilds the charts only now and then.
  const room = (w: number) => Math.max(MIN_ROOM, Math.floor((w - CARD_CHROME) / 20) * 20)
  return { card: room(card), wide: room(gridWidth) }
}

/** Whether any of the runs has a measured cell: without one there is nothing to chart. */
export const measuredAny = (runs: readonly Run[]): boolean =>
  runs.some((r) => r.cells.some((c) => c.stats !== null))

/** The cards for these runs; gridWidth (px) lets legends use the room they really have. */
export function chartCards(
  runs: Run[],
  theme: ChartTheme,
  gridWidth: number | null = null,
  focusN: number | null = null,
): ChartCardModel[] {
  // Runs that measured nothing (a run that failed at once, a cancel before the first cell) draw no empty axes.
  if (!measuredAny(runs)) return []
  const legend = legendWidths(gridWidth)
  const modes = varyingModes(runs)
  const sizes = allSizes(runs)
  const perSize = onlySizes(runs, shownSizes(sizes, focusN))
  const heatRows = runs.reduce((k, r) => k + new Set(r.cells.map((c) => c.n)).size, 0)
  const sumRuns = runs.filter((r) => r.spec.workload === 'sum')
  const broken = runs.find((r) => r.cells.some((c) => c.breakdown))
  const allSizesCount = new Set(sumRuns.flatMap((r) => r.spec.sizes)).size
  /** Every run measured a program of the user's: no pool of ours and no breakdown, said so in their words. */
  const programsOnly = runs.every((r) => r.spec.workload === 'command')
  const cards: Omit<ChartCardModel, 'height' | 'legendRoom'>[] = [
    {
      key: 'time',
      title: 'Time vs size',
      howTo:
        'Both axes are logarithmic. Where a pool’s line lies above the serial line, the pool costs more than it gains there: a matrix too small to pay for the workers, copies, or workers waiting on one memory.',
      option: compactLegend(timeVsEntries(runs, theme, legend.card), runs, legend.card),
    },
    {
      key: 'speedup',
      title: 'Speedup vs workers',
      howTo:
        'Ideal: the dashed diagonal. Falling below it is the serial fraction and overhead. Where two pool sizes above 1 fit within the cores, a dashed curve is Amdahl’s law fitted to each N.',
      option: compactLegend(speedupVsWorkers(perSize, theme, legend.card), runs, legend.card),
      finding: bindingLimitSentence(runs[0]) ?? undefined,
    },
    {
      key: 'efficiency',
      title: 'Efficiency',
      howTo:
        'Each cell is speedup ÷ workers. Green near 100% means busy workers; red means they mostly wait or pay overhead; blue, beyond 100%, is too good to be true (suspect warm-up, caches or noise).',
      option: efficiencyHeatmap(runs, theme, legend.card),
    },
    {
      key: 'chunks',
      title: 'Time vs chunk size',
      howTo:
        'Tiny chunks pay a round trip per task; huge ones leave workers idle at the end. The bottom of the valley is the sweet spot.',
      option: compactLegend(timeVsChunkRows(perSize, theme, legend.card), runs, legend.card),
      note: 'Chunk size was not swept. Run a sweep with several chunk rows (for example auto, 16, 64, 256) to see this trade-off.',
    },
    {
      key: 'startup',
      title: modes.length ? `Pool start-up and ${modes.join(', ')}` : 'Pool start-up',
      howTo: modes.includes('transfer')
        ? 'A pool costs time before any work. Right: shared memory hands workers the matrix without copying; copy clones rows to every worker.'
        : 'A pool costs time before any work: compare the cold start with the times above. The warm round trip is the price of one empty task.',
      // A program of the user's starts its own workers: no pool of ours to time.
      option: runs.some((r) => r.poolStartup.length > 0)
        ? compactLegend(startupAndTransfer(runs, theme, legend.wide), runs, legend.wide)
        : null,
      note: programsOnly
        ? 'Your program starts its own workers: there is no pool of Amdahl’s to time.'
        : 'No pool start-up was recorded with this run.',
      wide: true,
    },
    {
      key: 'throughput',
      title: 'Throughput vs workers',
      howTo:
        'Absolute GB/s compare across machines and kernels where speedup cannot. With a probe of this machine (amdahl probe), a line that meets its dotted curve gets all the memory delivers.',
      // A line per size, as on the speedup chart: the same sizes (20 lines repeated the palette's 10 colours).
      option: sumRuns.length
        ? // Every run, so each keeps the letter and colour of the run key; only the sum runs are drawn.
          compactLegend(throughputVsWorkers(perSize, theme, legend.card), runs, legend.card)
        : null,
      note: 'Throughput in GB/s is drawn for the memory-bound sum workload.',
    },
    {
      key: 'staircase',
      title: 'Cache staircase',
      // The dashed cache sizes come from a probe of the machine: without one, the text does not promise them.
      howTo: probeOf(sumRuns)
        ? 'A matrix that fits in a cache is read faster than one that comes from memory: throughput steps down past each dashed cache size.'
        : 'A matrix that fits in a cache is read faster than one that comes from memory: throughput steps down as the matrix outgrows each cache (measure this machine to mark its cache sizes).',
      option:
        sumRuns.length && allSizesCount > 1
          ? compactLegend(cacheStaircase(runs, theme, legend.card), runs, legend.card)
          : null,
      note: 'Sweep several sizes of the sum workload to see the steps (for example 100, 300, 1000, 3000).',
    },
    {
      key: 'breakdown',
      title: 'Where the time goes',
      howTo:
        'Each bar is one cell’s median sample: kernel time of the busiest worker, copies (transfer copy), dispatch and queueing, and the reduce.',
      // The first run that has a breakdown (a program of the user's has none), said in the subtitle when overlaid.
      option: broken
        ? timeBreakdown([broken, ...runs.filter((r) => r !== broken)], theme, legend.wide)
        : null,
      note: programsOnly
        ? 'Your program reports only its own time: Amdahl cannot see where it goes.'
        : 'This run was recorded before Amdahl measured where the time goes: run the sweep again to see it.',
      wide: true,
    },
  ]
  return cards.map((card) => ({
    ...card,
    height:
      card.key === 'efficiency' && card.option
        ? heatmapHeight(heatRows) + subtitleExtraHeight(card.option)
        : heightOf(card.option),
    legendRoom: legendRoom(card.option, card.wide ? legend.wide : legend.card),
  }))
}

/** A file name a save dialog accepts: amdahl-<run name>-<chart>.png, or amdahl-<k>-runs-<chart>.png for overlays. */
export function pngFileName(runs: Run[], key: ChartKey): string {
  const who = runs.length === 1 ? runs[0].name.trim() || runs[0].id : `${runs.length}-runs`
  const safe =
    who
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'run'
  return `amdahl-${safe}-${key}.png`
}

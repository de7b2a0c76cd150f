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
import { LEGEND_WIDTH } from './theme'
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
}

/** Narrowest a card may get before the grid drops to one column (ChartsView.vue's minmax). */
export const MIN_CARD_WIDTH = 520
/** Gap between cards, px (ChartsView.vue). */
export const CARD_GAP = 14
/** What a card's padding, border and the legend's own margin take from its width, px. */
const CARD_CHROME = 50

/** Room for the legends of normal and wide cards in a grid this wide, px; the narrowest card without a width. */
export function legendWidths(gridWidth: number | null): { card: number; wide: number } {
  if (gridWidth === null || !Number.isFinite(gridWidth) || gridWidth <= 0)
    return { card: LEGEND_WIDTH, wide: LEGEND_WIDTH }
  const columns = Math.max(1, Math.floor((gridWidth + CARD_GAP) / (MIN_CARD_WIDTH + CARD_GAP)))
  const card = (gridWidth - CARD_GAP * (columns - 1)) / columns
  // Rounded down to 20 px steps, so resizing a window rebuilds the charts only now and then.
  const room = (w: number) => Math.max(LEGEND_WIDTH, Math.floor((w - CARD_CHROME) / 20) * 20)
  return { card: room(card), wide: room(gridWidth) }
}

/** The cards for these runs; gridWidth (px) lets legends use the room they really have. */
export function chartCards(
  runs: Run[],
  theme: ChartTheme,
  gridWidth: number | null = null,
): ChartCardModel[] {
  if (runs.length === 0) return []
  const legend = legendWidths(gridWidth)
  const modes = varyingModes(runs)
  const sumRuns = runs.filter((r) => r.spec.workload === 'sum')
  const allSizesCount = new Set(sumRuns.flatMap((r) => r.spec.sizes)).size
  return [
    {
      key: 'time',
      title: 'Time vs size',
      howTo:
        'Both axes are logarithmic. Where a pool’s line lies above the serial line, the matrix is too small to pay for the workers.',
      option: timeVsEntries(runs, theme, legend.card),
    },
    {
      key: 'speedup',
      title: 'Speedup vs workers',
      howTo:
        'Ideal: the dashed diagonal. Falling below it is the serial fraction and overhead; the dashed curves are Amdahl’s law fitted to each N.',
      option: speedupVsWorkers(runs, theme, legend.card),
      finding: bindingLimitSentence(runs[0]) ?? undefined,
    },
    {
      key: 'efficiency',
      title: 'Efficiency',
      howTo:
        'Each cell is speedup ÷ workers. Green near 100% means busy workers; red means they mostly wait or pay overhead.',
      option: efficiencyHeatmap(runs, theme),
    },
    {
      key: 'chunks',
      title: 'Time vs chunk size',
      howTo:
        'Tiny chunks pay a round trip per task; huge ones leave workers idle at the end. The bottom of the valley is the sweet spot.',
      option: timeVsChunkRows(runs, theme, legend.card),
      note: 'Chunk size was not swept. Run a sweep with several chunk rows (for example auto, 16, 64, 256) to see this trade-off.',
    },
    {
      key: 'startup',
      title: modes.length ? `Pool start-up and ${modes.join(', ')}` : 'Pool start-up',
      howTo: modes.includes('transfer')
        ? 'A pool costs time before any work. Right: shared memory hands workers the matrix without copying; copy clones rows to every worker.'
        : 'A pool costs time before any work: compare the cold start with the times above. The warm round trip is the price of one empty task.',
      option: startupAndTransfer(runs, theme, legend.wide),
      wide: true,
    },
    {
      key: 'throughput',
      title: 'Throughput vs workers',
      howTo:
        'Absolute GB/s compare across machines and kernels where speedup cannot. Where a line meets the dotted probe curve, the memory delivers all it can.',
      option: sumRuns.length ? throughputVsWorkers(sumRuns, theme, legend.card) : null,
      note: 'Throughput in GB/s is drawn for the memory-bound sum workload.',
    },
    {
      key: 'staircase',
      title: 'Cache staircase',
      howTo:
        'A matrix that fits in a cache is read faster than one that comes from memory: throughput steps down past each dashed cache size.',
      option: sumRuns.length && allSizesCount > 1 ? cacheStaircase(sumRuns, theme, legend.card) : null,
      note: 'Sweep several sizes of the sum workload to see the steps (for example 100, 300, 1000, 3000).',
    },
    {
      key: 'breakdown',
      title: 'Where the time goes',
      howTo:
        'Each bar is one cell’s median sample: kernel time of the busiest worker, copies (transfer copy), dispatch and queueing, and the reduce.',
      option: runs[0].cells.some((c) => c.breakdown) ? timeBreakdown(runs, theme, legend.wide) : null,
      note: 'This run was recorded before Amdahl measured where the time goes: run the sweep again to see it.',
      wide: true,
    },
  ]
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

// The chart cards of the charts view: key, title, a teaching line on how to read each chart, and its option.
import type { Run } from '../../../main/contract'
import {
  efficiencyHeatmap,
  speedupVsWorkers,
  startupAndTransfer,
  timeVsChunkRows,
  timeVsEntries,
  varyingModes,
} from './options'
import type { ChartOption, ChartTheme } from './types'

export const chartKeys = ['time', 'speedup', 'efficiency', 'chunks', 'startup'] as const
export type ChartKey = (typeof chartKeys)[number]

export interface ChartCardModel {
  key: ChartKey
  title: string
  howTo: string
  option: ChartOption | null
  note?: string
  /**
   * Spans the whole row: the start-up chart, last of five, would otherwise sit alone in half a row of two
   * columns; its side-by-side transfer comparison uses the width too.
   */
  wide?: boolean
}

export function chartCards(runs: Run[], theme: ChartTheme): ChartCardModel[] {
  if (runs.length === 0) return []
  const modes = varyingModes(runs)
  return [
    {
      key: 'time',
      title: 'Time vs size',
      howTo:
        'Both axes are logarithmic. Where a pool’s line lies above the serial line, the matrix is too small to pay for the workers.',
      option: timeVsEntries(runs, theme),
    },
    {
      key: 'speedup',
      title: 'Speedup vs workers',
      howTo:
        'Ideal: the dashed diagonal. Falling below it is the serial fraction and overhead; the dashed curves are Amdahl’s law fitted to each N.',
      option: speedupVsWorkers(runs, theme),
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
      option: timeVsChunkRows(runs, theme),
      note: 'Chunk size was not swept. Run a sweep with several chunk rows (for example auto, 16, 64, 256) to see this trade-off.',
    },
    {
      key: 'startup',
      title: modes.length ? `Pool start-up and ${modes.join(', ')}` : 'Pool start-up',
      howTo: modes.includes('transfer')
        ? 'A pool costs time before any work. Right: shared memory hands workers the matrix without copying; copy clones rows to every worker.'
        : 'A pool costs time before any work: compare the cold start with the times above. The warm round trip is the price of one empty task.',
      option: startupAndTransfer(runs, theme),
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

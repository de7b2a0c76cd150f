// The run key written into a chart that stands alone (a PNG, an SVG, a report's chart): in the app the key above
// the charts names each overlaid run's letter, a file must carry it. Pure; the CLI's export and the app's Export
// PNG both use it.
import type { Run } from '../../../common/contract'
import { capLine } from '../../../common/one-line'
import { runTag } from './select'
import { SUBTITLE_LINE, wrapSubtitle } from './theme'
import type { ChartOption } from './types'

/** A run's name in the key, cut where it would crowd out the others. */
const keyName = (run: Run): string => capLine((run.name || run.id).replace(/\s+/g, ' '), 32)

/**
 * An overlay's series go by their run's letter ("A · p=2"): in the app the run key above the charts names each,
 * a chart file stands alone, so the key is written under its subtitle ("A: laptop · B: server") and the plot
 * moves down by the lines it takes.
 */
export function withRunKey(option: ChartOption, runs: readonly Run[], width: number): ChartOption {
  const key = runKeyLines(option, runs, width)
  const title = Array.isArray(option.title) ? option.title[0] : option.title
  if (key.length === 0 || !title) return option
  const subtext = typeof title.subtext === 'string' && title.subtext !== '' ? `${title.subtext}\n` : ''
  const lower = <T extends object>(box: T): T => {
    const top = (box as { top?: unknown }).top
    return typeof top === 'number' ? { ...box, top: top + SUBTITLE_LINE * key.length } : box
  }
  const grid = option.grid
  const keyed = { ...title, subtext: subtext + key.join('\n') }
  return {
    ...option,
    // A chart with several titles (the start-up chart's heading over each plot) keeps them, below the key.
    title: Array.isArray(option.title) ? [keyed, ...option.title.slice(1).map(lower)] : keyed,
    ...(grid ? { grid: Array.isArray(grid) ? grid.map(lower) : lower(grid) } : {}),
  }
}

/** The lines withRunKey adds under the subtitle ("A: laptop · B: server"), wrapped to the width; none for one run. */
export function runKeyLines(option: ChartOption, runs: readonly Run[], width: number): string[] {
  const title = Array.isArray(option.title) ? option.title[0] : option.title
  if (runs.length < 2 || !title) return []
  return wrapSubtitle(runs.map((r, i) => `${runTag(i)}: ${keyName(r)}`).join(' · '), width - 16)
}

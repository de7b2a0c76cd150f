// A chart's legend as data: the entries the canvas legend draws (name, text, colour, shown or hidden), for the
// row of buttons that lets the keyboard show and hide lines, and the room the canvas legend takes. Pure.
import { fitLegend, LEGEND_ROW } from './theme'
import type { ChartOption } from './types'

/** One entry of a chart's legend: one name toggles every series that carries it (a line, its whiskers, its fit). */
export interface LegendKey {
  /** The series' name: what ECharts' legend actions take. */
  name: string
  /** What the legend writes for it (the legend's formatter: "B · p=2", "N=100 (f=0.42)"). */
  text: string
  /** The colour of its first series, as the legend's icon has it. */
  colour: string
  /** Drawn now (the legend's `selected` map; a name it does not list is drawn). */
  shown: boolean
}

type Series = { name?: unknown; itemStyle?: { color?: unknown }; lineStyle?: { color?: unknown } }

const seriesOf = (option: ChartOption): Series[] =>
  (Array.isArray(option.series) ? option.series : option.series ? [option.series] : []) as Series[]

/** The one legend of an option, or null where it has none, or hides it (nothing there to toggle). */
function legendOf(option: ChartOption) {
  const legend = option.legend
  if (!legend || Array.isArray(legend) || legend.show === false || legend.selectedMode === false) return null
  return legend
}

/**
 * The entries the canvas legend draws, in its order: every named series' name once (ECharts' default legend
 * data; none of our charts lists its own), with its text, colour and state. None where the chart has no legend.
 */
export function legendKeys(option: ChartOption): LegendKey[] {
  const legend = legendOf(option)
  if (!legend) return []
  const format = typeof legend.formatter === 'function' ? legend.formatter : (name: string) => name
  const selected = legend.selected ?? {}
  const palette = Array.isArray(option.color) ? (option.color as unknown[]) : []
  const keys = new Map<string, LegendKey>()
  seriesOf(option).forEach((s, index) => {
    if ((typeof s.name !== 'string' && typeof s.name !== 'number') || s.name === '') return
    const name = String(s.name)
    if (keys.has(name)) return
    const own = s.itemStyle?.color ?? s.lineStyle?.color
    const colour =
      typeof own === 'string'
        ? own
        : palette.length
          ? String(palette[index % palette.length])
          : 'currentColor'
    keys.set(name, { name, text: format(name), colour, shown: selected[name] !== false })
  })
  return [...keys.values()]
}

/**
 * The height the canvas legend takes at the chart's foot, px, when its card gives it this width: the rows it
 * wraps to (fitLegend's estimate, which is generous, so the room covers it), between the 4 px it sits above the
 * foot and a few px of air above. 0 where there is no legend.
 */
export function legendRoom(option: ChartOption | null, width: number): number {
  const keys = option ? legendKeys(option) : []
  if (keys.length === 0) return 0
  const { rows } = fitLegend(
    {},
    keys.map((k) => k.text),
    width,
  )
  return 8 + (LEGEND_ROW + 2) * rows
}

/**
 * The option with its lines shown and hidden as the reader left them (ECharts' `selected` map, name → drawn): a
 * chart drawn anew from the option, as an overlay's exported PNG is, then holds what the card shows.
 */
export function withLegendSelected(
  option: ChartOption,
  selected: Readonly<Record<string, boolean>>,
): ChartOption {
  const legend = legendOf(option)
  if (!legend) return option
  return { ...option, legend: { ...legend, selected: { ...legend.selected, ...selected } } }
}

// What a server-side chart drawing takes and gives, without ECharts itself (charts.ts, loaded when a chart is drawn).
import type { ChartKey } from '../../renderer/src/charts/cards'
import type { ChartTheme } from '../../renderer/src/charts/types'

export const DEFAULT_CHART_WIDTH = 960
export const DEFAULT_CHART_HEIGHT = 540
/** Bounds of --width and --height: a chart smaller than this is unreadable, larger is a mistake. */
export const MIN_CHART_PX = 320
export const MAX_CHART_PX = 4096

export interface ChartRenderOptions {
  theme?: ChartTheme
  width?: number
  height?: number
  /** Only these charts (in the app's order); all that apply by default. */
  keys?: readonly ChartKey[]
}

export interface RenderedChart {
  key: ChartKey
  title: string
  /** The teaching line the app shows under the chart. */
  howTo: string
  /** The sentence of what the chart finds, as under the app's card (the speedup chart's binding limit). */
  finding?: string
  svg: string
}

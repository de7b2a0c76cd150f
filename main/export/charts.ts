// The app's charts without a browser: the same pure option builders, drawn by ECharts' server-side SVG
// renderer. Used by `amdahl export --format svg|png` and the HTML report (PNG: png.ts, loaded by the CLI only).
import { init, use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import type { Run } from '../../common/contract'
import { chartCards, type ChartKey } from '../../renderer/src/charts/cards'
import { chartParts } from '../../renderer/src/charts/parts'
import { palette } from '../../renderer/src/charts/theme'
import type { ChartTheme } from '../../renderer/src/charts/types'

use([SVGRenderer, ...chartParts])

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
  svg: string
}

/**
 * Every chart that applies to these runs (an un-swept chunk size draws none), as standalone SVG documents on
 * the theme's background, each drawn when it is taken (a report writes one before drawing the next). Charts are
 * drawn with animation off: a server-side render is one frame.
 */
export function* chartSvgs(runs: Run[], options: ChartRenderOptions = {}): Generator<RenderedChart> {
  const theme = options.theme ?? 'light'
  const width = options.width ?? DEFAULT_CHART_WIDTH
  const height = options.height ?? DEFAULT_CHART_HEIGHT
  const background = palette(theme).background
  // The legend gets the room a card of this width would give it in the app.
  const cards = chartCards(runs, theme, width)
  for (const card of cards) {
    if (card.option === null) continue
    if (options.keys && !options.keys.includes(card.key)) continue
    const chart = init(null, null, { renderer: 'svg', ssr: true, width, height })
    let svg: string
    try {
      chart.setOption({ ...card.option, animation: false, backgroundColor: background })
      svg = chart.renderToSVGString()
    } finally {
      chart.dispose()
    }
    yield { key: card.key, title: card.title, howTo: card.howTo, svg }
  }
}

/** Every chart that applies, all drawn (see chartSvgs). */
export function renderChartSvgs(runs: Run[], options: ChartRenderOptions = {}): RenderedChart[] {
  return [...chartSvgs(runs, options)]
}

// The app's charts without a browser: the same pure option builders, drawn by ECharts' server-side SVG
// renderer. Used by `amdahl export --format svg|png` and the HTML report (PNG: png.ts, loaded by the CLI only).
// Loaded only when a chart is drawn (`await import('./charts')`): ECharts is most of the CLI's code, and
// `history list` or `sweep` should not pay for compiling it.
import { init, use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import type { Run } from '../../common/contract'
import { chartCards } from '../../renderer/src/charts/cards'
import { chartParts } from '../../renderer/src/charts/parts'
import { withRunKey } from '../../renderer/src/charts/run-key'
import { palette } from '../../renderer/src/charts/theme'
import {
  DEFAULT_CHART_HEIGHT,
  DEFAULT_CHART_WIDTH,
  type ChartRenderOptions,
  type RenderedChart,
} from './chart-options'

use([SVGRenderer, ...chartParts])

/**
 * The face a chart file names. Without a canvas, ECharts lays text out by Arial's widths; the app's "system-ui"
 * is DejaVu Sans on many Linux systems, a wider face, so a file naming it ran legend entries into each other when
 * a browser showed it. Arial, or a face of its widths (Liberation Sans, which png.ts draws with), keeps the
 * layout as measured. No quotes: ECharts writes the name into a style attribute as it is.
 */
export const EXPORT_FONT = 'Arial, Liberation Sans, Helvetica, sans-serif'

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
      const option = withRunKey(card.option, runs, width)
      chart.setOption({
        ...option,
        textStyle: { ...(option.textStyle as object | undefined), fontFamily: EXPORT_FONT },
        animation: false,
        backgroundColor: background,
      })
      svg = chart.renderToSVGString()
    } finally {
      chart.dispose()
    }
    yield {
      key: card.key,
      title: card.title,
      howTo: card.howTo,
      ...(card.finding ? { finding: card.finding } : {}),
      svg,
    }
  }
}

/** Every chart that applies, all drawn (see chartSvgs). */
export function renderChartSvgs(runs: Run[], options: ChartRenderOptions = {}): RenderedChart[] {
  return [...chartSvgs(runs, options)]
}

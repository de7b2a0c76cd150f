// The app's charts without a browser: the same pure option builders, drawn by ECharts' server-side SVG
// renderer. Used by `amdahl export --format svg|png` and the HTML report (PNG: png.ts, loaded by the CLI only).
// Loaded only when a chart is drawn (`await import('./charts')`): ECharts is most of the CLI's code, and
// `history list` or `sweep` should not pay for compiling it.
import { init, use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import type { Run } from '../../common/contract'
import { chartCards } from '../../renderer/src/charts/cards'
import { chartParts } from '../../renderer/src/charts/parts'
import { runTag } from '../../renderer/src/charts/select'
import { palette, SUBTITLE_LINE, wrapSubtitle } from '../../renderer/src/charts/theme'
import type { ChartOption } from '../../renderer/src/charts/types'
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

/** A run's name in the key, cut where it would crowd out the others. */
const keyName = (run: Run): string => {
  const name = (run.name || run.id).replace(/\s+/g, ' ')
  return name.length > 32 ? `${name.slice(0, 31)}…` : name
}

/**
 * An overlay's series go by their run's letter ("A · p=2"): in the app the run key above the charts names each,
 * a chart file stands alone, so the key is written under its subtitle ("A: laptop · B: server") and the plot
 * moves down by the lines it takes.
 */
export function withRunKey(option: ChartOption, runs: readonly Run[], width: number): ChartOption {
  if (runs.length < 2) return option
  const title = Array.isArray(option.title) ? option.title[0] : option.title
  if (!title) return option
  const key = wrapSubtitle(runs.map((r, i) => `${runTag(i)}: ${keyName(r)}`).join(' · '), width - 16)
  const subtext = typeof title.subtext === 'string' && title.subtext !== '' ? `${title.subtext}\n` : ''
  const lower = (grid: object) => {
    const top = (grid as { top?: unknown }).top
    return typeof top === 'number' ? { ...grid, top: top + SUBTITLE_LINE * key.length } : grid
  }
  const grid = option.grid
  return {
    ...option,
    title: { ...title, subtext: subtext + key.join('\n') },
    ...(grid ? { grid: Array.isArray(grid) ? grid.map(lower) : lower(grid) } : {}),
  }
}

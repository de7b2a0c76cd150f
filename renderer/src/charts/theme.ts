// Colours for the charts in the light and the dark theme, and the look every chart shares: title, tooltip and
// axis styling, plot-area margins, the wrapped legend, flagged points. The chart's structure is scaffold.ts.
import type { ChartTheme } from './types'

export interface Palette {
  /** Card background; also the background of exported PNGs. */
  background: string
  text: string
  subtext: string
  axisLine: string
  splitLine: string
  tooltipBackground: string
  tooltipBorder: string
  /** One colour per pool size or per N, colour-blind friendly, in order. */
  series: string[]
  serial: string
  ideal: string
  noisy: string
  /**
   * Overlaid runs: one hue family per run (blues, oranges, greens, …), its shades per pool size or N, so two
   * runs are told apart at a glance and within a run the shades still separate the lines. One family for each
   * of the MAX_OVERLAY (8) runs the charts overlay, so no run wears another's colour.
   */
  runFamilies: string[][]
  /**
   * Which shade of its family an overlaid run's serial line wears (the deep one): each run's base case in its own
   * hue, as one slate line per run could not be told apart; its pool lines take the other shades.
   */
  serialShade: number
  /** Low → high efficiency. */
  heatmap: string[]
  /** Beyond 100% efficiency, past the heat map's green: too good to be true (warm-up, caches, noise). */
  heatmapAbove: string[]
  heatmapLabel: string
}

const light: Palette = {
  background: '#ffffff',
  text: '#1f2933',
  subtext: '#52606d',
  axisLine: '#9aa5b1',
  splitLine: '#e4e7eb',
  tooltipBackground: '#ffffff',
  tooltipBorder: '#cbd2d9',
  series: [
    '#0b6bcb',
    '#d97706',
    '#059669',
    '#8b5e34',
    '#7c3aed',
    '#0891b2',
    '#be185d',
    '#4d7c0f',
    '#9333ea',
    '#b45309',
  ],
  serial: '#3e4c59',
  ideal: '#7b8794',
  /** Flags wear the text's ink, a colour no series has (a red flag once sat on a red-orange line). */
  noisy: '#1f2933',
  runFamilies: [
    ['#0b6bcb', '#6aa8ea', '#063f7a', '#a9cdf4'],
    ['#d97706', '#f5a94a', '#8a4a03', '#f9cf94'],
    ['#059669', '#4cc79c', '#03573d', '#98e0c4'],
    ['#7c3aed', '#a98af5', '#4a1d96', '#cfbff9'],
    ['#be185d', '#e46a9f', '#75103a', '#f3aac9'],
    ['#06b6d4', '#67d5e6', '#0e7490', '#a5e9f3'],
    ['#8b5e34', '#c08a5a', '#553516', '#dfc2a4'],
    ['#65a30d', '#9fd14e', '#3f6a06', '#cfe9a3'],
  ],
  serialShade: 2,
  heatmap: ['#d7301f', '#fc8d59', '#fee08b', '#91cf60', '#1a9850'],
  heatmapAbove: ['#5aa9d6', '#2166ac'],
  heatmapLabel: '#111827',
}

const dark: Palette = {
  background: '#1b1f24',
  text: '#e4e7eb',
  subtext: '#9aa5b1',
  axisLine: '#616e7c',
  splitLine: '#323f4b',
  tooltipBackground: '#27303a',
  tooltipBorder: '#52606d',
  series: [
    '#60a5fa',
    '#fbbf24',
    '#34d399',
    '#d6a77a',
    '#a78bfa',
    '#22d3ee',
    '#f472b6',
    '#a3e635',
    '#c084fc',
    '#fcd34d',
  ],
  serial: '#cbd2d9',
  ideal: '#9aa5b1',
  noisy: '#f5f7fa',
  runFamilies: [
    // Base, deep, mid, pale: a pale second shade would read like the light-grey serial line on the dark card.
    ['#60a5fa', '#2f7ae5', '#93c5fd', '#c7dffd'],
    ['#fbbf24', '#d97706', '#fcd34d', '#fde68a'],
    ['#34d399', '#059669', '#6ee7b7', '#a7f3d0'],
    ['#a78bfa', '#7c3aed', '#c4b5fd', '#ddd6fe'],
    ['#f472b6', '#db2777', '#f9a8d4', '#fbcfe8'],
    ['#22d3ee', '#0891b2', '#67e8f9', '#a5f3fc'],
    ['#d6a77a', '#a9754a', '#e3c09c', '#f0dcc6'],
    ['#a3e635', '#65a30d', '#bef264', '#d9f99d'],
  ],
  serialShade: 1,
  heatmap: ['#e07a6f', '#f0b27a', '#f2e394', '#a6d98c', '#5fb36a'],
  heatmapAbove: ['#7fb3d5', '#5b8fd0'],
  heatmapLabel: '#111827',
}

export function palette(theme: ChartTheme): Palette {
  return theme === 'dark' ? dark : light
}

export function colourAt(p: Palette, index: number): string {
  return p.series[index % p.series.length]
}

/**
 * The colour of the index-th pool size or N of run runIndex: the plain series colours for one run, the run's own
 * hue family when runs are overlaid.
 */
export function runColour(
  p: Palette,
  runIndex: number,
  runCount: number,
  index: number,
  /** On a chart that draws the runs' serial lines too: the pools leave the serial's shade to it. */
  besideSerial = false,
): string {
  if (runCount <= 1) return colourAt(p, index)
  const family = p.runFamilies[runIndex % p.runFamilies.length]
  const shades = besideSerial ? family.filter((_, k) => k !== p.serialShade) : family
  return shades[index % shades.length]
}

/** The serial line's colour: the serial ink for one run, the deep shade of each run's own family in an overlay. */
export function serialColour(p: Palette, runIndex: number, runCount: number): string {
  if (runCount <= 1) return p.serial
  return p.runFamilies[runIndex % p.runFamilies.length][p.serialShade]
}

/** Line styles and symbols that, with the hue families, tell overlaid runs apart (also in greyscale prints). */
export const runLineTypes = ['solid', 'dashed', 'dotted'] as const
export const runSymbols = ['circle', 'rect', 'diamond', 'roundRect', 'emptyCircle', 'emptyRect'] as const

/** Rough width of one character at 12 px, a little generous (real text runs ~10% narrower): legends and subtitles. */
const CHAR_WIDTH = 6.4

/** Room above the plot for the title and a one-line subtitle, px: the top of gridBox. */
export const TITLE_ROOM = 72
/** Height of one subtitle line (12 px text), px. */
export const SUBTITLE_LINE = 16

/**
 * A subtitle's lines within width px: its clauses (joined by " · ") kept whole on a line where they fit, a clause
 * wider than the line broken between words. Breaking here rather than leaving it to ECharts means the chart knows
 * how many lines it has to clear, and a line ends between two clauses, not inside one.
 */
export function wrapSubtitle(text: string, width: number): string[] {
  const fits = (line: string) => line.length * CHAR_WIDTH <= width
  const lines: string[] = []
  let line = ''
  const put = (piece: string, glue: string) => {
    const joined = line ? line + glue + piece : piece
    if (fits(joined) || !line) line = joined
    else {
      lines.push(line)
      line = piece
    }
  }
  for (const clause of text.split(' · ').filter((c) => c !== '')) {
    if (fits(clause)) put(clause, ' · ')
    else clause.split(' ').forEach((word, k) => put(word, k === 0 ? ' · ' : ' '))
  }
  if (line) lines.push(line)
  return lines
}

/** The top of the plot under this title (chartTitle): lower by a subtitle line for each line past the first. */
export function titleTop(title: { subtext?: unknown } | undefined): number {
  const subtext = title?.subtext
  const lines = typeof subtext === 'string' ? subtext.split('\n').length : 1
  return TITLE_ROOM + SUBTITLE_LINE * Math.max(0, lines - 1)
}

/** Extra canvas height an option needs for a subtitle of more than one line, so its plot keeps its height. */
export function subtitleExtraHeight(option: { title?: unknown }): number {
  const title = Array.isArray(option.title) ? option.title[0] : option.title
  return titleTop(title as { subtext?: unknown } | undefined) - TITLE_ROOM
}

/** A chart's title, and its subtitle wrapped to width px (the card's room), lines SUBTITLE_LINE apart. */
export function chartTitle(p: Palette, title: string, subtitle: string, width: number) {
  return {
    text: title,
    subtext: wrapSubtitle(subtitle, width).join('\n'),
    left: 8,
    top: 4,
    textStyle: { color: p.text, fontSize: 15, fontWeight: 600 as const },
    // Past the estimate (a wider font than measured for), ECharts breaks the line rather than cut it at the edge.
    subtextStyle: {
      color: p.subtext,
      fontSize: 12,
      lineHeight: SUBTITLE_LINE,
      width,
      overflow: 'break' as const,
    },
  }
}

/** The widest a tooltip grows before its lines wrap, px. */
export const TOOLTIP_MAX_WIDTH = 380

/**
 * Option pieces shared by every chart so the charts look like one family; the subtitle wraps to width px (the
 * room the card gives; the plot's top is titleTop of its lines).
 */

export function baseOption(p: Palette, title: string, subtitle: string, width = LEGEND_WIDTH) {
  return {
    // Transparent so the card's background shows; PNG export passes the palette background explicitly.
    backgroundColor: 'transparent',
    color: p.series,
    // Drawn at once: a measurement changes when another run is picked, it does not move. Without a GPU every
    // frame of ECharts' transitions is drawn in software: animated, a click on a run took ~50 ms longer and
    // ticking one more run onto the charts ~100–180 ms (bench:ui, 10,000 runs); exports never catch half a frame.
    animation: false,
    textStyle: { color: p.text, fontFamily: 'system-ui, sans-serif' },
    title: chartTitle(p, title, subtitle, width),
    legend: {
      bottom: 4,
      left: 'center',
      textStyle: { color: p.text },
      pageTextStyle: { color: p.subtext },
      pageIconColor: p.text,
      pageIconInactiveColor: p.axisLine,
      inactiveColor: p.axisLine,
    },
    tooltip: {
      trigger: 'item' as const,
      confine: true,
      backgroundColor: p.tooltipBackground,
      borderColor: p.tooltipBorder,
      textStyle: { color: p.text, fontSize: 12 },
      // ECharts keeps a tooltip on one line (nowrap): a flag's sentence ran past the chart's edge, cut off. Lines
      // wrap at a reading width instead, inside the chart (confine).
      extraCssText: `white-space: normal; max-width: ${TOOLTIP_MAX_WIDTH}px;`,
    },
  }
}

export function axisStyle(p: Palette) {
  return {
    nameTextStyle: { color: p.subtext, fontSize: 12 },
    axisLine: { show: true, lineStyle: { color: p.axisLine } },
    axisTick: { lineStyle: { color: p.axisLine } },
    axisLabel: { color: p.subtext },
    splitLine: { lineStyle: { color: p.splitLine } },
    minorSplitLine: { lineStyle: { color: p.splitLine, opacity: 0.5 } },
  }
}

/** A plot area whose labels and axis names stay inside the given margins (ECharts 6 outer bounds). */
export function gridBox(
  box: { left?: number | string; right?: number | string; top?: number; bottom?: number } = {},
) {
  return {
    left: box.left ?? 12,
    right: box.right ?? 28,
    top: box.top ?? TITLE_ROOM,
    bottom: box.bottom ?? 44,
    outerBoundsMode: 'same' as const,
    outerBoundsContain: 'all' as const,
  }
}

/** Width a legend can count on in the narrowest card, px: what builders assume when not told the real width. */
export const LEGEND_WIDTH = 470

/** Rough width of one legend entry at 12 px: icon, gap and the characters. */
function legendItemWidth(name: string): number {
  return 36 + CHAR_WIDTH * name.length
}

/** Height of one wrapped legend row, px. */
export const LEGEND_ROW = 22

/**
 * A legend that wraps onto as many rows as it needs, never a paging one (a legend on five pages hides most
 * lines); with the space the plot must leave below for it (the bottom of gridBox). Charts whose legend needs more
 * than three rows grow taller instead (legendExtraHeight).
 */
export function fitLegend<L extends object>(
  legend: L,
  names: string[],
  width = LEGEND_WIDTH,
): { legend: L & { type: 'plain' }; bottom: number; rows: number } {
  let rows = 1
  let used = 0
  for (const name of new Set(names)) {
    const w = legendItemWidth(name)
    if (used > 0 && used + w > width) {
      rows += 1
      used = 0
    }
    used += w
  }
  return { legend: { ...legend, type: 'plain' }, bottom: 24 + LEGEND_ROW * rows, rows }
}

/** Extra canvas height a chart needs for a legend taller than three rows (the card's height allows three). */
export function legendExtraHeight(bottom: number): number {
  return Math.max(0, bottom - (24 + LEGEND_ROW * 3))
}

/**
 * A data point; a noisy one becomes a larger triangle ringed in the warning colour, keeping its line's fill so
 * the reader still sees which line it belongs to.
 */
export function markedPoint(value: [number, number], noisy: boolean, p: Palette) {
  return noisy
    ? { value, symbol: 'triangle', symbolSize: 12, itemStyle: { borderColor: p.noisy, borderWidth: 2.5 } }
    : { value }
}

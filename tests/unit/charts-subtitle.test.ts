// Subtitles that stay inside their card: wrapped between clauses to the card's room, the plot moved down by the
// lines they take and the canvas grown by as much, so no subtitle is cut at the edge or drawn over the plot.
import { describe, expect, it } from 'vitest'
import { chartCards, legendWidths } from '../../renderer/src/charts/cards'
import { speedupVsWorkers, startupAndTransfer } from '../../renderer/src/charts/options'
import { chartFrame } from '../../renderer/src/charts/scaffold'
import { chartTitle, palette, TITLE_ROOM, titleTop, wrapSubtitle } from '../../renderer/src/charts/theme'
import { makeRun } from './charts-fixtures'

const p = palette('light')
/** What the builders assume a character at 12 px takes. */
const CHAR = 6.4
const subtextOf = (option: { title?: unknown }) => {
  const title = Array.isArray(option.title) ? option.title[0] : option.title
  return String((title as { subtext?: string }).subtext ?? '')
}
const topOf = (grid: unknown) => (grid as { top: number }).top

/** The grid of the charts view in a 1920×1080 window: two columns between the form and the history. */
const GRID_1920 = 1108

describe('wrapSubtitle', () => {
  const text = 'median per cell, whiskers its 95% interval · ▲ flagged · auto chunks'

  it('keeps a subtitle that fits on one line as it is', () => {
    expect(wrapSubtitle(text, 1000)).toEqual([text])
  })

  it('breaks between clauses, dropping the separator at the break', () => {
    expect(wrapSubtitle(text, 300)).toEqual([
      'median per cell, whiskers its 95% interval',
      '▲ flagged · auto chunks',
    ])
  })

  it('breaks a clause wider than the line between words, and keeps every word in order', () => {
    const long = 'S = T(base) / T(p), base: the serial cell (tooltip: its time) · bars: 95% CI'
    const lines = wrapSubtitle(long, 200)
    expect(lines.length).toBeGreaterThan(2)
    for (const line of lines) expect(line.length * CHAR).toBeLessThanOrEqual(200)
    expect(lines.join(' ').replace(/ · /g, ' ')).toBe(long.replace(/ · /g, ' '))
  })

  it('gives an empty subtitle no lines', () => {
    expect(wrapSubtitle('', 300)).toEqual([])
  })
})

describe('chartTitle', () => {
  it('sets the subtitle’s width and lets ECharts break a line the estimate missed, lines 16 px apart', () => {
    const title = chartTitle(p, 'T', 'a · b', 480)
    expect(title.subtextStyle).toMatchObject({ width: 480, overflow: 'break', lineHeight: 16, fontSize: 12 })
  })

  it('puts the plot 16 px lower for each subtitle line past the first', () => {
    expect(titleTop({ subtext: 'one line' })).toBe(TITLE_ROOM)
    expect(titleTop({ subtext: 'one\ntwo\nthree' })).toBe(TITLE_ROOM + 32)
    expect(titleTop({ subtext: '' })).toBe(TITLE_ROOM)
  })
})

describe('chartFrame', () => {
  it('wraps the subtitle to the card’s room and starts the plot below its last line', () => {
    const subtitle = 'first clause of a subtitle · second clause of it · and a third one'
    const frame = (legendWidth: number) =>
      chartFrame({
        palette: p,
        title: 'T',
        subtitle,
        series: [],
        tooltip: {},
        xAxis: {},
        yAxis: {},
        legendWidth,
      })
    const narrow = frame(200)
    expect(subtextOf(narrow).split('\n')).toEqual([
      'first clause of a subtitle',
      'second clause of it',
      'and a third one',
    ])
    expect(topOf(narrow.grid)).toBe(TITLE_ROOM + 32)
    expect(topOf(frame(1000).grid)).toBe(TITLE_ROOM)
  })
})

describe('the chart cards', () => {
  const run = makeRun({ sizes: [100, 1000, 10000], pools: [1, 2, 4] })
  const cards = chartCards([run], 'light', GRID_1920)
  const room = legendWidths(GRID_1920)

  it('wrap every subtitle to the room of its card in a 1920×1080 window', () => {
    for (const card of cards.filter((c) => c.option)) {
      const width = card.wide ? room.wide : room.card
      for (const line of subtextOf(card.option!).split('\n'))
        expect(line.length * CHAR, `${card.key}: ${line}`).toBeLessThanOrEqual(width)
    }
  })

  it('wrap the speedup chart’s long subtitle at 1920×1080, its canvas taller by the lines it takes than in one wide column', () => {
    const speedup = cards.find((c) => c.key === 'speedup')!
    const lines = subtextOf(speedup.option!).split('\n').length
    expect(lines).toBeGreaterThan(1)
    expect(topOf(speedup.option!.grid)).toBe(TITLE_ROOM + 16 * (lines - 1))
    const wide = chartCards([run], 'light', 1000).find((c) => c.key === 'speedup')!
    expect(subtextOf(wide.option!).split('\n')).toHaveLength(1)
    expect(speedup.height - wide.height).toBe(16 * (lines - 1))
  })

  it('grow the heat map’s canvas by its subtitle’s extra lines in a narrow column, as against a wide one', () => {
    const narrow = chartCards([run], 'light', 560).find((c) => c.key === 'efficiency')!
    const wide = chartCards([run], 'light', 1000).find((c) => c.key === 'efficiency')!
    const extra = subtextOf(narrow.option!).split('\n').length - 1
    expect(extra).toBeGreaterThan(0)
    expect(narrow.height - wide.height).toBe(16 * extra)
  })
})

describe('the start-up chart’s headings', () => {
  const shared = makeRun({ id: 'a', name: 'shared run', transfer: 'shared' })
  const copy = makeRun({ id: 'b', name: 'copy run', transfer: 'copy' })

  it('wrap to half the card each in a narrow card, both plots starting below the taller', () => {
    const option = startupAndTransfer([shared, copy], 'light', 340)
    const headings = (option.title as { text: string }[]).slice(1).map((t) => t.text.split('\n'))
    expect(headings).toHaveLength(2)
    for (const lines of headings)
      for (const line of lines) expect(line.length * CHAR).toBeLessThanOrEqual(154)
    const tallest = Math.max(...headings.map((h) => h.length))
    expect(tallest).toBeGreaterThan(1)
    expect((option.grid as { top: number }[]).map((g) => g.top)).toEqual([
      64 + 16 * (tallest - 1),
      64 + 16 * (tallest - 1),
    ])
  })
})

describe('speedupVsWorkers', () => {
  it('keeps the default room of the narrowest two-column card when not told the width', () => {
    const lines = subtextOf(speedupVsWorkers([makeRun()], 'light')).split('\n')
    for (const line of lines) expect(line.length * CHAR).toBeLessThanOrEqual(470)
  })
})

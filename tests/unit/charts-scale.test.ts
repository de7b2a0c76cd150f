// Charts that scale, built from a real sweep of the engine: a dense run (12 sizes) draws at most six size lines,
// legends never page, overlaid runs go by letters in legends, and heat map rows never shrink below 22 px.
import { beforeAll, describe, expect, it } from 'vitest'
import { SweepSpecSchema, type Run } from '../../common/contract'
import { runSweep } from '../../main/engine'
import {
  chartCards,
  compactLegend,
  MAX_SIZE_LINES,
  onlySizes,
  shownSizes,
} from '../../renderer/src/charts/cards'
import { heatmapHeight, MIN_ROW_HEIGHT } from '../../renderer/src/charts/options/efficiencyHeatmap'
import { timeVsEntries } from '../../renderer/src/charts/options'
import { fitLegend, TOOLTIP_MAX_WIDTH } from '../../renderer/src/charts/theme'
import { seriesOf } from './charts-fixtures'

const SIZES = Array.from({ length: 12 }, (_, i) => 16 + 8 * i)
let dense: Run
/** Five copies of one real run under their own ids and names: an overlay of six. */
let six: Run[]

beforeAll(async () => {
  dense = await runSweep(
    SweepSpecSchema.parse({ name: 'dense', sizes: SIZES, pools: [1, 2], repetitions: 1, warmups: 0 }),
  )
  six = [
    dense,
    ...[1, 2, 3, 4, 5].map((k) => ({ ...dense, id: `copy-${k}`, name: `a long run name number ${k}` })),
  ]
})

describe('charts that scale', () => {
  it('wrap every tooltip at a reading width inside the chart, so a flag’s sentence is never cut off', () => {
    const cards = chartCards(six, 'light').filter((c) => c.option !== null)
    expect(cards.length).toBeGreaterThanOrEqual(5)
    for (const card of cards) {
      const tooltip = card.option?.tooltip as { confine?: boolean; extraCssText?: string }
      expect(tooltip.confine, card.key).toBe(true)
      expect(tooltip.extraCssText, card.key).toBe(`white-space: normal; max-width: ${TOOLTIP_MAX_WIDTH}px;`)
    }
  })

  it('spread at most six sizes from smallest to largest, or show the one picked', () => {
    expect(shownSizes(SIZES, null)).toHaveLength(MAX_SIZE_LINES)
    expect(shownSizes(SIZES, null)[0]).toBe(SIZES[0])
    expect(shownSizes(SIZES, null).at(-1)).toBe(SIZES.at(-1))
    expect(shownSizes(SIZES, 40)).toEqual([40])
    expect(shownSizes([1, 2, 3], null)).toEqual([1, 2, 3])
    expect(shownSizes(SIZES, 41)).toHaveLength(MAX_SIZE_LINES) // a size the run lacks is ignored
    const cut = onlySizes([dense], [40])[0]
    expect(new Set(cut.cells.map((c) => c.n))).toEqual(new Set([40]))
    expect(cut.fits.every((f) => f.n === 40)).toBe(true)
  })

  it('draw the speedup of a 12-size run as six lines (plus their fits), the time chart keeps every size', () => {
    const cards = chartCards([dense], 'light', 1000)
    const speedup = cards.find((c) => c.key === 'speedup')!.option!
    // Each size's error bars share its line's name (one legend entry toggles both): count the lines.
    const measured = seriesOf(speedup).filter(
      (s) => s.type === 'line' && s.name?.startsWith('N=') && !String(s.id ?? '').startsWith('fit'),
    )
    expect(measured).toHaveLength(MAX_SIZE_LINES)
    const bars = seriesOf(speedup).filter((s) => s.type === 'custom' && s.name?.startsWith('N='))
    expect(new Set(bars.map((s) => s.name))).toEqual(new Set(measured.map((s) => s.name)))
    const time = cards.find((c) => c.key === 'time')!.option!
    const serial = seriesOf(time).find((s) => s.name === 'serial')!
    expect(serial.data).toHaveLength(SIZES.length)
    // The throughput chart, a line per size too, draws the same sizes (twelve lines repeated the palette).
    const throughput = cards.find((c) => c.key === 'throughput')!.option!
    const lines = seriesOf(throughput).filter((s) => s.type === 'line' && s.name?.startsWith('N='))
    expect(lines.map((s) => s.name)).toEqual(measured.map((s) => s.name))
    const picked = chartCards([dense], 'light', 1000, 40).find((c) => c.key === 'throughput')!.option!
    expect(
      seriesOf(picked)
        .filter((s) => s.name?.startsWith('N='))
        .map((s) => s.name),
    ).toEqual(['N=40'])
  })

  it('never page a legend: six overlaid runs wrap to rows, and the chart grows for them', () => {
    const many = Array.from({ length: 60 }, (_, i) => `series number ${i}`)
    expect(fitLegend({}, many, 470).legend.type).toBe('plain')
    const cards = chartCards(six, 'light', 1000)
    for (const card of cards) {
      const legend = card.option?.legend
      if (legend && !Array.isArray(legend)) expect(legend.type, card.key).not.toBe('scroll')
      expect(card.height).toBeGreaterThanOrEqual(380)
    }
  })

  it('shorten overlaid runs to letters in legends only: series keep their full names for tooltips', () => {
    const option = timeVsEntries(six, 'light', 470)
    const compact = compactLegend(option, six, 470)!
    const legend = compact.legend as { formatter: (n: string) => string }
    const full = String(seriesOf(compact).find((s) => s.name?.includes('p=2'))!.name)
    expect(full.startsWith('dense · ')).toBe(true)
    expect(legend.formatter(full)).toMatch(/^A · /)
    expect(
      legend.formatter(seriesOf(compact).find((s) => s.name?.startsWith('a long run name number 5'))!.name!),
    ).toMatch(/^F · /)
    const grid = (g: unknown) => (g as { bottom: number }).bottom
    expect(grid(compact.grid)).toBeLessThan(grid(option.grid))
  })

  it('name overlaid runs by their letters in every legend, the throughput and staircase charts included', () => {
    const cards = chartCards(six, 'light', 1000)
    for (const key of ['time', 'speedup', 'throughput', 'staircase']) {
      const option = cards.find((c) => c.key === key)!.option!
      const legend = option.legend as { formatter: (n: string) => string }
      const names = seriesOf(option)
        .map((s) => String(s.name ?? ''))
        .filter((n) => n !== '' && !n.startsWith('ideal') && !n.startsWith('probe'))
      expect(names.length, key).toBeGreaterThan(0)
      for (const n of names) expect(legend.formatter(n), `${key}: ${n}`).toMatch(/^[A-F] · /)
    }
  })

  it('give heat map rows at least 22 px, growing the chart: 24 sizes × 16 pools stay legible', () => {
    expect(heatmapHeight(2)).toBe(380)
    expect(heatmapHeight(24)).toBeGreaterThanOrEqual(24 * MIN_ROW_HEIGHT)
    const cards = chartCards(six, 'light', 1000)
    const heat = cards.find((c) => c.key === 'efficiency')!
    expect(heat.height).toBeGreaterThanOrEqual(6 * SIZES.length * MIN_ROW_HEIGHT)
  })
})

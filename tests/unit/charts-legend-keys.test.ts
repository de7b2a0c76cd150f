// The keyboard's legend reads a chart's legend from its option: every entry the canvas legend draws, once, with
// its text, colour and state, and the room the canvas legend takes at the chart's foot.
import { describe, expect, it } from 'vitest'
import { chartCards } from '../../renderer/src/charts/cards'
import { legendKeys, legendRoom, withLegendSelected } from '../../renderer/src/charts/legend-keys'
import { speedupVsWorkers, timeVsChunkRows, timeVsEntries } from '../../renderer/src/charts/options'
import { palette } from '../../renderer/src/charts/theme'
import { makeRun } from './charts-fixtures'

describe('legendKeys', () => {
  it('lists each name once, in the legend’s order, though a line, its whiskers and its fit share it', () => {
    const keys = legendKeys(speedupVsWorkers([makeRun({ sizes: [100, 1000] })], 'light'))
    expect(keys.map((k) => k.name)).toEqual(['ideal S = p', 'N=100', 'N=1000'])
  })

  it('writes what the legend writes: its formatter’s text (the fitted f), the name kept for the actions', () => {
    const [, n100] = legendKeys(speedupVsWorkers([makeRun({ sizes: [100, 1000] })], 'light'))
    expect(n100.name).toBe('N=100')
    expect(n100.text).toMatch(/^N=100 \(f=0\.\d\d\)$/)
  })

  it('gives each entry its series’ colour, as the legend’s icon has it', () => {
    const p = palette('dark')
    const keys = legendKeys(timeVsEntries([makeRun({ pools: [1, 2] })], 'dark'))
    expect(keys.map((k) => k.colour)).toEqual([p.serial, p.series[0], p.series[1]])
  })

  it('says which lines the chart starts with hidden (the chunk chart shows the largest N only)', () => {
    const run = makeRun({ sizes: [100, 1000], pools: [1, 2], chunkRows: ['auto', 16] })
    const chunks = timeVsChunkRows([run], 'light')
    if (!chunks) throw new Error('no chunk chart for a sweep of two chunk sizes')
    const keys = legendKeys(chunks)
    expect(keys.map((k) => [k.name, k.shown])).toEqual([
      ['N=1000 · p=1', true],
      ['N=1000 · p=2', true],
      ['N=100 · p=1', false],
      ['N=100 · p=2', false],
    ])
  })

  it('has no entries for a chart without a legend (the efficiency heat map) or one that hides it', () => {
    const cards = chartCards([makeRun()], 'light')
    const heat = cards.find((c) => c.key === 'efficiency')?.option
    expect(heat && legendKeys(heat)).toEqual([])
    const time = timeVsEntries([makeRun()], 'light')
    expect(legendKeys({ ...time, legend: { ...time.legend, show: false } })).toEqual([])
    expect(legendKeys({ ...time, legend: { ...time.legend, selectedMode: false } })).toEqual([])
  })

  it('goes by the run’s letter where runs are overlaid, as the compact legend writes it', () => {
    const runs = [
      makeRun({ name: 'laptop', pools: [1, 2] }),
      makeRun({ name: 'server', id: 'b', pools: [1, 2] }),
    ]
    const time = chartCards(runs, 'light').find((c) => c.key === 'time')?.option
    const keys = time ? legendKeys(time) : []
    expect(keys[0]).toMatchObject({ name: 'laptop · serial', text: 'A · serial' })
    expect(keys.at(-1)).toMatchObject({ name: 'server · p=2', text: 'B · p=2' })
  })
})

describe('legendRoom', () => {
  it('covers as many rows as the canvas legend wraps to in the card’s width', () => {
    const time = timeVsEntries([makeRun({ pools: [1, 2, 4, 8] })], 'light')
    const wide = legendRoom(time, 1000)
    const narrow = legendRoom(time, 200)
    expect(wide).toBe(8 + 24)
    expect(narrow).toBeGreaterThan(wide)
    expect((narrow - 8) % 24).toBe(0)
  })

  it('is 0 where there is no legend to cover', () => {
    expect(legendRoom(null, 500)).toBe(0)
    const heat = chartCards([makeRun()], 'light').find((c) => c.key === 'efficiency')
    expect(heat?.legendRoom).toBe(0)
  })

  it('is on every card with a legend, for the width that card gives it', () => {
    const cards = chartCards([makeRun()], 'light', 1200)
    for (const card of cards.filter((c) => c.option && legendKeys(c.option).length > 0))
      expect(card.legendRoom, card.key).toBeGreaterThan(0)
  })
})

describe('withLegendSelected', () => {
  it('hides the lines the reader hid and keeps the chart’s own choices for the rest', () => {
    const run = makeRun({ sizes: [100, 1000], pools: [1, 2], chunkRows: ['auto', 16] })
    const chunks = timeVsChunkRows([run], 'light')
    if (!chunks) throw new Error('no chunk chart for a sweep of two chunk sizes')
    const keys = legendKeys(withLegendSelected(chunks, { 'N=1000 · p=2': false, 'N=100 · p=1': true }))
    expect(keys.map((k) => [k.name, k.shown])).toEqual([
      ['N=1000 · p=1', true],
      ['N=1000 · p=2', false],
      ['N=100 · p=1', true],
      ['N=100 · p=2', false],
    ])
  })

  it('leaves a chart without a legend as it is', () => {
    const heat = chartCards([makeRun()], 'light').find((c) => c.key === 'efficiency')?.option
    if (!heat) throw new Error('no efficiency chart')
    expect(withLegendSelected(heat, { efficiency: false })).toBe(heat)
  })
})

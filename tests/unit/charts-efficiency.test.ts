// Chart 3, efficiency heat map: N rows × worker columns, value = the cell's efficiency, percent labels.
import { describe, expect, it } from 'vitest'
import { efficiencyHeatmap } from '../../renderer/src/charts/options'
import {
  EFFICIENCY_SCALE_MAX,
  heatmapLayout,
  MAX_ROW_HEIGHT,
} from '../../renderer/src/charts/options/efficiencyHeatmap'
import { palette } from '../../renderer/src/charts/theme'
import { axis, makeRun, seriesOf } from './charts-fixtures'

describe('efficiencyHeatmap', () => {
  it('puts workers on x and N on y as categories', () => {
    const option = efficiencyHeatmap([makeRun({ sizes: [100, 1000], pools: [1, 2, 4] })], 'light')
    expect(axis(option, 'xAxis')).toMatchObject({ type: 'category', data: ['1', '2', '4'] })
    expect(axis(option, 'yAxis')).toMatchObject({ type: 'category', data: ['N=100', 'N=1000'] })
  })

  it('holds the efficiency of the cell at (N, p)', () => {
    const run = makeRun()
    const cell = run.cells.find((c) => !c.serial && c.n === 1000 && c.pool === 2)!
    const [heat] = seriesOf(efficiencyHeatmap([run], 'light'))
    expect(heat.type).toBe('heatmap')
    expect(heat.data).toContainEqual([1, 1, cell.efficiency])
  })

  it('has a visual map from 0 to 100%', () => {
    const option = efficiencyHeatmap([makeRun()], 'light')
    expect(option.visualMap).toMatchObject({ min: 0, max: EFFICIENCY_SCALE_MAX })
  })

  it('labels each cell in percent', () => {
    const [heat] = seriesOf(efficiencyHeatmap([makeRun()], 'light')) as unknown as {
      label: { formatter: (p: { value: number[] }) => string }
    }[]
    expect(heat.label.formatter({ value: [0, 0, 0.734] })).toBe('73 %')
  })

  it('marks a flagged cell’s percentage with an asterisk', () => {
    const run = makeRun({ flagged: [{ n: 100, pool: 1 }] })
    const [heat] = seriesOf(efficiencyHeatmap([run], 'light')) as unknown as {
      label: { formatter: (p: { value: number[]; dataIndex: number }) => string }
    }[]
    const flagged = run.cells.find((c) => !c.serial && c.n === 100 && c.pool === 1)!
    expect(flagged.flags.map((f) => f.kind)).toEqual(['busy-machine'])
    expect(heat.label.formatter({ value: [0, 0, flagged.efficiency!], dataIndex: 0 })).toMatch(/^\d+ %\*$/)
    expect(heat.label.formatter({ value: [1, 0, 0.5], dataIndex: 1 })).toBe('50 %')
  })

  it('keeps 0–100% on its red-to-green stops and turns blue beyond, where a super-linear cell stands out', () => {
    const run = makeRun({ serialFraction: -0.2 })
    expect(seriesOf(efficiencyHeatmap([run], 'light'))[0].data.some((d) => (d as number[])[2] > 1)).toBe(true)
    for (const theme of ['light', 'dark'] as const) {
      const p = palette(theme)
      const map = efficiencyHeatmap([run], theme).visualMap as {
        min: number
        max: number
        inRange: { color: string[] }
      }
      const colours = map.inRange.color
      // Stops evenly spaced from min to max: 100% falls on the last green, as it did on a 0–100% scale.
      const step = (map.max - map.min) / (colours.length - 1)
      expect(colours[Math.round(1 / step)]).toBe(p.heatmap.at(-1))
      expect(colours.slice(0, p.heatmap.length)).toEqual(p.heatmap)
      expect(colours.slice(p.heatmap.length)).toEqual(p.heatmapAbove)
    }
  })

  it('leaves a failed cell empty', () => {
    const run = makeRun({ broken: [{ n: 100, pool: 4, status: 'failed' }] })
    const [heat] = seriesOf(efficiencyHeatmap([run], 'light'))
    expect(heat.data).toHaveLength(5)
    expect((heat.data as number[][]).some(([x, y]) => x === 2 && y === 0)).toBe(false)
  })

  it('says so on the row of a size whose cells were all cancelled, instead of a bare blank row', () => {
    const run = makeRun({
      sizes: [100, 1000],
      pools: [1, 2],
      broken: [
        { n: 1000, pool: 1, status: 'cancelled' },
        { n: 1000, pool: 2, status: 'cancelled' },
      ],
    })
    expect(axis(efficiencyHeatmap([run], 'light'), 'yAxis').data).toEqual(['N=100', 'N=1000 (not measured)'])
  })

  it('gives an overlaid run rows only for the sizes it swept', () => {
    const small = makeRun({ id: 'a', name: 'small', sizes: [100] })
    const large = makeRun({ id: 'b', name: 'large', sizes: [100, 1000] })
    expect(axis(efficiencyHeatmap([small, large], 'light'), 'yAxis').data).toEqual([
      'B · N=100',
      'B · N=1000',
      'A · N=100',
    ])
  })

  it('caps the row height, so a single size draws a modest band centred in the card', () => {
    // A card wide enough for a one-line subtitle.
    const grid = efficiencyHeatmap([makeRun({ sizes: [1000] })], 'light', 1000).grid as {
      top: number
      bottom: number
    }
    const one = heatmapLayout(1)
    expect(grid).toMatchObject({ top: one.top, bottom: one.bottom })
    expect(one.top).toBeGreaterThan(72)
    expect(one.top - 72).toBe(one.bottom - 72)
    expect(heatmapLayout(2).top - heatmapLayout(1).top).toBe(-MAX_ROW_HEIGHT / 2)
  })

  it('lets many rows use the whole card', () => {
    expect(heatmapLayout(8)).toEqual({ top: 72, bottom: 72, visualMapBottom: 4 })
  })

  it('starts the cells a line lower for each line its subtitle wraps to past the first, the rows as tall', () => {
    const run = makeRun({ sizes: [100, 1000] })
    const narrow = efficiencyHeatmap([run], 'light', 300)
    const lines = (narrow.title as { subtext: string }).subtext.split('\n').length
    expect(lines).toBeGreaterThan(1)
    const wide = heatmapLayout(2)
    expect(narrow.grid).toMatchObject({ top: wide.top + 16 * (lines - 1), bottom: wide.bottom })
  })
})

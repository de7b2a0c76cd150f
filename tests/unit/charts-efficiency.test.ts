// Chart 3, efficiency heat map: N rows × worker columns, value = the cell's efficiency, percent labels.
import { describe, expect, it } from 'vitest'
import { efficiencyHeatmap } from '../../renderer/src/charts/options'
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

  it('has a visual map from 0 to at least 100%', () => {
    const option = efficiencyHeatmap([makeRun()], 'light')
    expect(option.visualMap).toMatchObject({ min: 0, max: 1 })
  })

  it('labels each cell in percent', () => {
    const [heat] = seriesOf(efficiencyHeatmap([makeRun()], 'light')) as unknown as {
      label: { formatter: (p: { value: number[] }) => string }
    }[]
    expect(heat.label.formatter({ value: [0, 0, 0.734] })).toBe('73%')
  })

  it('leaves a failed cell empty', () => {
    const run = makeRun({ broken: [{ n: 100, pool: 4, status: 'failed' }] })
    const [heat] = seriesOf(efficiencyHeatmap([run], 'light'))
    expect(heat.data).toHaveLength(5)
    expect((heat.data as number[][]).some(([x, y]) => x === 2 && y === 0)).toBe(false)
  })
})

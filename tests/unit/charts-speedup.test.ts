// Chart 2, speedup vs workers: measured lines per N, the ideal S = p and the Amdahl fit per N.
import { describe, expect, it } from 'vitest'
import { speedupVsWorkers } from '../../renderer/src/charts/options'
import { amdahlSpeedup } from '../../renderer/src/charts/amdahl'
import { makeRun, named, seriesOf, valueOf, type LooseSeries } from './charts-fixtures'

const fitOf = (series: LooseSeries[], id: string) => series.find((s) => s.id === id)!

describe('speedupVsWorkers', () => {
  it('draws one measured line per N', () => {
    const option = speedupVsWorkers([makeRun({ sizes: [100, 1000] })], 'light')
    const measured = seriesOf(option).filter((s) => s.name.startsWith('N=') && !s.id?.startsWith('fit:'))
    expect(measured.map((s) => s.name)).toEqual(['N=100', 'N=1000'])
  })

  it('plots (p, S) with the speedup of each cell', () => {
    const run = makeRun()
    const cell = run.cells.find((c) => !c.serial && c.n === 1000 && c.pool === 4)!
    expect(named(speedupVsWorkers([run], 'light'), 'N=1000').data.map(valueOf)).toContainEqual([
      4,
      cell.speedup,
    ])
  })

  it('draws the ideal line through (p, p), dashed', () => {
    const ideal = named(speedupVsWorkers([makeRun({ pools: [1, 2, 4] })], 'light'), 'ideal S = p')
    expect(ideal.data.map(valueOf)).toEqual([
      [1, 1],
      [2, 2],
      [4, 4],
    ])
    expect(ideal.lineStyle?.type).toBe('dashed')
  })

  it('draws the Amdahl curve of the fitted f: 1/(0.1 + 0.9/4) ≈ 3.077 at p = 4', () => {
    const option = speedupVsWorkers([makeRun({ serialFraction: 0.1 })], 'light')
    const curve = fitOf(seriesOf(option), 'fit:0:1000')
    const atFour = curve.data.map(valueOf).find(([p]) => p === 4)!
    expect(atFour[1]).toBeCloseTo(3.077, 3)
    expect(amdahlSpeedup(0.1, 4)).toBeCloseTo(1 / (0.1 + 0.9 / 4), 12)
    expect(curve.lineStyle?.type).toBe('dashed')
  })

  it('names each fit like its measured line, so one legend entry toggles both, and shows f in the legend', () => {
    const option = speedupVsWorkers([makeRun({ serialFraction: 0.1 })], 'light')
    expect(fitOf(seriesOf(option), 'fit:0:100').name).toBe('N=100')
    const legend = option.legend as { formatter: (name: string) => string }
    expect(legend.formatter('N=100')).toBe('N=100 (f=0.10)')
    expect(legend.formatter('ideal S = p')).toBe('ideal S = p')
  })

  it('puts efficiency and Karp–Flatt into the tooltip', () => {
    const run = makeRun()
    const cell = run.cells.find((c) => !c.serial && c.n === 1000 && c.pool === 4)!
    const option = speedupVsWorkers([run], 'light')
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter
    const index = seriesOf(option).findIndex((s) => s.name === 'N=1000')
    const html = formatter({ seriesIndex: index, dataIndex: 2 })
    expect(html).toContain(`${Math.round(cell.efficiency! * 100)} %`)
    expect(html).toContain(`Karp–Flatt serial fraction: <b>${cell.karpFlatt!.toFixed(2)}</b>`)
  })

  it('leaves failed cells out of the measured line', () => {
    const run = makeRun({ broken: [{ n: 100, pool: 2, status: 'failed' }] })
    expect(named(speedupVsWorkers([run], 'light'), 'N=100').data.map((d) => valueOf(d)[0])).toEqual([1, 4])
  })
})

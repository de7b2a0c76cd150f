// Chart 4, time vs chunk rows: only when chunk sizes were swept; a line per pool size (per N) on a log x axis.
import { describe, expect, it } from 'vitest'
import { timeVsChunkRows } from '../../renderer/src/charts/options'
import { axis, makeRun, seriesOf, valueOf } from './charts-fixtures'

describe('timeVsChunkRows', () => {
  it('is null when only one chunk size was measured', () => {
    expect(timeVsChunkRows([makeRun({ chunkRows: ['auto'] })], 'light')).toBeNull()
  })

  it('draws a line per pool size for each N when chunks were swept', () => {
    const option = timeVsChunkRows(
      [makeRun({ sizes: [1000], pools: [1, 2, 4], chunkRows: [10, 100, 'auto'] })],
      'light',
    )!
    expect(seriesOf(option).map((s) => s.name)).toEqual(['N=1000 · p=1', 'N=1000 · p=2', 'N=1000 · p=4'])
  })

  it('puts rows per chunk on a log x axis, sorted, one point per size actually used', () => {
    const option = timeVsChunkRows(
      [makeRun({ sizes: [1000], pools: [4], chunkRows: [10, 100, 'auto'] })],
      'light',
    )!
    expect(axis(option, 'xAxis').type).toBe('log')
    expect(seriesOf(option)[0].data.map((d) => valueOf(d)[0])).toEqual([10, 100, 250])
  })

  it('shows the largest N at first, listed first, and leaves the other sizes to the legend', () => {
    const option = timeVsChunkRows(
      [makeRun({ sizes: [100, 1000], pools: [2], chunkRows: [10, 100] })],
      'light',
    )!
    expect(seriesOf(option).map((s) => s.name)).toEqual(['N=1000 · p=2', 'N=100 · p=2'])
    expect((option.legend as { selected: Record<string, boolean> }).selected).toEqual({
      'N=1000 · p=2': true,
      'N=100 · p=2': false,
    })
  })

  it('marks the serial time of that N as a reference line', () => {
    const run = makeRun({ sizes: [1000], pools: [2], chunkRows: [10, 100] })
    const serial = run.cells.find((c) => c.serial)!
    const option = timeVsChunkRows([run], 'light')!
    expect(seriesOf(option)[0].markLine?.data).toEqual([{ yAxis: serial.stats!.median }])
  })

  it('skips failed chunk cells', () => {
    const run = makeRun({
      sizes: [1000],
      pools: [2],
      chunkRows: [10, 100],
      broken: [{ n: 1000, pool: 2, chunkSpec: 10, status: 'failed' }],
    })
    expect(seriesOf(timeVsChunkRows([run], 'light')!)[0].data.map((d) => valueOf(d)[0])).toEqual([100])
  })
})

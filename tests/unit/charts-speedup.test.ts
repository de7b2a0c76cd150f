// Chart 2, speedup vs workers: measured lines per N, the ideal S = p and the Amdahl fit per N.
import { describe, expect, it } from 'vitest'
import { speedupVsWorkers } from '../../renderer/src/charts/options'
import { karpFlattText } from '../../renderer/src/charts/options/speedupVsWorkers'
import { karpFlatt, karpFlattInterval } from '../../common/stats'
import { amdahlSpeedup } from '../../renderer/src/charts/amdahl'
import { representativeCells } from '../../renderer/src/charts/select'
import { makeRun, named, seriesOf, valueOf, type LooseSeries } from './charts-fixtures'

/** The subtitle as one line (the builder breaks it to the chart's width). */
const subtitleOf = (option: ReturnType<typeof speedupVsWorkers>) =>
  (option.title as { subtext: string }).subtext.replace(/\s*\n\s*/g, ' ')
const fitOf = (series: LooseSeries[], id: string) => series.find((s) => s.id === id)!

describe('speedupVsWorkers', () => {
  it('draws one measured line per N', () => {
    const option = speedupVsWorkers([makeRun({ sizes: [100, 1000] })], 'light')
    const measured = seriesOf(option).filter(
      (s) => s.type === 'line' && s.name.startsWith('N=') && !s.id?.startsWith('fit:'),
    )
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

  it('draws the Amdahl curve of the engine’s fitted f: 1/(f + (1 − f)/4) at p = 4', () => {
    const run = makeRun({ serialFraction: 0.1 })
    const { serialFraction: f } = run.fits.find((x) => x.n === 1000)!
    const curve = fitOf(seriesOf(speedupVsWorkers([run], 'light')), 'fit:0:1000')
    const atFour = curve.data.map(valueOf).find(([p]) => p === 4)!
    expect(atFour[1]).toBeCloseTo(1 / (f + (1 - f) / 4), 12)
    expect(amdahlSpeedup(0.1, 4)).toBeCloseTo(1 / (0.1 + 0.9 / 4), 12)
    expect(curve.lineStyle?.type).toBe('dashed')
  })

  it('names each fit like its measured line, so one legend entry toggles both, and shows f in the legend', () => {
    const run = makeRun({ serialFraction: 0.1 })
    const option = speedupVsWorkers([run], 'light')
    expect(fitOf(seriesOf(option), 'fit:0:100').name).toBe('N=100')
    const legend = option.legend as { formatter: (name: string) => string }
    const f = run.fits.find((x) => x.n === 100)!.serialFraction
    expect(legend.formatter('N=100')).toBe(`N=100 (f=${f.toFixed(2)})`)
    expect(legend.formatter('ideal S = p')).toBe('ideal S = p')
  })

  it('draws each speedup’s 95% interval as an error bar named like its line', () => {
    const run = makeRun()
    const cell = run.cells.find((c) => !c.serial && c.n === 1000 && c.pool === 4)!
    const bars = named(speedupVsWorkers([run], 'light'), 'N=1000', 'custom')
    expect(bars.data).toContainEqual([4, cell.speedupCi!.low, cell.speedupCi!.high])
    expect(cell.speedupCi!.low).toBeLessThan(cell.speedup!)
  })

  it('draws no fit and says why when an N has only one pool size above 1 within the cores', () => {
    const option = speedupVsWorkers([makeRun({ pools: [1, 2, 4], logicalCores: 2 })], 'light')
    expect(seriesOf(option).filter((s) => s.id?.startsWith('fit:'))).toEqual([])
    const subtext = (option.title as { subtext: string }).subtext
    expect(subtext).toContain('not enough pool sizes to fit Amdahl')
    // The key names only what is drawn: the ideal line, no fit.
    expect(subtext).toMatch(/dashed: ideal(?! and Amdahl fit)/)
    const fitted = (speedupVsWorkers([makeRun()], 'light').title as { subtext: string }).subtext
    expect(fitted).toContain('dashed: ideal and Amdahl fit')
  })

  it('draws a fit over a best-chunk-per-pool line only where all its points share one chunk setting', () => {
    // N=100 is overhead-bound (fewer tasks win at every pool); at N=3000 the 10-row chunks balance best on 4.
    const run = makeRun({ sizes: [100, 3000], chunkRows: [10, 50] })
    const option = speedupVsWorkers([run], 'light')
    const drawnFits = seriesOf(option)
      .filter((s) => s.id?.startsWith('fit:'))
      .map((s) => s.id)
    for (const n of [100, 3000]) {
      const chunks = new Set(
        representativeCells(run)
          .filter((c) => c.n === n)
          .map((c) => c.chunkSpec),
      )
      expect(drawnFits.includes(`fit:0:${n}`)).toBe(chunks.size === 1)
    }
    expect(drawnFits.length).toBeGreaterThan(0)
  })

  it('says a best-chunk line mixes chunk settings, not that there are too few pools, when one setting has a fit', () => {
    // Pool 4's 50-row cell failed: its best chunk is 10 rows, the other pools' 50. Chunk 10 has a fit over 1, 2, 4.
    const run = makeRun({
      sizes: [1000],
      chunkRows: [10, 50],
      broken: [{ n: 1000, pool: 4, chunkSpec: 50, status: 'failed' }],
    })
    expect(new Set(representativeCells(run).map((c) => c.chunkSpec))).toEqual(new Set([10, 50]))
    expect(run.fits.map((f) => [f.chunkSpec, f.pools])).toEqual([[10, [1, 2, 4]]])
    const option = speedupVsWorkers([run], 'light')
    expect(seriesOf(option).filter((s) => s.id?.startsWith('fit:'))).toEqual([])
    const subtext = subtitleOf(option)
    expect(subtext).not.toContain('not enough pool sizes')
    expect(subtext).toContain(
      'best chunk differs by pool: the fits, one per chunk setting, are listed with the run',
    )
    expect(subtext).toMatch(/dashed: ideal(?! and Amdahl fit)/)
  })

  it('shows the fit’s f with its interval, residual and limit in the curve tooltip', () => {
    const run = makeRun({ serialFraction: 0.1 })
    const option = speedupVsWorkers([run], 'light')
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter
    const index = seriesOf(option).findIndex((s) => s.id === 'fit:0:1000')
    const html = formatter({ seriesIndex: index, dataIndex: 0 })
    const fit = run.fits.find((x) => x.n === 1000)!
    // Refitted on speedups of 5 samples a side (93% each): f's interval claims no more.
    expect(html).toContain(`serial fraction f [93% CI]: <b>${(fit.serialFraction * 100).toFixed(1)}% [`)
    const many = speedupVsWorkers([makeRun({ serialFraction: 0.1, samples: 9 })], 'light')
    const manyHtml = (many.tooltip as { formatter: (p: unknown) => string }).formatter({
      seriesIndex: seriesOf(many).findIndex((s) => s.id === 'fit:0:1000'),
      dataIndex: 0,
    })
    expect(manyHtml).toContain('serial fraction f [95% CI]: <b>')
    expect(html).toContain(`residual (rmse of S): <b>${fit.rmse.toFixed(3)}</b>`)
    expect(html).toContain('pools fitted: <b>1, 2, 4</b>')
  })

  it('puts efficiency and Karp–Flatt into the tooltip', () => {
    const run = makeRun()
    const cell = run.cells.find((c) => !c.serial && c.n === 1000 && c.pool === 4)!
    const option = speedupVsWorkers([run], 'light')
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter
    const index = seriesOf(option).findIndex((s) => s.name === 'N=1000')
    const html = formatter({ seriesIndex: index, dataIndex: 2 })
    expect(html).toContain(`${Math.round(cell.efficiency! * 100)} % [`)
    // Five samples a side: each median's interval is [min, max] at 93.75%, and the ratios claim no more.
    expect(html).toContain(
      `Karp–Flatt serial fraction: <b>${cell.karpFlatt!.toFixed(2)} [${cell.karpFlattCi!.low.toFixed(2)} – ${cell.karpFlattCi!.high.toFixed(2)}] (93%)</b>`,
    )
  })

  it('says the level its intervals claim: below 95% over few samples, in the tooltip and the subtitle', () => {
    const tooltipOf = (run: ReturnType<typeof makeRun>) => {
      const option = speedupVsWorkers([run], 'light')
      const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter
      const index = seriesOf(option).findIndex((s) => s.name === 'N=1000')
      return { html: formatter({ seriesIndex: index, dataIndex: 2 }), subtitle: subtitleOf(option) }
    }
    const few = tooltipOf(makeRun())
    expect(few.html).toContain('speedup S [93% CI]: <b>')
    expect(few.html).toMatch(/efficiency E = S\/p: <b>[^<]*\(93%\)<\/b>/)
    expect(few.subtitle).toContain('bars: 95% CI (93% over few samples)')
    const many = tooltipOf(makeRun({ samples: 9 }))
    expect(many.html).toContain('speedup S [95% CI]: <b>')
    expect(many.html).not.toContain('(9')
    expect(many.subtitle).toContain('bars: 95% CI')
    expect(many.subtitle).not.toContain('over few samples')
  })

  it('says what a Karp–Flatt figure above 1 means: p workers slower than one, not a fraction of the work', () => {
    const at = (s: number, ci: { low: number; high: number }) => ({
      pool: 2,
      karpFlatt: karpFlatt(s, 2),
      karpFlattCi: karpFlattInterval(ci, 2),
    })
    expect(karpFlattText(at(0.8, { low: 0.7, high: 0.9 }))).toBe(
      '1.50 [1.22 – 1.86] (above 1: slower than one worker, overhead)',
    )
    expect(karpFlattText(at(1.6, { low: 1.5, high: 1.7 }))).toBe('0.25 [0.18 – 0.33]')
    expect(karpFlattText({ pool: 1, karpFlatt: null, karpFlattCi: null })).toBe('— (needs p > 1)')
    // The level over few samples follows the interval, never a dash or the note.
    expect(karpFlattText(at(0.8, { low: 0.7, high: 0.9 }), 0.5)).toBe(
      '1.50 [1.22 – 1.86] (50%) (above 1: slower than one worker, overhead)',
    )
    expect(karpFlattText({ pool: 1, karpFlatt: null, karpFlattCi: null }, 0.75)).toBe('— (needs p > 1)')
  })

  it('leaves failed cells out of the measured line', () => {
    const run = makeRun({ broken: [{ n: 100, pool: 2, status: 'failed' }] })
    expect(named(speedupVsWorkers([run], 'light'), 'N=100').data.map((d) => valueOf(d)[0])).toEqual([1, 4])
  })
})

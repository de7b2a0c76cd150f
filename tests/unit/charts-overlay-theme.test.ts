// Options common to every chart: overlaid runs name their series, the two themes differ, PNG file names are safe.
import { describe, expect, it } from 'vitest'
import {
  cacheStaircase,
  efficiencyHeatmap,
  speedupVsWorkers,
  startupAndTransfer,
  throughputVsWorkers,
  timeVsChunkRows,
  timeVsEntries,
} from '../../renderer/src/charts/options'
import { chartCards, legendWidths, pngFileName } from '../../renderer/src/charts/cards'
import { runLabels } from '../../renderer/src/charts/select'
import { palette, runColour, serialColour } from '../../renderer/src/charts/theme'
import { MAX_OVERLAY } from '../../renderer/src/lib/view-state'
import { axis, makeRun, seriesOf } from './charts-fixtures'

const laptop = makeRun({ id: 'r1', name: 'laptop' })
const server = makeRun({ id: 'r2', name: 'server', msPerEntry: 1e-5 })

describe('overlaid runs', () => {
  it('shortens a long run name in legends and axis labels, numbering names that then collide', () => {
    const long = 'Laptop on battery, sum over three sizes with the default chunking'
    const labels = runLabels([makeRun({ name: long, id: 'a' }), makeRun({ name: `${long} again`, id: 'b' })])
    expect(labels).toEqual(['Laptop on battery, sum… #1', 'Laptop on battery, sum… #2'])
    expect(labels.every((l) => l.length <= 24 + 3)).toBe(true)
  })

  it('names the rows of an overlaid heatmap by the run key\'s letter, "A · N=…", and the run in the tooltip', () => {
    const option = efficiencyHeatmap(
      [makeRun({ name: 'first of two', id: 'a' }), makeRun({ name: 'second', id: 'b' })],
      'light',
    )
    expect(axis(option, 'yAxis').name).toBe('')
    expect(axis(option, 'yAxis').data).toContain('A · N=100')
    const tip = (option.tooltip as { formatter: (p: unknown) => string }).formatter({
      seriesIndex: 0,
      dataIndex: 0,
    })
    expect(tip).toMatch(/^<b>[AB] · N=\d+<\/b><br\/>run: <b>(first of two|second)<\/b>/)
  })

  it('prefix every series name with the run name', () => {
    const names = seriesOf(timeVsEntries([laptop, server], 'light')).map((s) => s.name)
    expect(names).toContain('laptop · p=2')
    expect(names).toContain('server · serial')
    expect(names.every((n) => n.startsWith('laptop · ') || n.startsWith('server · '))).toBe(true)
  })

  it('prefix speedup lines and fits', () => {
    const names = seriesOf(speedupVsWorkers([laptop, server], 'light')).map((s) => s.name)
    expect(names).toContain('laptop · N=1000')
    const fit = seriesOf(speedupVsWorkers([laptop, server], 'light')).find((s) => s.id === 'fit:1:100')
    expect(fit?.name).toBe('server · N=100')
  })

  it('get heat map rows of their own, the first run on top', () => {
    expect(axis(efficiencyHeatmap([laptop, server], 'light'), 'yAxis').data).toEqual([
      'B · N=100',
      'B · N=1000',
      'A · N=100',
      'A · N=1000',
    ])
  })

  it('are told apart by number when they share a name', () => {
    const names = seriesOf(timeVsEntries([laptop, makeRun({ id: 'r3', name: 'laptop' })], 'light')).map(
      (s) => s.name,
    )
    expect(names).toContain('laptop #1 · p=4')
    expect(names).toContain('laptop #2 · p=4')
  })

  it('draw each run in its own hue family, so no colour is shared between two runs', () => {
    for (const build of [timeVsEntries, speedupVsWorkers]) {
      const series = seriesOf(build([laptop, server], 'light')).filter(
        (s) => s.type === 'line' && !String(s.name).endsWith('serial') && s.name !== 'ideal S = p',
      )
      const coloursOf = (run: string) =>
        new Set(series.filter((s) => String(s.name).startsWith(`${run} · `)).map((s) => s.lineStyle?.color))
      const [a, b] = [coloursOf('laptop'), coloursOf('server')]
      expect(a.size).toBeGreaterThan(1)
      expect([...a].filter((c) => b.has(c))).toEqual([])
    }
  })

  it('give each size of a run its own colour, whatever sizes the other runs have', () => {
    // Sizes interleaved across the runs: an index over all six wrapped 200 and 2000 onto one of 4 shades.
    const a = makeRun({ id: 'a', name: 'a', sizes: [200, 800, 2000], pools: [1, 2, 4] })
    const b = makeRun({ id: 'b', name: 'b', sizes: [100, 500, 1000], pools: [1, 2, 4] })
    for (const build of [speedupVsWorkers, throughputVsWorkers]) {
      const series = seriesOf(build([a, b], 'light')).filter(
        (s) => s.type === 'line' && /N=/.test(String(s.name)),
      )
      for (const run of ['a', 'b']) {
        // A size's points and its Amdahl fit share a name (the legend toggles both) and a colour.
        const colours = new Map(
          series
            .filter((s) => String(s.name).startsWith(`${run} · N=`))
            .map((s) => [s.name, s.lineStyle?.color]),
        )
        expect(colours.size).toBe(3)
        expect(new Set(colours.values()).size).toBe(3)
      }
    }
  })

  it('keep the plain series colours for a single run', () => {
    const colours = seriesOf(timeVsEntries([laptop], 'light'))
      .filter((s) => s.type === 'line' && s.name !== 'serial')
      .map((s) => s.lineStyle?.color)
    expect(colours).toEqual(palette('light').series.slice(0, 3))
  })

  it('escape run names in tooltips', () => {
    const evil = makeRun({ id: 'r4', name: '<img src=x onerror=alert(1)>' })
    const option = timeVsEntries([evil, laptop], 'light')
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter
    const html = formatter({ seriesIndex: 0, dataIndex: 0 })
    expect(html).toContain('&lt;img')
    expect(html).not.toContain('<img')
  })
})

/** CIE76 colour difference of two #rrggbb colours: about 2.3 is the least a person notices, 25+ reads as another colour. */
function deltaE(a: string, b: string): number {
  const lab = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
    })
    const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116)
    const x = f((0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047)
    const y = f(0.2126 * r + 0.7152 * g + 0.0722 * bl)
    const z = f((0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883)
    return [116 * y - 16, 500 * (x - y), 200 * (y - z)]
  }
  const [p, q] = [lab(a), lab(b)]
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2])
}

describe('run colours', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`give each of ${MAX_OVERLAY} overlaid runs its own colour, apart from the others and the serial and flag inks (${theme})`, () => {
      const p = palette(theme)
      const firsts = Array.from({ length: MAX_OVERLAY }, (_, i) => runColour(p, i, MAX_OVERLAY, 0))
      expect(new Set(firsts).size).toBe(MAX_OVERLAY)
      for (let i = 0; i < firsts.length; i++) {
        for (let j = i + 1; j < firsts.length; j++)
          expect(deltaE(firsts[i], firsts[j]), `runs ${i + 1} and ${j + 1}`).toBeGreaterThan(25)
        for (const ink of [p.serial, p.ideal, p.noisy])
          expect(deltaE(firsts[i], ink), `run ${i + 1} and ${ink}`).toBeGreaterThan(25)
      }
      // No shade of one run's family is a shade of another's: the 6th run's pool lines are its own too.
      const shades = Array.from({ length: MAX_OVERLAY }, (_, i) =>
        Array.from({ length: 4 }, (_, k) => runColour(p, i, MAX_OVERLAY, k)),
      )
      expect(new Set(shades.flat()).size).toBe(MAX_OVERLAY * 4)
    })
  }
})

describe('serial lines and pool colours', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`give each overlaid run's serial line its own hue, and a pool one colour on every chart (${theme})`, () => {
      const p = palette(theme)
      const colourOf = (option: ReturnType<typeof timeVsEntries>, name: string) =>
        seriesOf(option).find((s) => s.name === name && s.type === 'line')?.lineStyle?.color
      const overlay = timeVsEntries([laptop, server], theme)
      const serials = ['laptop · serial', 'server · serial'].map((n) => colourOf(overlay, n))
      expect(serials).toEqual([serialColour(p, 0, 2), serialColour(p, 1, 2)])
      expect(serials[0]).not.toBe(serials[1])
      // In its run's family, and no pool line of that run wears it.
      expect(p.runFamilies[0]).toContain(serials[0])
      for (const pool of ['p=1', 'p=2', 'p=4'])
        expect(colourOf(overlay, `laptop · ${pool}`)).not.toBe(serials[0])
      // One run: the serial ink, as before.
      expect(colourOf(timeVsEntries([laptop], theme), 'serial')).toBe(p.serial)
      // The cache staircase gives each pool the colour the time chart gives it (it once counted the serial
      // line as the first pool: p=1 blue on one chart, orange on the other).
      for (const runs of [[laptop], [laptop, server]]) {
        const time = timeVsEntries(runs, theme)
        const stairs = cacheStaircase(runs, theme)
        const names = seriesOf(stairs).map((s) => s.name)
        expect(names.length).toBeGreaterThan(2)
        for (const name of names) {
          expect(colourOf(stairs, name), name).toMatch(/^#[0-9a-f]{6}$/)
          expect(colourOf(stairs, name), name).toBe(colourOf(time, name))
        }
      }
    })
  }
})

describe('themes', () => {
  const builders = { timeVsEntries, speedupVsWorkers, efficiencyHeatmap, startupAndTransfer }
  for (const [name, build] of Object.entries(builders)) {
    it(`${name} uses different text colours in light and dark`, () => {
      const light = build([laptop], 'light') as { textStyle: { color: string } }
      const dark = build([laptop], 'dark') as { textStyle: { color: string } }
      expect(light.textStyle.color).not.toBe(dark.textStyle.color)
    })
  }

  it('the chunk chart follows the theme too', () => {
    const swept = makeRun({ chunkRows: [10, 100] })
    const light = timeVsChunkRows([swept], 'light') as { textStyle: { color: string } }
    const dark = timeVsChunkRows([swept], 'dark') as { textStyle: { color: string } }
    expect(light.textStyle.color).not.toBe(dark.textStyle.color)
  })
})

describe('chart cards', () => {
  it('are the charts in order, with the chunk and breakdown charts explained when they have nothing to show', () => {
    const cards = chartCards([laptop], 'light')
    expect(cards.map((c) => c.key)).toEqual([
      'time',
      'speedup',
      'efficiency',
      'chunks',
      'startup',
      'throughput',
      'staircase',
      'breakdown',
    ])
    const chunks = cards.find((c) => c.key === 'chunks')!
    expect(chunks.option).toBeNull()
    expect(chunks.note).toMatch(/not swept/)
    // a run recorded before the breakdown existed
    const breakdown = cards.find((c) => c.key === 'breakdown')!
    expect(breakdown.option).toBeNull()
    expect(breakdown.note).toMatch(/before Amdahl measured where the time goes/)
  })

  it('are none without runs', () => {
    expect(chartCards([], 'light')).toEqual([])
  })

  it('export under a file name a save dialog accepts', () => {
    expect(pngFileName([makeRun({ name: 'my: "best" run/2' })], 'speedup')).toBe(
      'amdahl-my-best-run-2-speedup.png',
    )
    expect(pngFileName([laptop, server], 'time')).toBe('amdahl-2-runs-time.png')
  })
})

describe('legendWidths', () => {
  it('assumes the narrowest card without a measured width', () =>
    expect(legendWidths(null)).toEqual({ card: 470, wide: 470 }))
  it('gives each of two columns half the grid and a wide card all of it', () =>
    expect(legendWidths(1114)).toEqual({ card: 500, wide: 1060 }))
  it('gives a single column the whole width', () =>
    expect(legendWidths(840)).toEqual({ card: 780, wide: 780 }))
  it('gives a card narrower than a column (a 420 px window) the room it really has', () =>
    expect(legendWidths(396)).toEqual({ card: 340, wide: 340 }))
})

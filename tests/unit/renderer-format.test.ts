// @vitest-environment happy-dom
// The renderer's pure helpers: durations, ETA, times with spread, list fields, progress texts, table rows.
import { describe, expect, it } from 'vitest'
import { SweepSpecSchema } from '../../common/contract'
import { atInterval, cellRows, chunkPieces, fitLines } from '../../renderer/src/lib/cells'
import { chunkBasisLabel } from '../../renderer/src/charts/select'
import { chartCards } from '../../renderer/src/charts/cards'
import { fitTable, limitText, noFitReason } from '../../common/fits'
import { runSweep } from '../../main/engine'
import {
  formatBytes,
  formatDateTime,
  formatDuration,
  formatListDateTime,
  formatEta,
  formatMs,
  formatMsInterval,
  formatMsTick,
  formatPercent,
  shortCpu,
  specSummary,
} from '../../renderer/src/lib/format'
import { defaultPools } from '../../common/lists'
import { ListSyntaxError, parseList } from '../../renderer/src/lib/lists'
import { cancelledView, outcomeText, progressView } from '../../renderer/src/lib/progress'
import { runShortcutLabel, shortcutFor, type KeyPress } from '../../renderer/src/lib/shortcuts'
import { dispatchMenu, type MenuActions } from '../../renderer/src/lib/menu'
import { menuCommands } from '../../common/contract'
import { fieldErrors } from '../../renderer/src/lib/spec-errors'
import { makeRun } from './history-fixtures'
import { makeRun as makeChartRun } from './charts-fixtures'
import { formatCells, formatFits } from '../../main/cli/table'

describe('formatDuration', () => {
  it('prints milliseconds below a second', () => expect(formatDuration(850)).toBe('850 ms'))
  it('prints tenths of a second below ten seconds', () =>
    expect([1000, 1_540, 9_940, 9_960].map(formatDuration)).toEqual(['1 s', '1.5 s', '9.9 s', '10 s']))
  it('prints whole seconds below a minute', () => expect(formatDuration(12_400)).toBe('12 s'))
  it('prints minutes with two-digit seconds', () => expect(formatDuration(185_000)).toBe('3 min 05 s'))
  it('prints hours with two-digit minutes', () => expect(formatDuration(3_720_000)).toBe('1 h 02 min'))
  it('prints days with two-digit hours past two days', () => {
    expect(formatDuration(47 * 3_600_000 + 59 * 60_000)).toBe('47 h 59 min')
    expect(formatDuration(50 * 3_600_000)).toBe('2 d 02 h')
  })
  it('bounds a duration no run takes (an edited file), never printing an exponent', () => {
    expect(formatDuration(999 * 86_400_000)).toBe('999 d 00 h')
    expect([1000 * 86_400_000, 1e308].map(formatDuration)).toEqual(['over 999 d', 'over 999 d'])
    expect(formatEta(1e308)).toBe('over 999 d left')
  })
  it('prints a dash for nonsense', () => expect(formatDuration(Number.NaN)).toBe('—'))
})

describe('formatEta', () => {
  it('says it is estimating while the engine has no guess', () => expect(formatEta(null)).toBe('estimating…'))
  it('says how long is left', () => expect(formatEta(185_000)).toBe('about 3 min 05 s left'))
  it('says under a second near the end', () => expect(formatEta(400)).toBe('under a second left'))
})

describe('formatMs', () => {
  it('uses microseconds below a millisecond', () => expect(formatMs(0.85)).toBe('850 µs'))
  it('keeps three significant digits in milliseconds', () => expect(formatMs(12.345)).toBe('12.3 ms'))
  it('switches to seconds from a thousand milliseconds', () => expect(formatMs(1234)).toBe('1.23 s'))
})

describe('formatMsTick', () => {
  it('uses the same units as formatMs without trailing zeros', () =>
    expect([0.5, 1, 2.5, 1000].map(formatMsTick)).toEqual(['500 µs', '1 ms', '2.5 ms', '1 s']))
})

describe('formatPercent', () => {
  it('prints whole percent with a space before the sign', () => expect(formatPercent(0.734)).toBe('73 %'))
  it('prints the asked decimals', () => expect(formatPercent(0.025, 1)).toBe('2.5 %'))
})

describe('formatMsInterval', () => {
  it('prints a median and its interval in the median’s unit and precision', () =>
    expect(formatMsInterval(12.345, 12.1, 12.62)).toBe('12.3 [12.1–12.6] ms'))
  it('switches unit with the median', () =>
    expect(formatMsInterval(2500, 2380, 2700)).toBe('2.50 [2.38–2.70] s'))
  it('prints the median alone when there is no interval', () =>
    expect(formatMsInterval(5, null, null)).toBe('5.00 ms'))
  it('prints a dash without a median', () => expect(formatMsInterval(null, 1, 2)).toBe('—'))
})

describe('small formatters', () => {
  it('prints memory in binary units', () => expect(formatBytes(24 * 2 ** 30)).toBe('24 GiB'))
  it('drops trademark noise from CPU names', () =>
    expect(shortCpu('Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz')).toBe('Intel Core i7-8650U'))
  it('summarises a spec in one line', () =>
    expect(specSummary(SweepSpecSchema.parse({ sizes: [1, 10, 100, 1000, 10000], pools: [1, 2] }))).toBe(
      'sum · js · N 1–10000 (5) · pools 1, 2 · chunks auto · thread/shared · 5×',
    ))
  it('leaves out what means nothing to a program (chunks it never saw), and says how many processes measured', () =>
    expect(
      specSummary(
        SweepSpecSchema.parse({
          sizes: [10, 100],
          pools: [1, 2],
          workload: 'command',
          command: { template: 'python3 p.py {n} {p}' },
          processes: 3,
        }),
      ),
    ).toBe('command · N 10, 100 · pools 1, 2 · 5× · 3 processes'))
  it('names the chunks of a program whose command takes {chunk}', () =>
    expect(
      specSummary(
        SweepSpecSchema.parse({
          sizes: [10],
          pools: [1, 2],
          chunkRows: ['auto', 4],
          workload: 'command',
          command: { template: 'python3 p.py {n} {p} {chunk}' },
        }),
      ),
    ).toBe('command · N 10 · pools 1, 2 · chunks auto, 4 · 5×'))
})

describe('formatListDateTime', () => {
  const at = '2026-11-25T09:51:07Z'
  it("leaves the year out of this year's runs, to the second", () => {
    const line = formatListDateTime(at, new Date('2026-12-31T00:00:00Z'), 'en-GB')
    expect(line).not.toContain('2026')
    expect(line).toMatch(/25 Nov.*\d{2}:51:07/)
  })
  it("writes the year of an earlier year's run, as the full date does", () =>
    expect(formatListDateTime(at, new Date('2027-06-01T00:00:00Z'), 'en-GB')).toBe(
      formatDateTime(at, 'en-GB'),
    ))
  it('gives back what is not a date as it came', () => expect(formatListDateTime('soon')).toBe('soon'))
})

describe('parseList', () => {
  it('reads numbers separated by commas or spaces', () =>
    expect(parseList('1, 10 100')).toEqual([1, 10, 100]))
  it('expands ranges', () => expect(parseList('1-4')).toEqual([1, 2, 3, 4]))
  it('reads powers', () => expect(parseList('10^0, 10^3')).toEqual([1, 1000]))
  it('keeps auto as auto', () => expect(parseList('AUTO, 64')).toEqual(['auto', 64]))
  it('expands ranges with steps, as the CLI does', () =>
    expect(parseList('1000..4000:1000, 8000')).toEqual([1000, 2000, 3000, 4000, 8000]))
  it('stands one syntax error in for the list, saying what is wrong', () =>
    expect(parseList('12, x')).toEqual([
      new ListSyntaxError('"x" is not a number or a range like 1000..8000:1000', '12, x'),
    ]))
  it('does not expand absurd ranges, and says how many values they would give', () => {
    const [error] = parseList('1-100000')
    expect(error).toBeInstanceOf(ListSyntaxError)
    expect((error as ListSyntaxError).message).toMatch(
      /^"1-100000" gives 100000 values; a list holds at most 256/,
    )
  })
})

describe('defaultPools', () => {
  it('offers every pool size up to the cores of a small machine', () =>
    expect(defaultPools(4)).toEqual([1, 2, 3, 4]))
  it('offers powers of two and the core count on a big machine', () =>
    expect(defaultPools(24)).toEqual([1, 2, 4, 8, 16, 24]))
})

describe('fieldErrors', () => {
  it('names the list value that broke the rule', () => {
    const input = { sizes: [10, 0], pools: [1] }
    const result = SweepSpecSchema.safeParse(input)
    expect(result.success).toBe(false)
    if (!result.success)
      expect(fieldErrors(result.error.issues, input).sizes).toBe('“0”: matrix size N must be at least 1')
  })
})

describe('progressView', () => {
  it('prints cells, percentage, current cell, elapsed and ETA', () => {
    const view = progressView({
      runId: 'r1',
      cellsDone: 3,
      cellsTotal: 12,
      fraction: 0.375,
      current: { n: 1000, pool: 2, chunkRows: 500, serial: false, phase: 'measure' },
      elapsedMs: 65_000,
      etaMs: 108_000,
    })
    expect(view).toEqual({
      fraction: 0.375,
      percentText: '37 %',
      cellsText: '3 / 12 cells',
      currentText: 'N 1000 · pool 2 · chunk 500 rows · measuring',
      elapsedText: '1 min 05 s',
      etaText: 'about 1 min 48 s left',
    })
  })

  it('says the cells sample on towards their target where the engine gives no estimate mid-sweep', () => {
    const p = {
      runId: 'r',
      cellsDone: 3,
      cellsTotal: 6,
      fraction: 0.88,
      current: { n: 1000, pool: 2, chunkRows: 500, serial: false, phase: 'measure' as const },
      elapsedMs: 2000,
      etaMs: null,
    }
    expect(progressView(p).etaText).toBe('sampling until the intervals are tight')
    // Before any work is done it is still a first estimate to come.
    expect(progressView({ ...p, fraction: 0, cellsDone: 0 }).etaText).toBe('estimating…')
  })

  it('clamps a fraction beyond the ends', () => {
    const p = {
      runId: 'r',
      cellsDone: 0,
      cellsTotal: 1,
      fraction: 1.2,
      current: null,
      elapsedMs: 0,
      etaMs: null,
    }
    expect(progressView(p).fraction).toBe(1)
  })
})

describe('cancelledView', () => {
  /** The engine's last event after a cancel: the cancelled cells counted as done. */
  const last = {
    runId: 'r',
    cellsDone: 6,
    cellsTotal: 6,
    fraction: 1,
    current: null,
    elapsedMs: 1200,
    etaMs: 0,
  }

  it('counts only the measured cells of the cancelled run, and fills the bar that far', () => {
    const run = makeRun({ status: 'cancelled' })
    for (const i of [3, 4, 5]) run.cells[i] = { ...run.cells[i], status: 'cancelled', samplesMs: [] }
    const view = cancelledView(run, last)
    expect(view.percentText).toBe('Cancelled after 3 of 6 cells')
    expect(view.fraction).toBe(0.5)
    expect(view.percentText).not.toContain('6 / 6')
  })

  it('counts apart the cells the cancel cut off with samples kept, which the table shows', () => {
    const run = makeRun({ status: 'cancelled' })
    run.cells[3] = { ...run.cells[3], status: 'cancelled' }
    for (const i of [4, 5]) run.cells[i] = { ...run.cells[i], status: 'cancelled', samplesMs: [] }
    expect(run.cells[3].samplesMs.length).toBeGreaterThan(0)
    const view = cancelledView(run, last)
    expect(view.percentText).toBe('Cancelled after 3 of 6 cells (1 more partly measured)')
    expect(view.fraction).toBe(0.5)
  })

  it('uses the count at the moment of the cancel until the run is loaded', () => {
    const view = cancelledView(null, { ...last, cellsDone: 2, fraction: 2 / 6 })
    expect(view.percentText).toBe('Cancelled after 2 of 6 cells')
    expect(view.fraction).toBeCloseTo(2 / 6)
  })

  it('says only "Cancelled" when it knows nothing yet', () => {
    expect(cancelledView(null, null)).toMatchObject({ percentText: 'Cancelled', fraction: 0 })
  })
})

describe('outcomeText', () => {
  it('says how many cells of a failed run were measured', () => {
    const run = makeRun({ name: 'broken', status: 'failed', durationMs: 2300 })
    run.cells[4] = { ...run.cells[4], status: 'failed' }
    run.cells[5] = { ...run.cells[5], status: 'failed' }
    expect(outcomeText(run)).toBe('broken · 4 of 6 cells measured · took 2.3 s')
  })

  it('leaves the count of a cancelled run to the headline above it', () => {
    const run = makeRun({ name: 'cut short', status: 'cancelled', durationMs: 2300 })
    run.cells[5] = { ...run.cells[5], status: 'cancelled' }
    expect(outcomeText(run)).toBe('cut short · took 2.3 s')
  })

  it('says all cells were measured when none is missing', () =>
    expect(outcomeText(makeRun({ name: 'whole', durationMs: 450 }))).toBe(
      'whole · all 6 cells measured · took 450 ms',
    ))
})

describe('fitLines', () => {
  it('says once for all sizes why a chunk setting could not be fitted, not once per size', async () => {
    const sizes = [32, 48, 64, 80]
    const run = await runSweep(SweepSpecSchema.parse({ sizes, pools: [1, 2], repetitions: 1, warmups: 0 }))
    const reason = noFitReason(run.cells, 32, 'auto', run.machine.logicalCores)
    expect(fitLines(run)).toEqual([`N=32…80 (4 sizes), auto chunks: ${reason}`])
    const two = { ...run, cells: run.cells.filter((c) => c.n <= 48) }
    expect(fitLines(two)).toEqual([`N=32 and 48, auto chunks: ${reason}`])
    expect(fitLines({ ...run, cells: run.cells.filter((c) => c.n === 64) })).toEqual([
      `N=64, auto chunks: ${reason}`,
    ])
  })
})

describe('a chunk setting larger than N', () => {
  it('reads the same in the cells and the fit tables: the rows used, and the setting asked for', async () => {
    // The engine plans chunk 16 over N = 1 as one chunk of 1 row; over N = 32 as two chunks of 16.
    const run = await runSweep(
      SweepSpecSchema.parse({ sizes: [1, 32], pools: [1, 2], chunkRows: [16], repetitions: 1, warmups: 0 }),
    )
    const parallel = (n: number) => run.cells.find((c) => c.n === n && !c.serial)!
    expect([parallel(1).chunkRows, parallel(32).chunkRows]).toEqual([1, 16])
    const cellChunk = (n: number) => cellRows(run).find((r) => r.n === n && r.pool !== 'serial')!.chunk
    expect([cellChunk(1), cellChunk(32)]).toEqual(['1 (16 asked)', '16'])
    // A narrow table breaks between the rows and the setting, never inside the brackets.
    expect(chunkPieces(cellChunk(1))).toEqual(['1', '(16 asked)'])
    expect(chunkPieces('16')).toEqual(['16'])
    // The fit table of the terminal and the reports, its rows in the order of the cells.
    expect(fitTable(run).rows.map((r) => r.slice(0, 2))).toEqual([
      ['1', '1 (16 asked)'],
      ['32', '16'],
    ])
    expect(formatFits(run)).toMatch(/^\s*1 +1 \(16 asked\) /m)
    expect(formatCells(run.cells)).toMatch(/^\s*1 +2 +1 \(16 asked\) /m)
    // The app's fit lines under its table: N = 1 is not grouped with N = 32, whose chunks did have 16 rows.
    const reason = noFitReason(run.cells, 1, 16, run.machine.logicalCores)
    expect(fitLines(run)).toEqual([
      `N=1, 1-row chunks (16 asked): ${reason}`,
      `N=32, 16-row chunks: ${reason}`,
    ])
  })
})

describe("a program's run without {chunk}", () => {
  it('says nothing of chunks in its fit lines, chart subtitles and card tooltips, and its cells wrap at their intervals', async () => {
    const run = await runSweep(
      SweepSpecSchema.parse({
        workload: 'command',
        command: { template: `${process.execPath} -e 0 {p}` },
        sizes: [1, 2],
        pools: [1, 2],
        repetitions: 1,
        maxSamples: 1,
        warmups: 0,
      }),
    )
    const reason = noFitReason(run.cells, 1, 'auto', run.machine.logicalCores)
    expect(fitLines(run)).toEqual([`N=1 and 2: ${reason}`])
    expect(chunkBasisLabel(run)).toBeNull()
    for (const card of chartCards([run], 'light')) {
      const title = card.option?.title
      const subtext = String((Array.isArray(title) ? title[0] : title)?.subtext ?? '')
      expect(subtext, card.key).not.toMatch(/chunk/)
    }
    // A figure and its interval are two pieces a narrow table may put on two lines; a figure alone is one.
    expect(atInterval('0.0077 % [0.0063 %–0.0087 %]')).toEqual(['0.0077 %', '[0.0063 %–0.0087 %]'])
    expect(atInterval('0.00012× [0.00012–0.00013] (93%)')).toEqual(['0.00012×', '[0.00012–0.00013]', '(93%)'])
    expect(atInterval('1.05 [1.03–1.10] µs')).toEqual(['1.05', '[1.03–1.10] µs'])
    expect(atInterval('base')).toEqual(['base'])
  })
})

describe('a fit over few samples', () => {
  it('says f claims no more than the weakest speedup it is refitted from, in every fit table', () => {
    // 5 samples a side: each median's interval is [min, max] at 93.75%, each speedup's at 93%.
    const few = makeChartRun({ sizes: [1000] })
    expect(fitTable(few).rows[0][2]).toMatch(/^\d+\.\d% \[\d+\.\d%–\d+\.\d%\] \(93%\)$/)
    expect(fitLines(few)[0]).toMatch(/serial fraction f = [^,]*\] \(93%\), /)
    const many = makeChartRun({ sizes: [1000], samples: 9 })
    expect(fitTable(many).rows[0][2]).toMatch(/^\d+\.\d% \[\d+\.\d%–\d+\.\d%\]$/)
    // The terminal writes it as it writes a speedup's: after the interval, without brackets.
    expect(formatFits(few)).toMatch(/\d%\] 93% /)
    expect(formatFits(few)).not.toContain('(93%)')
  })
})

describe('a superlinear fit', () => {
  it("says the speedups pass p, beyond Amdahl's law, where f is clamped at 0", () => {
    // Times that fall faster than 1/p (a negative "serial fraction"): 2 workers 2.5×, 4 workers about 9×.
    const run = makeChartRun({ sizes: [1000], serialFraction: -0.2 })
    const fit = run.fits.find((f) => f.n === 1000)!
    expect(fit.serialFraction).toBe(0)
    expect(fit.speedupLimit).toBeNull()
    expect(limitText(fit)).toBe("— (speedup reaches p: beyond Amdahl's law)")
    expect(fitTable(run).rows[0][3]).toBe(limitText(fit))
    expect(fitLines(run)[0]).toContain("no limit can be read (speedup reaches p: beyond Amdahl's law)")
    expect(fit.serialFractionCi.high).toBe(0)
    // A fit held at 0 whose interval reaches above it (one pool above ideal, another below) may still have an f.
    expect(limitText({ ...fit, serialFractionCi: { low: 0, high: 0.039 } })).toBe('— (f may be 0)')
    // An interval printed as [0.0%–0.0%] reads as wholly 0, and is said so.
    expect(limitText({ ...fit, serialFractionCi: { low: 0, high: 7e-6 } })).toBe(limitText(fit))
    expect(limitText({ ...fit, serialFraction: 0.01, serialFractionCi: { low: 0, high: 0.04 } })).toBe(
      '— (f may be 0)',
    )
  })
})

describe('cellRows', () => {
  it('puts the serial baseline first within each N and formats its figures', () => {
    const rows = cellRows(makeRun())
    expect(rows.map((r) => `${r.n}/${r.pool}`)).toEqual([
      '16/serial',
      '16/1',
      '16/2',
      '64/serial',
      '64/1',
      '64/2',
    ])
    expect(rows[0]).toMatchObject({
      chunk: 'all',
      speedup: 'base',
      efficiency: '—',
      status: 'ok',
      flags: [],
      samples: '2',
    })
    // Samples 1.2 and 1.3 ms against a base of 1.25 and 1.5 ms: medians 1.25 and 1.375, speedup 1.10.
    expect(rows[2]).toMatchObject({
      chunk: '8 (auto)',
      time: '1.25 [1.20–1.30] ms',
      note: '2 samples: the interval is min–max, 50% confidence',
    })
    // Two samples a side: the ratio's interval claims no more than the medians behind it (50%).
    expect(rows[2].speedup).toMatch(/^1\.10× \[\d\.\d\d–\d\.\d\d\] \(50%\)$/)
    expect(rows[2].efficiency).toMatch(/^55 % \[\d+ %–\d+ %\] \(50%\)$/)
  })
})

describe('cellRows of a run cut short', () => {
  const run = makeRun({ status: 'cancelled' })
  const serial = run.cells.findIndex((c) => c.serial && c.n === 64)
  const parallel = run.cells.findIndex((c) => !c.serial && c.n === 64 && c.pool === 2)
  run.cells[serial] = { ...run.cells[serial], status: 'cancelled', samplesMs: [], kernelMs: [], stats: null }
  run.cells[parallel] = { ...run.cells[parallel], status: 'failed', error: 'sum: expected 1 got 2' }
  const rows = cellRows(run)

  it('shows dashes, not "base", for a serial baseline cancelled before its first sample', () =>
    expect(rows.find((r) => r.n === 64 && r.pool === 'serial')).toMatchObject({
      status: 'cancelled',
      time: '—',
      speedup: '—',
      efficiency: '—',
      flags: [],
    }))

  it('shows dashes for a failed cell and keeps its error as the note', () =>
    expect(rows.find((r) => r.n === 64 && r.pool === '2')).toMatchObject({
      status: 'failed',
      time: '—',
      speedup: '—',
      efficiency: '—',
      note: 'sum: expected 1 got 2',
    }))

  it('says when a sample timed a batch of runs', () => {
    const batched = makeRun()
    batched.cells[1] = { ...batched.cells[1], batch: 8 }
    expect(cellRows(batched)[1]).toMatchObject({
      samples: '2 ×8',
      note: expect.stringMatching(/^2 samples: the interval is min–max/),
    })
    const many = makeRun()
    many.cells[1] = { ...many.cells[1], batch: 8, samplesMs: [1, 1.1, 1.2, 1.3, 1.2, 1.1, 1] }
    many.cells[1] = { ...many.cells[1], stats: { ...many.cells[1].stats!, ciLevel: 0.98 } }
    expect(cellRows(many)[1].note).toBe(
      'each sample timed 8 runs back to back (one run is under 1000 timer steps); times are per run',
    )
  })

  it('keeps the figures of the cells that finished', () =>
    expect(rows.find((r) => r.n === 16 && r.pool === '2')?.speedup).toMatch(/^1\.10× /))
})

describe('shortcutFor', () => {
  const press = (over: Partial<KeyPress>): KeyPress => ({
    key: 'x',
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    defaultPrevented: false,
    targetTag: 'BODY',
    ...over,
  })

  it('cancels on Escape outside form fields', () =>
    expect(shortcutFor(press({ key: 'Escape' }), 'desktop')).toBe('cancel'))
  it('leaves Escape to a focused input', () =>
    expect(shortcutFor(press({ key: 'Escape', targetTag: 'INPUT' }), 'desktop')).toBeNull())
  it('leaves a key alone that something already handled', () =>
    expect(shortcutFor(press({ key: 'Escape', defaultPrevented: true }), 'desktop')).toBeNull())
  it('runs on Ctrl+Enter in the browser, even from a field', () =>
    expect(shortcutFor(press({ key: 'Enter', ctrlKey: true, targetTag: 'INPUT' }), 'browser')).toBe('run'))
  it('leaves Ctrl+Enter to the native menu on the desktop', () =>
    expect(shortcutFor(press({ key: 'Enter', ctrlKey: true }), 'desktop')).toBeNull())
  it('cancels on ⌘+. in the browser', () =>
    expect(shortcutFor(press({ key: '.', metaKey: true }), 'browser')).toBe('cancel'))
})

describe('runShortcutLabel', () => {
  it('names Ctrl+Enter in the browser on Linux', () =>
    expect(runShortcutLabel('browser', 'Linux x86_64')).toBe('Ctrl+Enter'))
  it('names the menu’s ⌘+R in the app on a Mac', () =>
    expect(runShortcutLabel('desktop', 'MacIntel')).toBe('⌘+R'))
})

describe('dispatchMenu', () => {
  it('sends each native-menu command to its own action', async () => {
    const done: string[] = []
    const actions: MenuActions = {
      run: () => void done.push('run'),
      cancel: () => void done.push('cancel'),
      exportRuns: (format) => void done.push(`export ${format}`),
      exportPng: () => void done.push('png'),
      targets: () => void done.push('targets'),
    }
    for (const command of menuCommands) await dispatchMenu(command, actions)
    expect(done).toEqual([
      'run',
      'cancel',
      'export csv',
      'export samples-csv',
      'export json',
      'png',
      'targets',
    ])
  })
})

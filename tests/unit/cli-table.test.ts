// Terminal tables of the CLI: cells with intervals and flags, the base case, start-up figures, fits, the history list.
import { describe, expect, it } from 'vitest'
import { RunSchema, SweepSpecSchema, type ChunkRows, type Run } from '../../common/contract'
import { summarizeRun } from '../../common/run-summary'
import { analyzeCells, type MeasuredCell } from '../../main/engine/analysis'
import { machineVerdict } from '../../main/engine/load'
import { describeBaseCase } from '../../main/engine/runner'
import { TIMED_REGION } from '../../main/engine/timed'
import { formatFits, formatMsNumber, formatRunList, formatRunReport, formatTable } from '../../main/cli/table'
import { chunkLabel, chunkUsed, ratioLevel } from '../../common/cell-text'
import { runsToCsv } from '../../main/export/csv'
import { parse } from 'csv-parse/sync'
import { formatClock, formatProgress, progressBar, ProgressLine } from '../../main/cli/progress'

/** A measured cell: its samples are the input; the figures come from the engine's analysis. */
const cell = (over: Partial<MeasuredCell>): MeasuredCell => ({
  n: 1000,
  entries: 1_000_000,
  pool: 1,
  chunkSpec: 1000,
  chunkRows: 1000,
  tasks: 1,
  serial: true,
  status: 'ok',
  samplesMs: [10, 10.2, 9.9, 10.1, 10.05, 9.95, 10.3],
  kernelMs: [9, 9.1, 9, 9, 9, 9, 9],
  result: 123,
  relError: 0,
  stopReason: 'target',
  busyCpuFraction: 0.01,
  ...over,
})

const spec = SweepSpecSchema.parse({ sizes: [1000], pools: [2], chunkRows: ['auto', 64] })
const analysed = analyzeCells(
  [
    cell({}),
    cell({
      pool: 2,
      serial: false,
      chunkSpec: 'auto',
      chunkRows: 500,
      tasks: 2,
      samplesMs: [5.5, 5.6, 5.4, 5.55, 5.45, 5.5, 5.52],
      busyCpuFraction: 0.3,
    }),
    cell({
      pool: 2,
      serial: false,
      chunkSpec: 64,
      chunkRows: 64,
      tasks: 16,
      status: 'cancelled',
      stopReason: 'cancelled',
      samplesMs: [],
      kernelMs: [],
    }),
  ],
  { seed: spec.seed, logicalCores: 2, targetRelSpread: 0.05, warmups: 1 },
)

const run: Run = RunSchema.parse({
  schema: 2,
  id: 'run-1',
  createdAt: '2026-11-25T10:00:00.000Z',
  name: 'laptop',
  spec,
  machine: {
    cpuModel: 'Test CPU 3000',
    logicalCores: 2,
    totalMemoryBytes: 8e9,
    freeMemoryBytes: 4e9,
    platform: 'linux',
    release: '6.1',
    arch: 'x64',
    node: '20.20.2',
    v8: '12.4',
    electron: null,
  },
  status: 'complete',
  durationMs: 2345,
  poolStartup: [{ executor: 'thread', pool: 2, coldMs: 35.25, roundTripMs: 0.0512 }],
  protocol: {
    targetRelSpread: 0.05,
    minSamples: 5,
    maxSamples: 50,
    maxTimeMs: 2000,
    warmups: 1,
    orderSeed: 7,
    timedRegion: TIMED_REGION,
    timerResolutionMs: 0.001,
    loadSource: 'proc-stat',
  },
  // The base case and the verdict as the runner words them.
  baseCase: describeBaseCase(spec),
  verdict: machineVerdict(analysed.cells, 2),
  fits: analysed.fits,
  cells: analysed.cells,
})

describe('formatTable', () => {
  it('pads columns to the widest value and aligns numbers right', () => {
    const text = formatTable(
      [
        { header: 'name', align: 'left' },
        { header: 'n', align: 'right' },
      ],
      [
        ['a', '1'],
        ['bbb', '100'],
      ],
    )
    expect(text).toBe(['name    n', 'a       1', 'bbb   100'].join('\n'))
  })

  it('pads by the columns a terminal gives each character: two for CJK and emoji, none for a combining mark', () => {
    const text = formatTable(
      [
        { header: 'name', align: 'left' },
        { header: 'n', align: 'right' },
      ],
      [
        ['名前', '1'],
        ['e\u0301te\u0301', '2'],
        ['🚀 run', '3'],
        ['plain', '100'],
      ],
    )
    // Every row's last column ends at the same terminal column: 'plain' is 5 wide, 名前 4, été 3, '🚀 run' 6.
    expect(text.split('\n')).toEqual([
      'name      n',
      '名前      1',
      'e\u0301te\u0301       2',
      '🚀 run    3',
      'plain   100',
    ])
  })
})

describe('formatMsNumber', () => {
  it('keeps about three significant digits', () => {
    expect([
      formatMsNumber(0.01234),
      formatMsNumber(1.2346),
      formatMsNumber(12.345),
      formatMsNumber(123.45),
      formatMsNumber(12345),
    ]).toEqual(['0.0123', '1.235', '12.35', '123.5', '12,345'])
  })
})

describe('formatRunReport', () => {
  const report = formatRunReport(run)
  const lines = report.split('\n')
  const speedup = run.cells[1].speedupCi!
  const efficiency = run.cells[1].efficiencyCi!

  it('names the run, its status, spec, protocol, machine, verdict and base case with its time', () => {
    expect(lines[0]).toBe('Run "laptop" (run-1): complete, 2.3 s, 2026-11-25T10:00:00.000Z')
    // How many samples is the protocol's line alone: "5 repetitions" read as if each cell took five.
    expect(lines[1]).toBe('sum workload, js kernel, thread executor, shared transfer, seed 42')
    expect(lines[2]).toBe(
      'Protocol: at least 5 samples after 1 warm-up, until the median is within ±5%, at most 50 samples or 2 s per cell, order seed 7',
    )
    // A run measured since the cells of a size end together says so; one from before keeps its own words.
    const sized = formatRunReport({ ...run, protocol: { ...run.protocol!, stopping: 'size' } }).split('\n')
    expect(sized[2]).toBe(
      'Protocol: at least 5 samples after 1 warm-up, until every cell of a size has its median within ±5%, at most 50 samples or 2 s per cell, order seed 7',
    )
    expect(lines[3]).toBe('Test CPU 3000, 2 logical cores, linux x64, Node 20.20.2')
    expect(lines[4]).toBe('While measuring: other programs used 0.6 cores during 1 of 3 cells')
    expect(lines[5]).toBe(
      'Base case: serial: the whole matrix as one task on one worker thread (js kernel), read in place from shared memory, as every pool reads it — N=1,000: 10.05 ms',
    )
  })

  it('prints one row per cell with the median, speedup and efficiency, each with its 95% interval, and flags', () => {
    const header = lines.find((l) => l.includes('median ms [95% CI]'))!
    expect(header.trim().split(/\s{2,}/)).toEqual([
      'N',
      'pool',
      'chunk',
      'samples',
      'median ms [95% CI]',
      'speedup [95% CI]',
      'efficiency [95% CI]',
      'status; flags',
    ])
    const rows = lines
      .slice(lines.indexOf(header) + 1, lines.indexOf(header) + 4)
      .map((l) => l.trim().split(/\s{2,}/))
    // Seven samples: the 1st and 7th order statistics ([min, max]) are the narrowest 95% interval (98.4%).
    expect(rows[0]).toEqual(['1,000', 'serial', 'all', '7', '10.05 [9.900–10.30]', 'base', '—', 'ok'])
    const pct = (x: number) => (x * 100).toFixed(0)
    expect(rows[1]).toEqual([
      '1,000',
      '2',
      '500 (auto)',
      '7',
      '5.500 [5.400–5.600]',
      `1.83× [${speedup.low.toFixed(2)}–${speedup.high.toFixed(2)}]`,
      `91% [${pct(efficiency.low)}–${pct(efficiency.high)}]`,
      'ok; busy-machine',
    ])
    expect(rows[2]).toEqual(['1,000', '2', '64', '0', '—', '—', '—', 'cancelled'])
  })

  it('lists each flag with its note under the table', () => {
    expect(report).toContain(
      'N=1,000 p=2 chunk 500 (auto): busy-machine: other programs used 0.6 of 2 cores while it was measured',
    )
  })

  it('lists the most telling notes first when they are more than fit, and says where the rest are', () => {
    // Twelve sizes of one sample each on 4 workers of 2 cores: single-sample and oversubscribed everywhere, and
    // the last size's pool-4 cell also unstable (its budget spent before its one sample made an interval).
    const sizes = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200]
    const many = analyzeCells(
      sizes.flatMap((n) => [
        cell({ n, entries: n * n, chunkSpec: n, chunkRows: n, samplesMs: [n / 100], kernelMs: [] }),
        cell({
          n,
          entries: n * n,
          pool: 4,
          serial: false,
          chunkSpec: 'auto',
          chunkRows: n / 4,
          tasks: 4,
          samplesMs: [n / 300],
          kernelMs: [],
          stopReason: n === 1200 ? 'budget-count' : 'min-reps',
        }),
      ]),
      { seed: 1, logicalCores: 2, targetRelSpread: 0.05, warmups: 1 },
    )
    const text = formatRunReport({ ...run, id: 'run-many', cells: many.cells, fits: many.fits })
    const notes = text.slice(text.indexOf('\nFlags\n') + 7, text.indexOf('\n\nPool start-up')).split('\n')
    expect(notes).toHaveLength(13)
    expect(notes[0]).toBe(
      '  N=1,200 p=4 chunk 300 (auto): unstable: one sample, so no interval at all, target ±5.0%: the sample budget ran out first',
    )
    expect(notes[1]).toMatch(/^ {2}N=100 serial: single-sample: /)
    expect(notes[12]).toMatch(
      /^ {2}… and \d+ more: every note is in amdahl export run-many --format json, and in the app's table$/,
    )
    // Not saved (--no-save, a failed save): no id to export, the JSON a sweep writes instead.
    const unsaved = formatRunReport(
      { ...run, id: 'run-many', cells: many.cells, fits: many.fits },
      { saved: false },
    )
    expect(unsaved).not.toContain('amdahl export run-many')
    expect(unsaved).toMatch(
      /\n {2}… and \d+ more: every note is in the run’s JSON \(--json FILE\); this run was not saved\n/,
    )
    // One sample on either side has nothing to resample: the speedup has no interval, not a point one.
    const row = text.split('\n').find((l) => l.trimStart().startsWith('1,200') && / 4 {2}/.test(l))!
    expect(row.trim().split(/\s{2,}/)[5]).toBe('3.00×')
    expect(many.cells.filter((c) => !c.serial).every((c) => c.speedupCi === null)).toBe(true)
  })

  it('prints the pool start-up figures, and per N and chunk setting why there is no Amdahl fit', () => {
    expect(report).toContain('Pool start-up')
    expect(lines.find((l) => l.startsWith('thread'))?.split(/\s{2,}/)).toEqual([
      'thread',
      '2',
      '35.25',
      '0.0512',
    ])
    expect(report).toContain('Amdahl fit per N and chunk setting')
    const fitsAt = lines.findIndex((l) => l.includes('why no fit'))
    const row = (k: number) => lines[fitsAt + k].trim().split(/\s{2,}/)
    expect(row(0)).toEqual(['N', 'chunk', 'why no fit'])
    expect(row(1)).toEqual([
      '1,000',
      'auto',
      'not enough pool sizes to fit (needs 2 above 1 within the cores: 2 cores allow only p=2; has p=2)',
    ])
    expect(row(2)).toEqual([
      '1,000',
      '64',
      'not enough pool sizes to fit (needs 2 above 1 within the cores: 2 cores allow only p=2; has none)',
    ])
  })
})

describe('intervals of a ratio over few samples', () => {
  it('say the level of the weaker median behind them, in the table and the CSV', () => {
    const few = analyzeCells(
      [
        cell({ samplesMs: [10, 10.4, 9.8], kernelMs: [9, 9, 9] }),
        cell({
          pool: 2,
          serial: false,
          chunkSpec: 'auto',
          chunkRows: 500,
          tasks: 2,
          samplesMs: [5.5, 5.7],
          kernelMs: [5, 5],
        }),
      ],
      { seed: spec.seed, logicalCores: 2, targetRelSpread: 0.05, warmups: 1 },
    )
    const fewRun: Run = { ...run, cells: few.cells, fits: few.fits }
    const [base, pool2] = few.cells
    // 3 samples: [min, max] at 75%; 2 samples: at 50%. The ratio claims the lower, 50%.
    expect(base.stats?.ciLevel).toBe(0.75)
    expect(pool2.stats?.ciLevel).toBe(0.5)
    expect(ratioLevel(pool2, few.cells)).toBe(0.5)
    expect(ratioLevel(base, few.cells)).toBeNull()
    const line = formatRunReport(fewRun)
      .split('\n')
      .find((l) => /^\s*1,000\s+2\s/.test(l))
    expect(line).toMatch(/\d\.\d\d× \[\d\.\d\d–\d\.\d\d\] 50%\s+\d+% \[\d+–\d+\] 50%/)
    // Where both medians reach 95% (the run above, 7 samples a side), nothing is added.
    expect(ratioLevel(run.cells[1], run.cells)).toBeNull()
    const rows: Record<string, string>[] = parse(runsToCsv([fewRun, run]), { columns: true })
    expect(rows.map((r) => r.speedup_ci_level)).toEqual(['', '0.5', '', '0.95', ''])
  })
})

describe('batched cells', () => {
  it('marks a batched cell’s samples ×b and says once what that means; no note when nothing was batched', () => {
    expect(formatRunReport(run)).not.toContain('×b:')
    const tiny = analyzeCells(
      [cell({ batch: 8 }), cell({ pool: 2, serial: false, chunkSpec: 'auto', batch: 3 })],
      {
        seed: spec.seed,
        logicalCores: 2,
        targetRelSpread: 0.05,
        warmups: 1,
      },
    )
    const report = formatRunReport({ ...run, cells: tiny.cells, fits: tiny.fits })
    const rows = report.split('\n').filter((l) => l.trimStart().startsWith('1,000'))
    expect(rows[0].split(/\s{2,}/)[3]).toBe('7 ×8')
    expect(rows[1].split(/\s{2,}/)[3]).toBe('7 ×3')
    expect(report).toContain(
      '×b: one run is shorter than 1000 steps of the timer (step 1.000 µs), so each sample times b back-to-back runs; the times shown are per run',
    )
  })
})

describe('formatFits', () => {
  it('prints f with its interval, the residual and the limit 1/f when f’s interval excludes 0', () => {
    const fitted: Run = {
      ...run,
      fits: [
        {
          n: 1000,
          chunkSpec: 'auto',
          serialFraction: 0.1,
          serialFractionCi: { low: 0.08, high: 0.12 },
          rmse: 0.0123,
          pools: [1, 2, 4],
          points: 3,
          speedupLimit: 10,
        },
        {
          n: 1000,
          chunkSpec: 64,
          serialFraction: 0.01,
          serialFractionCi: { low: 0, high: 0.04 },
          rmse: 0.2,
          pools: [1, 2, 4],
          points: 3,
          speedupLimit: null,
        },
      ],
    }
    const rows = formatFits(fitted)
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s{2,}/))
    expect(rows).toEqual([
      ['1,000', 'auto', '10.0% [8.0%–12.0%]', '10.0×', '0.012', '1,2,4'],
      ['1,000', '64', '1.0% [0.0%–4.0%]', '— (f may be 0)', '0.200', '1,2,4'],
    ])
  })
})

describe('formatRunList', () => {
  it('says so when the history is empty', () => {
    expect(formatRunList([])).toBe('No runs in the history yet.\n')
  })

  it('lists id, date, name, status, spec (kernel, executor, transfer too) and machine', () => {
    const [, row] = formatRunList([summarizeRun(run)])
      .trimEnd()
      .split('\n')
    expect(row.split(/\s{2,}/)).toEqual([
      'run-1',
      '2026-11-25 10:00',
      'laptop',
      'complete',
      'sum',
      'js',
      'thread',
      'shared',
      '1000',
      '2',
      '3',
      'Test CPU 3000',
    ])
  })

  it('names the target a run was swept on, in the list and atop its report', () => {
    const remote = { ...run, imported: true, target: 'lab-box' }
    const [, row] = formatRunList([summarizeRun(remote)])
      .trimEnd()
      .split('\n')
    expect(row.split(/\s{2,}/)[3]).toBe('complete (on lab-box)')
    expect(formatRunReport(remote).split('\n')[0]).toBe(
      'Run "laptop" (run-1): complete, 2.3 s, 2026-11-25T10:00:00.000Z, measured on lab-box',
    )
  })
})

describe('progress line', () => {
  const progress = {
    runId: 'run-1',
    cellsDone: 12,
    cellsTotal: 40,
    fraction: 0.3,
    current: { n: 1000, pool: 4, chunkRows: 250, serial: false, phase: 'measure' as const },
    elapsedMs: 5000,
    etaMs: 12_000,
  }

  it('shows cells done, percent, the current cell and the ETA', () => {
    expect(formatProgress(progress, 100)).toBe(
      '[######..............] 12/40 cells  30%  N=1000 pool 4 chunk 250 measure  ETA 0:12',
    )
  })

  it('shortens the current cell first on a narrow terminal, keeping counts and ETA', () => {
    expect(formatProgress(progress, 80)).toBe(
      '[######..............] 12/40 cells  30%  N=1000 pool 4 chunk 250 mea…  ETA 0:12',
    )
  })

  it('never writes into the last column', () => {
    expect(formatProgress(progress, 30)).toHaveLength(29)
  })

  it('leaves out the chunk while the pool starts', () => {
    const startup = { ...progress, current: { ...progress.current, chunkRows: 0, phase: 'startup' as const } }
    expect(formatProgress(startup, 100)).toContain('  N=1000 pool 4 startup  ETA')
  })

  it('names no pool while a size is filled: the fill runs on its own threads, not on a pool of the sweep', () => {
    const fill = {
      ...progress,
      current: { ...progress.current, pool: 2, chunkRows: 0, phase: 'fill' as const },
    }
    expect(formatProgress(fill, 100)).toBe('[######..............] 12/40 cells  30%  N=1000 fill  ETA 0:12')
  })

  it('shows an unknown ETA as a dash', () => {
    expect(formatProgress({ ...progress, etaMs: null, current: null })).toBe(
      '[######..............] 12/40 cells  30%  ETA —',
    )
  })

  it('formats clocks with hours only when needed', () => {
    expect([formatClock(7000), formatClock(754_000), formatClock(3_723_000), formatClock(null)]).toEqual([
      '0:07',
      '12:34',
      '1:02:03',
      '—',
    ])
  })

  it('clamps the bar to 0..100%', () => {
    expect(progressBar(1.7, 4)).toBe('[####]')
    expect(progressBar(-1, 4)).toBe('[....]')
  })

  it('redraws in place and clears its line', () => {
    const written: string[] = []
    const line = new ProgressLine({ write: (t: string) => written.push(t), columns: 100 })
    line.update(progress)
    line.clear()
    expect(written[0].startsWith('\r[######')).toBe(true)
    expect(written[0].endsWith('\x1b[K')).toBe(true)
    expect(written[1]).toBe('\r\x1b[K')
  })

  it('skips redraws within 100 ms unless a cell finished', () => {
    const written: string[] = []
    let clock = 0
    const line = new ProgressLine({ write: (t: string) => written.push(t) }, () => clock)
    line.update(progress)
    clock = 50
    line.update({ ...progress, fraction: 0.31 })
    line.update({ ...progress, cellsDone: 13 })
    clock = 200
    line.update({ ...progress, cellsDone: 13, fraction: 0.4 })
    expect(written.map((w) => w.slice(24, 35))).toEqual(['12/40 cells', '13/40 cells', '13/40 cells'])
  })
})

describe('the chunk column of a program', () => {
  it('reads "—" where the template never hands the program its rows per task, and the rows where it does', () => {
    const cell = { serial: false, chunkRows: 500, chunkSpec: 'auto' as const }
    const program = (template: string, serialTemplate?: string, chunkRows: ChunkRows[] = ['auto']) =>
      chunkUsed({ workload: 'command', command: { template, serialTemplate } as never, chunkRows })
    expect(program('python3 sum_pool.py {n} {p}')).toBe(false)
    expect(program('./sum {n} {p} {chunk}')).toBe(true)
    expect(program('./sum {n} {p}', './serial {n} {chunk}')).toBe(true)
    // Several settings asked for: the program reads AMDAHL_CHUNK, and its cells are told apart by them.
    expect(program('./sum {n} {p}', undefined, [1, 2])).toBe(true)
    expect(program('./sum {n} {p}', undefined, [64])).toBe(false)
    expect(chunkUsed({ workload: 'sum', chunkRows: ['auto'] })).toBe(true)
    expect(chunkLabel(cell, false)).toBe('—')
    expect(chunkLabel(cell, true)).toBe('500 (auto)')
    expect(chunkLabel({ ...cell, serial: true }, false)).toBe('all')
  })
})

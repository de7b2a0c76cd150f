// Terminal tables of the CLI: cells with spread, speedup and efficiency, start-up figures, fits, the history list.
import { describe, expect, it } from 'vitest'
import { RunSchema, summarizeRun, type Cell, type Run } from '../../common/contract'
import { formatMs, formatRunList, formatRunReport, formatTable } from '../../main/cli/table'
import { formatClock, formatProgress, progressBar, ProgressLine } from '../../main/cli/progress'

const stats = (median: number, relSpread: number, noisy = false) => ({
  median,
  mean: median,
  min: median * 0.9,
  max: median * 1.1,
  stddev: median * 0.05,
  ci95Low: median * (1 - relSpread),
  ci95High: median * (1 + relSpread),
  relSpread,
  outliers: [],
  noisy,
})

const cell = (over: Partial<Cell>): Cell => ({
  n: 1000,
  entries: 1_000_000,
  pool: 1,
  chunkSpec: 'auto',
  chunkRows: 1000,
  tasks: 1,
  serial: true,
  status: 'ok',
  samplesMs: [10, 10.2],
  kernelMs: [9, 9.1],
  stats: stats(10, 0.021),
  result: 123,
  relError: 0,
  speedup: 1,
  efficiency: 1,
  karpFlatt: null,
  ...over,
})

const run: Run = RunSchema.parse({
  schema: 1,
  id: 'run-1',
  createdAt: '2026-11-25T10:00:00.000Z',
  name: 'laptop',
  spec: { sizes: [1000], pools: [2] },
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
  fits: [{ n: 1000, serialFraction: 0.1, rmse: 0.0123, points: 2 }],
  cells: [
    cell({}),
    cell({
      pool: 2,
      serial: false,
      chunkRows: 500,
      tasks: 2,
      stats: stats(5.5, 0.15, true),
      speedup: 1.818,
      efficiency: 0.909,
      karpFlatt: 0.1,
    }),
    cell({
      pool: 2,
      serial: false,
      chunkSpec: 64,
      chunkRows: 64,
      tasks: 16,
      status: 'cancelled',
      stats: null,
      speedup: null,
      efficiency: null,
    }),
  ],
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
})

describe('formatMs', () => {
  it('keeps about three significant digits', () => {
    expect([
      formatMs(0.01234),
      formatMs(1.2346),
      formatMs(12.345),
      formatMs(123.45),
      formatMs(12345),
    ]).toEqual(['0.0123', '1.235', '12.35', '123.5', '12,345'])
  })
})

describe('formatRunReport', () => {
  const report = formatRunReport(run)
  const lines = report.split('\n')

  it('names the run, its status, spec and machine', () => {
    expect(lines[0]).toBe('Run "laptop" (run-1): complete, 2.3 s, 2026-11-25T10:00:00.000Z')
    expect(lines[1]).toContain(
      'sum workload, js kernel, thread executor, shared transfer, 5 repetitions after 1 warm-up',
    )
    expect(lines[2]).toBe('Test CPU 3000, 2 logical cores, linux x64, Node 20.20.2')
  })

  it('prints one row per cell with median ± spread, speedup and efficiency', () => {
    const header = lines.find((l) => l.includes('median ms ± spread'))!
    expect(
      header
        .trim()
        .split(/\s{2,}/)
        .map((h) => h.trim()),
    ).toEqual(['N', 'entries', 'pool', 'chunk', 'median ms ± spread', 'speedup', 'efficiency', 'status'])
    const rows = lines
      .slice(lines.indexOf(header) + 1, lines.indexOf(header) + 4)
      .map((l) => l.trim().split(/\s{2,}/))
    expect(rows[0]).toEqual(['1,000', '1,000,000', 'serial', 'all', '10.00 ± 2.1%', '1.00×', '100%', 'ok'])
    expect(rows[1]).toEqual([
      '1,000',
      '1,000,000',
      '2',
      '500 (auto)',
      '5.500 ± 15.0%',
      '1.82×',
      '91%',
      'ok, noisy',
    ])
    expect(rows[2]).toEqual(['1,000', '1,000,000', '2', '64', '—', '—', '—', 'cancelled'])
  })

  it('prints the pool start-up figures and the Amdahl fit per N', () => {
    expect(report).toContain('Pool start-up')
    expect(lines.find((l) => l.startsWith('thread'))?.split(/\s{2,}/)).toEqual([
      'thread',
      '2',
      '35.25',
      '0.0512',
    ])
    expect(report).toContain('Amdahl fit per N')
    expect(
      lines
        .at(-2)
        ?.trim()
        .split(/\s{2,}/),
    ).toEqual(['1,000', '10.0%', '10.0×', '0.012', '2'])
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

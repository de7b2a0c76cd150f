// CSV and JSON exports: one row per cell or per repetition, safe quoting, and JSON that re-imports to equal runs.
import { parse } from 'csv-parse/sync'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CommandSpecSchema,
  SaveFileSchema,
  SweepSpecSchema,
  UNRECORDED_BASE_CASE,
  type Run,
} from '../../common/contract'
import { runSweep } from '../../main/engine'
import { mergeProcessRuns } from '../../main/engine/processes'
import { runsToCsv, samplesToCsv, SAMPLES_CSV_HEADER, SUMMARY_CSV_HEADER } from '../../main/export/csv'
import { runsToJson } from '../../main/export/json'
import { exportFile, slugify } from '../../main/export/open-export'
import { formatFlagNotes, formatRunReport } from '../../main/cli/table'
import { parseImport } from '../../main/history/parse'
import { HistoryStore } from '../../main/history/store'
import { makeRun as chartsRun } from './charts-fixtures'
import { makeRun } from './history-fixtures'
import { FIT_TABLE_TITLE, fitTable } from '../../common/fits'
import { formatFits } from '../../main/cli/table'

/** A ratio as the CSV writes it: six significant digits. */
const six = (x: number) => String(Number(x.toPrecision(6)))
const readCsv = (text: string): Record<string, string>[] => parse(text, { columns: true })

describe('runsToCsv', () => {
  it('writes the header and one row per cell of every run', () => {
    const runs = [makeRun({ id: 'one' }), makeRun({ id: 'two' })]
    const text = runsToCsv(runs)
    expect(text.split('\n')[0]).toBe(SUMMARY_CSV_HEADER.join(','))
    const rows = readCsv(text)
    expect(rows).toHaveLength(12)
    expect(rows.map((r) => r.run_id)).toEqual([...Array(6).fill('one'), ...Array(6).fill('two')])
  })

  it('writes the figures of a cell as plain numbers and words', () => {
    const run = makeRun()
    const row = readCsv(runsToCsv([run]))[2]
    const cell = run.cells[2]
    expect(row).toMatchObject({
      run_id: run.id,
      run_name: 'laptop sum',
      created_at: '2026-11-25T10:00:00.000Z',
      workload: 'sum',
      kernel: 'js',
      executor: 'thread',
      transfer: 'shared',
      n: '16',
      entries: '256',
      pool: '2',
      chunk_spec: 'auto',
      chunk_rows: '8',
      tasks: '2',
      serial: 'false',
      status: 'ok',
      samples: '2',
      median_ms: '1.25',
      // Two samples: the median's interval is [min, max] with 50% confidence, stated beside it.
      ci95_low_ms: '1.2',
      ci95_high_ms: '1.3',
      ci_level: '0.5',
      base_case: UNRECORDED_BASE_CASE,
      base_ms: '1.375',
      speedup: '1.1',
      speedup_ci95_low: six(cell.speedupCi!.low),
      speedup_ci95_high: six(cell.speedupCi!.high),
      efficiency: '0.55',
      efficiency_ci95_low: six(cell.efficiencyCi!.low),
      efficiency_ci95_high: six(cell.efficiencyCi!.high),
      karp_flatt: six(cell.karpFlatt!),
      flags: '',
      stop_reason: '',
      busy_cpu_fraction: '',
      result: '-200',
      rel_error: '1e-15',
      error: '',
    })
  })

  it('labels the serial baseline as the table does: pool serial, chunk all', () => {
    const row = readCsv(runsToCsv([makeRun()]))[0]
    expect(row).toMatchObject({
      serial: 'true',
      pool: 'serial',
      chunk_spec: 'all',
      chunk_rows: 'all',
      tasks: '1',
    })
  })

  it('leaves absent figures empty', () => {
    const row = readCsv(runsToCsv([makeRun()]))[0]
    expect(row.serial).toBe('true')
    expect(row.speedup).toBe('1')
    expect(row.karp_flatt).toBe('')
    expect(row.karp_flatt_ci95_low).toBe('')
    expect(row.busy_cpu_fraction).toBe('')
  })

  it('writes a cell’s flags as semicolon-separated words and its speedup interval around the speedup', () => {
    const run = makeRun()
    run.cells[2].flags = [
      { kind: 'oversubscribed', note: '3 workers on 2 logical cores' },
      { kind: 'no-warmup', note: 'no warm-up' },
    ]
    const row = readCsv(runsToCsv([run]))[2]
    expect(row.flags).toBe('oversubscribed;no-warmup')
    expect(Number(row.speedup_ci95_low)).toBeLessThanOrEqual(Number(row.speedup))
    expect(Number(row.speedup_ci95_high)).toBeGreaterThanOrEqual(Number(row.speedup))
  })

  it('quotes names with commas, quotes and newlines so they read back intact', () => {
    const name = 'laptop, "fast"\nsecond line'
    const text = runsToCsv([makeRun({ name })])
    expect(text).toContain('"laptop, ""fast""\nsecond line"')
    expect(readCsv(text).every((r) => r.run_name === name)).toBe(true)
  })

  it('defuses names a spreadsheet would run as a formula', () => {
    expect(readCsv(runsToCsv([makeRun({ name: '=HYPERLINK("x")' })]))[0].run_name).toBe(`'=HYPERLINK("x")`)
  })

  it('shows the control characters of a name or an error as pictures, in CSV and Markdown alike', async () => {
    // What `cat run.csv` must not do: clear the screen or retitle the terminal.
    const run = makeRun({ name: 'x\u001b[2J\u001b]0;pwned\u0007' })
    const controls = ['\u001b', '\u0007']
    expect(controls.some((c) => runsToCsv([run]).includes(c))).toBe(false)
    expect(readCsv(runsToCsv([run]))[0].run_name).toBe('x␛[2J␛]0;pwned␇')
    const md = (await exportFile([run], 'md')).content
    expect(controls.some((c) => md.includes(c))).toBe(false)
    expect(md).toContain('x␛[2J␛]0;pwned␇')
  })

  it('says in Markdown how many samples a cell took at least, and until what, as the terminal says it', async () => {
    const protocol = {
      targetRelSpread: 0.05,
      minSamples: 5,
      maxSamples: 1000,
      maxTimeMs: 3000,
      warmups: 1,
      orderSeed: 7,
      timedRegion: 'dispatch → compute → reduce',
      timerResolutionMs: 0.001,
      loadSource: 'proc-stat' as const,
    }
    const md = async (p: typeof protocol | undefined) =>
      (await exportFile([{ ...makeRun({}), protocol: p }], 'md')).content
    // --reps is a minimum: "repetitions: 5 per cell" read as if each cell took five.
    const sentence =
      'at least 5 samples after 1 warm-up, until the median is within ±5%, at most 1000 samples or 3 s per cell, order seed 7'
    expect(await md(protocol)).toContain(`protocol: ${sentence}`)
    expect(formatRunReport({ ...makeRun({}), protocol })).toContain(`Protocol: ${sentence}\n`)
    // The cells of a size ending together is said in the file too, not only in the terminal.
    expect(await md({ ...protocol, stopping: 'size' } as typeof protocol)).toContain(
      'until every cell of a size has its median within ±5%',
    )
    expect(await md({ ...protocol, targetRelSpread: 0 })).toContain(
      ', no precision target, at most 1000 samples',
    )
    // A run from before the adaptive protocol took exactly that many.
    expect(await md(undefined)).toContain(
      'protocol: 2 repetitions per cell after 1 warm-up, no precision target recorded · seed',
    )
  })

  it('carries the base case, the machine verdict and every flag note, in Markdown and in the HTML report', async () => {
    const run = { ...makeRun({}), verdict: 'machine quiet' }
    const flagged = run.cells.flatMap((c) => c.flags.map((f) => ({ c, f })))
    expect(flagged.length).toBeGreaterThan(0)
    const [{ c, f }] = flagged
    // As the terminal words it: the chunk's rows and where they came from.
    const line = `N=${c.n} p=${c.pool} chunk ${c.chunkRows} (auto): ${f.kind}: ${f.note}`
    expect(formatFlagNotes(run.cells, run.id).split('\n')).toContain(`  ${line}`)
    const md = (await exportFile([run], 'md')).content
    expect(md).toContain(`base case: ${UNRECORDED_BASE_CASE} · machine while measuring: machine quiet`)
    // What a pool costs before any work, as the terminal's start-up table says it.
    expect(md).toContain('pool start-up: thread ×2: cold 40.5 ms, empty task round trip 200 µs')
    expect(md).toContain(`\nFlags:\n\n- ${line}\n`)
    // The base case's row says what it is, as the terminal's: not a measured 1.00× and 100%.
    expect(md).toMatch(/^\| 16 \| 256 \| serial \| all \| [^\n]* \| base \| — \| ok \|$/m)
    expect(md.match(/^- N=/gm)).toHaveLength(flagged.length)
    const html = (await exportFile([run], 'html')).content
    expect(html).toContain('<dt>machine while measuring</dt><dd>machine quiet</dd>')
    expect(html).toContain(`<h3>Flags</h3>`)
    // The interval and the speedup with its interval are figures: right-aligned, never broken across lines.
    expect(html).toMatch(/<td class="num">1\.10 ms – 1\.20 ms \(50%\)<\/td>/)
    // (two samples a side: the speedup's interval says the 50% its medians reach)
    expect(html).toMatch(/<td class="num">1\.20× \[1\.04–1\.36\] \(50%\)<\/td>/)
    expect(html.match(/<li>N=/g)).toHaveLength(flagged.length)
  })

  it('carries the Amdahl fit table the terminal prints, in Markdown and in the HTML report', async () => {
    // Pools 1, 2, 4 on 4 cores: every N has a fit (f of 10%); on 2 cores none, and each says why.
    for (const run of [chartsRun({ logicalCores: 4 }), chartsRun({ logicalCores: 2 })]) {
      const { fitted, headers, rows } = fitTable(run)
      expect(fitted).toBe(run.machine.logicalCores === 4)
      expect(rows.map((r) => r[0])).toEqual(['100', '1,000'])
      const md = (await exportFile([run], 'md')).content
      expect(md).toContain(`\n${FIT_TABLE_TITLE}:\n\n| ${headers.join(' | ')} |\n`)
      for (const r of rows) expect(md).toContain(`| ${r.join(' | ')} |`)
      const html = (await exportFile([run], 'html')).content
      const table = html
        .slice(html.indexOf('<table class="fits">'))
        .replace(/<td[^>]*>/g, '|')
        .replace(/<\/td>/g, '')
      for (const r of rows) expect(table).toContain(`<tr>|${r.join('|')}</tr>`)
      // The terminal's table is the same rows, a level over few samples written as its cells write theirs.
      const terminal = formatFits(run)
      for (const r of rows) expect(terminal).toContain(r[2].replace(/ \((\d+%)\)$/, ' $1'))
    }
    const fitted = fitTable(chartsRun({ logicalCores: 4 }))
    expect(fitted.headers).toEqual([
      'N',
      'chunk',
      'serial fraction f [95% CI]',
      'speedup limit 1/f',
      'residual (rmse of S)',
      'pools fitted',
    ])
    expect(fitted.rows[0][5]).toBe('1,2,4')
    expect(fitTable(chartsRun({ logicalCores: 2 })).rows[0][2]).toBe(
      'not enough pool sizes to fit (needs 2 above 1 within the cores: 2 cores allow only p=2; has p=2)',
    )
  })

  it("leaves out our kernel, executor and transfer where the run did not use them (a command's program)", async () => {
    const run = await runSweep(
      SweepSpecSchema.parse({
        workload: 'command',
        command: { template: `${process.execPath} -e 0 {p}` },
        sizes: [1],
        pools: [2],
        repetitions: 1,
        maxSamples: 1,
        warmups: 0,
      }),
    )
    expect(run.cells.map((c) => c.status)).toEqual(['ok', 'ok'])
    const rows = readCsv(runsToCsv([run]))
    expect(rows.map((r) => [r.workload, r.kernel, r.executor, r.transfer])).toEqual([
      ['command', '', '', ''],
      ['command', '', '', ''],
    ])
    // It never saw the rows per task (no {chunk}): empty chunk fields, as the tables' "—", in both CSVs.
    expect(rows.map((r) => [r.pool, r.chunk_spec, r.chunk_rows])).toEqual([
      ['serial', 'all', 'all'],
      ['2', '', ''],
    ])
    expect(readCsv(samplesToCsv([run])).map((r) => [r.pool, r.chunk_spec, r.chunk_rows])).toEqual([
      ['serial', 'all', 'all'],
      ['2', '', ''],
    ])
    // Nor in its flags' notes and its fit table, in the terminal, the Markdown and the HTML report.
    const report = formatRunReport(run)
    expect(report).toMatch(/^ {2}N=1 p=2: no-warmup: /m)
    expect(report).toMatch(/^1 +— +not enough pool sizes/m)
    for (const format of ['md', 'html'] as const) {
      const text = (await exportFile([run], format)).content
      expect(text).toContain('N=1 p=2: no-warmup: ')
      expect(text).not.toMatch(/chunk 1 \(auto\)|chunk auto/)
    }
    const md = (await exportFile([run], 'md')).content
    expect(md).toContain(`workload: command · command: ${process.execPath} -e 0 {p} · sizes N: 1`)
    expect(md).not.toMatch(/kernel: |executor: |transfer: /)
    // Our own workloads keep all three.
    expect(readCsv(runsToCsv([makeRun()]))[0]).toMatchObject({
      kernel: 'js',
      executor: 'thread',
      transfer: 'shared',
    })
  })

  it('shows a run name, error or command as text in Markdown, never as HTML or markup', async () => {
    const name = '<script>alert(1)</script> *bold* [link](x) | pipe'
    const run = { ...makeRun({ name }), error: '<img src=x onerror=alert(2)>' }
    const md = (await exportFile([run], 'md')).content
    expect(md).toContain(
      '## &lt;script&gt;alert(1)&lt;/script&gt; \\*bold\\* [link\\](x) \\| pipe (run-2026-11-25-aaaa)',
    )
    expect(md).toContain('(&lt;img src=x onerror=alert(2)&gt;)')
    expect(md).not.toMatch(/<script|<img/)
  })

  it('is only a header for runs without cells', () => {
    expect(runsToCsv([makeRun({ cells: [] })])).toBe(SUMMARY_CSV_HEADER.join(',') + '\n')
  })
})

describe('samplesToCsv', () => {
  it('tells apart two chunk settings of the same rows, and says which process took each sample', async () => {
    // N=128 on 2 workers: auto is 64 rows, the same as the explicit 64.
    const spec = SweepSpecSchema.parse({
      sizes: [128],
      pools: [2],
      chunkRows: ['auto', 64],
      repetitions: 2,
      maxSamples: 2,
      processes: 2,
    })
    const run = mergeProcessRuns([await runSweep(spec), await runSweep(spec)], 'complete')
    const rows = readCsv(samplesToCsv([run]))
    const pool2 = rows.filter((r) => r.pool === '2')
    expect(new Set(pool2.map((r) => r.chunk_rows))).toEqual(new Set(['64']))
    for (const chunk of ['auto', '64']) {
      const cell = run.cells.find((c) => !c.serial && c.chunkSpec === (chunk === 'auto' ? 'auto' : 64))!
      const mine = pool2.filter((r) => r.chunk_spec === chunk)
      expect(mine.map((r) => Number(r.wall_ms))).toEqual(cell.samplesMs.map((x) => Number(x.toFixed(6))))
      // processSamples [2, 2]: the first two samples are process 1's.
      expect(cell.processSamples).toEqual([2, 2])
      expect(mine.map((r) => r.process)).toEqual(['1', '1', '2', '2'])
    }
  })

  it('writes one row per repetition with its wall and kernel time', () => {
    const run = makeRun()
    const rows = readCsv(samplesToCsv([run]))
    expect(Object.keys(rows[0])).toEqual(SAMPLES_CSV_HEADER)
    expect(rows).toHaveLength(run.cells.reduce((s, c) => s + c.samplesMs.length, 0))
    expect(rows.slice(0, 2)).toEqual([
      {
        run_id: run.id,
        n: '16',
        pool: 'serial',
        chunk_rows: 'all',
        chunk_spec: 'all',
        serial: 'true',
        process: '1',
        rep: '0',
        wall_ms: '1.25',
        kernel_ms: '1',
        // our kernels: no process of its own
        process_ms: '',
      },
      {
        run_id: run.id,
        n: '16',
        pool: 'serial',
        chunk_rows: 'all',
        chunk_spec: 'all',
        serial: 'true',
        process: '1',
        rep: '1',
        wall_ms: '1.5',
        kernel_ms: '1.25',
        process_ms: '',
      },
    ])
  })
})

describe('numbers of a real sweep', () => {
  it('print times to the nanosecond and ratios to six digits, without float noise', async () => {
    const run = await runSweep(
      SweepSpecSchema.parse({ sizes: [64, 128], pools: [2], repetitions: 3, warmups: 0 }),
    )
    const samples = readCsv(samplesToCsv([run]))
    const walls = run.cells.flatMap((c) => c.samplesMs)
    expect(samples.map((r) => Number(r.wall_ms))).toEqual(walls.map((ms) => Math.round(ms * 1e6) / 1e6))
    for (const r of samples) {
      expect(r.wall_ms).toMatch(/^\d+(\.\d{1,6})?$/)
      expect(r.kernel_ms).toMatch(/^\d+(\.\d{1,6})?$/)
    }
    const cells = readCsv(runsToCsv([run]))
    for (const r of cells.filter((x) => x.serial === 'false')) {
      expect(r.median_ms).toMatch(/^\d+(\.\d{1,6})?$/)
      expect(r.speedup.replace(/^0\.0*|\./, '').length).toBeLessThanOrEqual(6)
    }
  })
})

describe('JSON export', () => {
  it('wraps the runs in a versioned document', () => {
    const doc = JSON.parse(runsToJson([makeRun()], new Date('2026-11-25T12:00:00Z')))
    expect(doc).toMatchObject({ format: 'amdahl-runs', version: 1, exportedAt: '2026-11-25T12:00:00.000Z' })
    expect(doc.runs).toHaveLength(1)
  })

  it('re-imports to equal runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'amdahl-export-test-'))
    try {
      const runs = [makeRun({ id: 'one' }), makeRun({ id: 'two', name: 'ünïcode, "quoted"' })]
      const store = new HistoryStore(dir)
      await store.importAll(JSON.parse((await exportFile(runs, 'json')).content))
      expect(await store.get('one')).toEqual({ ...runs[0], imported: true })
      expect(await store.get('two')).toEqual({ ...runs[1], imported: true })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('an import held against its own samples', () => {
  const cellOf = (run: Run, pool: number) => run.cells.findIndex((c) => !c.serial && c.pool === pool)

  it('takes every run the engine made and refuses figures its samples do not give, naming the field', async () => {
    const real = await runSweep(
      SweepSpecSchema.parse({ sizes: [64, 128], pools: [1, 2], repetitions: 3, warmups: 0 }),
    )
    for (const run of [real, makeRun()]) expect(parseImport(structuredClone(run))).toHaveLength(1)

    const k = cellOf(real, 2)
    const cell = real.cells[k]
    const forged = (change: (c: Run['cells'][number]) => void): Run => {
      const run = structuredClone(real)
      change(run.cells[k])
      return run
    }
    const median = cell.stats?.median ?? 0
    const cases: [Run, RegExp][] = [
      // The crafted export of the walk-through: a median outside its own interval, a speedup of 42.
      [
        forged((c) => c.stats && (c.stats.median = 999)),
        /^not a valid Amdahl run: cell \d+: median time is 999 ms, not the median of its samples/,
      ],
      [forged((c) => (c.speedup = 42)), /speedup is 42, not what its times give/],
      [
        forged((c) => (c.efficiency = (c.speedup ?? 0) / 1)),
        /efficiency is [\d.]+, not the speedup over the pool size/,
      ],
      [
        forged((c) => (c.samplesMs = c.samplesMs.map((ms, i) => (i === 0 ? -5 : ms)))),
        /a sample time is negative \(-5 ms\)/,
      ],
      // Nor any other time it holds: the engine's clocks only count up.
      [
        forged((c) => (c.kernelMs = c.kernelMs.map((ms, i) => (i === 1 ? -2 : ms)))),
        /^not a valid Amdahl run: cell \d+: a kernel time is negative \(-2 ms\)$/,
      ],
      [
        forged((c) => c.breakdown && (c.breakdown.reduceMs = -0.5)),
        /^not a valid Amdahl run: cell \d+: the breakdown's reduce time is negative \(-0\.5 ms\)$/,
      ],
      [{ ...real, durationMs: -5 }, /^not a valid Amdahl run: duration is negative \(-5 ms\)$/],
      [
        { ...real, poolStartup: real.poolStartup.map((p, i) => (i === 0 ? { ...p, coldMs: -40 } : p)) },
        /^not a valid Amdahl run: pool start-up 1: cold start time is negative \(-40 ms\)$/,
      ],
      [
        forged((c) => (c.baseMs = (c.baseMs ?? 0) * 2)),
        /base case time is [\d.]+ ms, not the median of this size's serial samples/,
      ],
      // An interval other than its samples' order statistics (one process): narrowed, or moved off the median.
      [
        forged((c) => c.stats && (c.stats.ci95High = median * 0.5)),
        /the 95% interval [\d.]+–[\d.]+ ms \(at 0\.9\d*\) is not the one its samples give/,
      ],
      [
        forged(
          (c) => c.stats && Object.assign(c.stats, { ci95Low: median * 0.999, ci95High: median * 1.001 }),
        ),
        /is not the one its samples give/,
      ],
      // The walk-through's relSpread of 0.001, which dropped every unstable flag; and process counts that do
      // not add up to the samples.
      [
        forged((c) => c.stats && (c.stats.relSpread = 0.001)),
        /is 0\.001, not the half-width of its own interval/,
      ],
      [
        forged((c) => (c.processSamples = [1, c.samplesMs.length])),
        /count [\d]+ samples over the processes, not the [\d]+ the cell holds/,
      ],
      [
        forged((c) => c.speedupCi && (c.speedupCi = { low: 50, high: 60 })),
        /the speedup lies outside its own 95% interval \(50–60\)/,
      ],
      // The walk-through's mean of 99 ms and standard deviation of 0 for samples around half a millisecond.
      [forged((c) => c.stats && (c.stats.mean = 99)), /mean time is 99 ms, not the mean of its samples/],
      [forged((c) => c.stats && (c.stats.stddev = 0)), /is 0 ms, not the standard deviation of its samples/],
    ]
    for (const [run, message] of cases) expect(() => parseImport(run)).toThrow(message)
    // The engine's own run comes back as it went: its flags and verdict are the ones its figures raise.
    expect(parseImport(structuredClone(real))[0]).toEqual(real)
    // A flag taken out of the file, or a verdict rewritten, is raised again from the figures the file holds.
    expect(real.cells.every((c) => c.flags.some((f) => f.kind === 'no-warmup'))).toBe(true)
    const unflagged = structuredClone(real)
    // (slow-machine was judged against the measuring machine's record, not in the file: the file's is kept.)
    for (const c of unflagged.cells) c.flags = c.flags.filter((f) => f.kind === 'slow-machine')
    unflagged.verdict = 'machine quiet, trust me'
    const [back] = parseImport(unflagged)
    expect(back.cells.map((c) => c.flags)).toEqual(real.cells.map((c) => c.flags))
    expect(back.verdict).toBe(real.verdict)
    // The seeded bootstraps a file cannot be checked on cheaply are derived again: a narrowed speedup interval,
    // an efficiency or Karp–Flatt interval of its own, an Amdahl fit the run's pools cannot give (2 pools on
    // this run) all come back as the engine made them.
    const rewritten = forged((c) => {
      c.speedupCi = { low: (c.speedup ?? 0) * 0.999, high: (c.speedup ?? 0) * 1.001 }
      c.efficiencyCi = { low: 0.01, high: 0.99 }
      c.karpFlatt = 0.01
      c.karpFlattCi = { low: 0, high: 0.02 }
    })
    rewritten.fits = [
      {
        n: 64,
        chunkSpec: 'auto',
        serialFraction: 0.1,
        serialFractionCi: { low: 0.09, high: 0.11 },
        rmse: 0,
        pools: [1, 2],
        points: 2,
        speedupLimit: 10,
      },
    ]
    expect(parseImport(rewritten)[0]).toEqual(real)
    // Measured in two processes (as --processes records it), a zero-width interval over them is derived again
    // from the two-level bootstrap: the cell's unstable or superlinear flags follow the real interval.
    const split = forged((c) => {
      c.processSamples = [1, c.samplesMs.length - 1]
      if (c.stats) Object.assign(c.stats, { ci95Low: c.stats.median, ci95High: c.stats.median, relSpread: 0 })
    })
    const [grouped] = parseImport(split)
    const stats = grouped.cells[k].stats!
    expect(stats.ci95High - stats.ci95Low).toBeGreaterThan(0)
    expect(stats.ci95Low).toBeLessThanOrEqual(stats.median)
    expect(stats.ci95High).toBeGreaterThanOrEqual(stats.median)
    // A cell that says it stopped on its target with an interval wider than the target took its unstable
    // flag away: refused.
    const missed = structuredClone(real)
    // (tighter than any interval of a few samples, as the run's protocol records it)
    missed.spec.target = 0.001
    missed.protocol!.targetRelSpread = 0.001
    const wide = missed.cells[k]
    wide.stopReason = 'target'
    wide.flags = []
    expect(() => parseImport(missed)).toThrow(
      /cell \d+: its stop reason says it met the ±0\.1% target, but its interval is ±[\d.]+%/,
    )
    // The target a run was measured with is its protocol's (what `history show` prints): a spec edited to a
    // looser one does not let cells that missed the real target claim to have met it.
    const loosened = structuredClone(real)
    loosened.protocol!.targetRelSpread = 0.001
    loosened.spec.target = 0.1
    for (const c of loosened.cells) {
      c.stopReason = 'target'
      c.flags = []
    }
    expect(() => parseImport(loosened)).toThrow(/its stop reason says it met the ±0\.1% target/)
    // A verdict taken out of the file is said again (the run records where its load was read).
    const silent = structuredClone(real)
    delete silent.verdict
    expect(parseImport(silent)[0].verdict).toBe(real.verdict)
    // Deriving costs time per sample: an import of more than the bound is refused before any of it.
    const heavy = {
      ...structuredClone(real),
      cells: Array.from({ length: 101 }, () => ({ samplesMs: Array(10_000).fill(1) })),
    }
    expect(() => parseImport(heavy)).toThrow(
      /^the import holds 1,010,000 samples; one import derives its figures from at most 1,000,000: import its runs a few at a time/,
    )
    // In an export of several runs, the refusal says which run.
    expect(() => parseImport(JSON.parse(runsToJson([real, cases[1][0]])))).toThrow(
      /^not a valid Amdahl export: run 2, cell \d+: speedup is 42/,
    )
  })

  it('refuses cells its sweep never plans: outside its sizes, pools or chunks, twice, or not N² entries', () => {
    const run = makeRun()
    // makeRun: N = 16, 64; per size the serial baseline, then pools 1 and 2 at chunk rows auto.
    const withCells = (change: (cells: Run['cells']) => Run['cells']): Run => ({
      ...structuredClone(run),
      cells: change(structuredClone(run.cells)),
    })
    const withSpec = (spec: Partial<Run['spec']>): Run => ({ ...run, spec: { ...run.spec, ...spec } })
    const cases: [Run, string][] = [
      [
        withCells((c) => [...c, c[2]]),
        'not a valid Amdahl run: cell 7: repeats cell 3 (N = 16, pool 2, chunk rows auto)',
      ],
      [
        withSpec({ sizes: [16] }),
        "not a valid Amdahl run: cell 4: matrix size N is 64, not one of its sweep's sizes (16)",
      ],
      [
        withSpec({ pools: [2] }),
        "not a valid Amdahl run: cell 2: pool size is 1, not one of its sweep's pools (2)",
      ],
      [
        withSpec({ chunkRows: [4] }),
        "not a valid Amdahl run: cell 2: chunk setting is auto, not one of its sweep's chunk rows (4)",
      ],
      [
        withCells((c) => c.map((cell, i) => (i === 0 ? { ...cell, pool: 2 } : cell))),
        "not a valid Amdahl run: cell 1: pool size is 2, not 1 as a serial baseline's",
      ],
      // A forged entry count inflated the throughput (gb_per_s) of every export.
      [
        withCells((c) => c.map((cell, i) => (i === 2 ? { ...cell, entries: 1e9 } : cell))),
        'not a valid Amdahl run: cell 3: entry count is 1000000000, not N² (256)',
      ],
      [
        withCells((c) => c.map((cell, i) => (i === 2 ? { ...cell, chunkRows: 5 } : cell))),
        'not a valid Amdahl run: cell 3: chunk rows is 5, not the 8 that chunk setting auto gives N = 16 on 2 workers',
      ],
      [
        withCells((c) => c.map((cell, i) => (i === 2 ? { ...cell, tasks: 7 } : cell))),
        'not a valid Amdahl run: cell 3: task count is 7, not 2 (N = 16 rows in chunks of 8)',
      ],
    ]
    for (const [forged, line] of cases) expect(() => parseImport(forged)).toThrow(line)
    // A run cut short holds fewer cells, in any order the rounds finished them: taken.
    const cancelled: Run = {
      ...structuredClone(run),
      status: 'cancelled',
      cells: [run.cells[3], run.cells[5]],
    }
    expect(parseImport(cancelled)[0].cells).toHaveLength(2)
    // A command splits its work itself and records its workers as tasks, whatever chunks the sweep named.
    const command = withSpec({
      workload: 'command',
      chunkRows: [4],
      command: CommandSpecSchema.parse({ template: 'prog {n} {p}' }),
    })
    command.cells = structuredClone(run.cells).map((cell) =>
      cell.serial ? cell : { ...cell, chunkSpec: 4, chunkRows: 4 },
    )
    expect(parseImport(command)[0].cells.map((c) => c.tasks)).toEqual([1, 1, 2, 1, 1, 2])
  })

  it('refuses kernel or process times that are not one per sample, and takes none', () => {
    const run = makeRun()
    // makeRun: two samples per cell, each with its kernel time.
    const withCell = (change: Partial<Run['cells'][number]>): Run => ({
      ...structuredClone(run),
      cells: run.cells.map((cell, i) => (i === 2 ? { ...cell, ...change } : cell)),
    })
    // A shorter list left the samples CSV's kernel_ms empty for the samples it lacked.
    expect(() => parseImport(withCell({ kernelMs: [0.9] }))).toThrow(
      'not a valid Amdahl run: cell 3: 1 kernel time for 2 samples: a cell holds one per sample, or none',
    )
    expect(() => parseImport(withCell({ processMs: [2, 2, 2] }))).toThrow(
      'not a valid Amdahl run: cell 3: 3 process times for 2 samples: a cell holds one per sample, or none',
    )
    // A program that reports no time of its own has no kernel times at all.
    expect(parseImport(withCell({ kernelMs: [] }))[0].cells[2].kernelMs).toEqual([])
  })

  it("refuses a result its workload's check fails on a cell that did not fail, with the engine's tolerance", () => {
    const run = makeRun()
    // makeRun: every result is -12.5·N (-200 at N = 16), each parallel cell 1e-15 off by its own record.
    const withCell = (change: Partial<Run['cells'][number]>, over: Partial<Run> = {}): Run => ({
      ...structuredClone(run),
      ...over,
      cells: run.cells.map((cell, i) => (i === 2 ? { ...cell, ...change } : cell)),
    })
    const beyond = (tolerance: string) =>
      `beyond the ${tolerance} its result check allows a cell that did not fail`
    const cases: [Run, string][] = [
      [
        withCell({ relError: 0.5 }),
        `not a valid Amdahl run: cell 3: result error is 0.5, ${beyond('1e-12')}`,
      ],
      [
        withCell({ result: -200.2 }),
        `not a valid Amdahl run: cell 3: result is -200.2, off its size's serial result (-200) by 0.001, ${beyond('1e-12')}`,
      ],
      [withCell({ relError: -1e-15 }), 'not a valid Amdahl run: cell 3: result error is negative (-1e-15)'],
      // assign's labels must all be the serial ones: their checksum is the serial one, to the last unit.
      [
        {
          ...structuredClone(run),
          spec: { ...run.spec, workload: 'assign' },
          cells: run.cells.map((cell, i) => ({ ...cell, relError: 0, ...(i === 2 ? { result: -199 } : {}) })),
        },
        `not a valid Amdahl run: cell 3: result is -199, off its size's serial result (-200) by 0.005, ${beyond('0')}`,
      ],
    ]
    for (const [forged, line] of cases) expect(() => parseImport(forged)).toThrow(line)
    // Within the check it passed: a sum reordered by the engine, a command's own --result-tolerance; and a cell
    // that failed its check says so already.
    expect(parseImport(withCell({ result: -200 * (1 + 1e-13), relError: 1e-13 }))).toHaveLength(1)
    const command = CommandSpecSchema.parse({
      template: 'prog {n} {p}',
      resultRegex: 'sum (\\S+)',
      resultTolerance: 0.01,
    })
    expect(
      parseImport(
        withCell({ result: -201, relError: 0.005 }, { spec: { ...run.spec, workload: 'command', command } }),
      ),
    ).toHaveLength(1)
    expect(
      parseImport(withCell({ status: 'failed', error: 'wrong result', result: -300, relError: 0.5 })),
    ).toHaveLength(1)
  })
})

describe('exportFile', () => {
  const now = new Date('2026-11-25T12:00:00Z')

  it.each([
    ['csv', 'amdahl-laptop-sum-2026-11-25.csv', 'text/csv'],
    ['samples-csv', 'amdahl-laptop-sum-samples-2026-11-25.csv', 'text/csv'],
    ['json', 'amdahl-laptop-sum-2026-11-25.json', 'application/json'],
  ] as const)('names a %s export of one run after the run', async (format, fileName, mimeType) => {
    const file = await exportFile([makeRun()], format, now)
    expect(file.fileName).toBe(fileName)
    expect(file.mimeType).toBe(mimeType)
  })

  it('names an export of several runs after their count', async () => {
    expect((await exportFile([makeRun({ id: 'a' }), makeRun({ id: 'b' })], 'csv', now)).fileName).toBe(
      'amdahl-2-runs-2026-11-25.csv',
    )
  })

  it('makes a file name every OS accepts from any run name', async () => {
    const file = await exportFile([makeRun({ name: 'CON: a/b\\c*?"<>| Ünïcödé…' })], 'csv', now)
    expect(file.fileName).toBe('amdahl-con-a-b-c-unicode-2026-11-25.csv')
    expect(SaveFileSchema.safeParse({ ...file, encoding: 'utf8' }).success).toBe(true)
  })

  it('falls back to the run id when the name has no letters or digits', async () => {
    expect((await exportFile([makeRun({ name: '★★★' })], 'json', now)).fileName).toBe(
      'amdahl-run-2026-11-25-aaaa-2026-11-25.json',
    )
  })

  it('slugs are short and never start or end with a dash', () => {
    expect(slugify('--' + 'a'.repeat(100) + '--')).toBe('a'.repeat(40))
    expect(slugify('  hello   world  ')).toBe('hello-world')
  })
})

// The built `amdahl` CLI as a user runs it: exit codes, one-line errors, real sweeps, history, serve, Ctrl-C.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtCli, builtCliEnv } from '../setup/built-cli'
import { RunSchema } from '../../common/contract'
import { RunsExportSchema } from '../../main/export/json'
import { makeRun } from './history-fixtures'

const root = resolve(import.meta.dirname, '../..')
let work: string
let cli: string

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'server-cli-'))
  cli = builtCli()
}, 120_000)
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** The bundle lives outside the project: NODE_PATH lets it find the project's node_modules, as if installed. */
const env = (): NodeJS.ProcessEnv => builtCliEnv(join(work, 'home'))

const amdahl = (...args: string[]): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, [cli, ...args], { cwd: work, env: env(), encoding: 'utf8', timeout: 60_000 })

const fresh = (name: string) => join(work, name)
const jsonFiles = (dir: string) =>
  existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : []

describe('usage errors', () => {
  it.each([
    [['sweep', '--bogus'], "amdahl: unknown option '--bogus'"],
    [['sweep', '--sizes', '1.5'], 'amdahl: --sizes: "1.5" is not a whole number (write e.g. 1000 or 1e4)'],
    [['sweep', '--sizes', '-1'], 'amdahl: --sizes: "-1" is not a whole number (write e.g. 1000 or 1e4)'],
    [['sweep', '--sizes', 'NaN'], 'amdahl: --sizes: "NaN" is not a number or a range like 1000..8000:1000'],
    [['sweep', '--sizes', 'abc'], 'amdahl: --sizes: "abc" is not a number or a range like 1000..8000:1000'],
    [['sweep', '--sizes', '100', '--pools', '0'], 'amdahl: --pools: pool size must be at least 1 (got 0)'],
    [['sweep', '--sizes', '100', '--chunk', '0'], 'amdahl: --chunk: chunk rows must be at least 1 (got 0)'],
    [['sweep', '--sizes', '100', '--transfer', 'x'], 'amdahl: --transfer: "x" is not one of shared, copy'],
    [
      ['sweep', '--sizes', '100', '--executor', 'process', '--transfer', 'shared'],
      'amdahl: --transfer: the process executor cannot share memory: use transfer "copy"',
    ],
    [
      ['sweep', '--sizes', '1000..80000'],
      'amdahl: --sizes: "1000..80000" gives 79001 values; a list holds at most 256 (use a step, e.g. 1000..80000:10000)',
    ],
    [
      ['sweep', '--sizes', '100', '--executor', 'fiber'],
      'amdahl: --executor: "fiber" is not one of thread, process',
    ],
    [['sweep'], 'amdahl: --sizes is required, e.g. --sizes 500,1000,2000'],
    [['frobnicate'], "amdahl: unknown command 'frobnicate'"],
    [['history', 'show'], "amdahl: missing required argument 'id'"],
    [['export', 'abc'], "amdahl: required option '--format <format>' not specified"],
    [
      ['export', 'abc', '--format', 'xml'],
      'amdahl: --format: "xml" is not one of csv, samples-csv, json, html, md, svg, png',
    ],
    [
      ['export', 'abc', '--format', 'csv', '--chart', 'speedup', '--width', '50'],
      'amdahl: --chart, --width: only for --format svg or png, not csv',
    ],
    [['serve', '--port', '99999'], 'amdahl: --port: 99999 is not a port number (0–65535)'],
  ])('%j exits 2 with one line and no stack', (args, line) => {
    const result = amdahl(...args)
    expect(result.status).toBe(2)
    expect(result.stderr).toBe(`${line}\n`)
    expect(result.stdout).toBe('')
  })

  it('refuses more run ids than one export holds, before reading any', () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `run-${i}`)
    const result = amdahl('export', ...ids, '--format', 'csv', '--history-dir', fresh('h-none'))
    expect(result.status).toBe(2)
    expect(result.stderr).toBe('amdahl: 1001 run ids: one export holds at most 1000 runs\n')
  })

  it('prints help on --help and exits 0', () => {
    const result = amdahl('sweep', '--help')
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('--sizes <list>')
    expect(result.stdout).toContain('Examples:')
  })
})

describe('sweep', () => {
  it('prints a table and writes a JSON export that RunSchema accepts and history import takes back', () => {
    const history = fresh('h-sweep')
    const out = fresh('run.json')
    const result = amdahl(
      'sweep',
      '--sizes',
      '32,64',
      '--pools',
      '1,2',
      '--reps',
      '2',
      '--json',
      out,
      '--csv',
      fresh('cells.csv'),
      '--history-dir',
      history,
    )
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(result.status).toBe(0)
    const lines = result.stdout.split('\n')
    expect(
      lines
        .find((l) => l.includes('median ms [95% CI]'))
        ?.trim()
        .split(/\s{2,}/),
    ).toEqual([
      'N',
      'pool',
      'chunk',
      'samples',
      'median ms [95% CI]',
      'speedup [95% CI]',
      'efficiency [95% CI]',
      'status; flags',
    ])
    expect(result.stdout).toContain('Pool start-up')
    expect(result.stdout).toContain('not enough pool sizes to fit')

    const doc = RunsExportSchema.parse(JSON.parse(readFileSync(out, 'utf8')))
    const run = RunSchema.parse(doc.runs[0])
    expect(run.status).toBe('complete')
    expect(run.spec.sizes).toEqual([32, 64])
    expect(run.cells).toHaveLength(6)
    expect(readFileSync(fresh('cells.csv'), 'utf8').trim().split('\n')).toHaveLength(7)
    expect(jsonFiles(history)).toEqual([`${run.id}.json`])
    // The machine's speed record: inside the folder named (not a data folder's history/), never beside it.
    expect(readdirSync(join(history, 'machines')).filter((f) => f.endsWith('.speed.json'))).toHaveLength(1)
    expect(existsSync(fresh('machines'))).toBe(false)

    const other = fresh('h-import')
    const imported = amdahl('history', 'import', out, '--history-dir', other)
    expect(imported.status).toBe(0)
    expect(imported.stdout).toBe(`imported run ${run.id} "${run.name}"\n`)
    expect(amdahl('history', 'list', '--history-dir', other).stdout).toContain(`${run.id}`)
    // The same file again changes nothing and says so, rather than "imported".
    const again = amdahl('history', 'import', out, '--history-dir', other)
    expect(again.status).toBe(0)
    expect(again.stdout).toBe(`run ${run.id} "${run.name}" is already in the history\n`)
    expect(jsonFiles(other)).toEqual([`${run.id}.json`])
    // A folder of results: each file on its own, a file that is no run skipped (exit 1), a run already here said.
    const folder = fresh('results')
    mkdirSync(folder)
    copyFileSync(out, join(folder, 'a.json'))
    writeFileSync(join(folder, 'b.json'), '{"not": "a run"}')
    const batch = amdahl('history', 'import', folder, '--history-dir', other)
    expect(batch.status).toBe(1)
    expect(batch.stdout).toBe(`run ${run.id} "${run.name}" is already in the history from a.json\n`)
    expect(batch.stderr).toMatch(/^amdahl: skipped b\.json: .*\n/)
    expect(batch.stderr).toMatch(/amdahl: imported 0 runs \(1 already in the history\) from 1 of 2 files\n$/)
    // A link the user names is followed to the file it leads to.
    symlinkSync(out, fresh('latest.json'))
    const viaLink = amdahl('history', 'import', fresh('latest.json'), '--history-dir', fresh('h-link'))
    expect(viaLink.status).toBe(0)
    expect(viaLink.stdout).toBe(`imported run ${run.id} "${run.name}"\n`)
  })

  it('reads sizes in 1e2 notation and saves nothing with --no-save', () => {
    const history = fresh('h-nosave')
    const out = fresh('nosave.json')
    const result = amdahl(
      'sweep',
      '--sizes',
      '1e2',
      '--pools',
      '2',
      '--reps',
      '1',
      '--no-save',
      '--json',
      out,
    )
    expect(result.status).toBe(0)
    expect(RunsExportSchema.parse(JSON.parse(readFileSync(out, 'utf8'))).runs[0].spec.sizes).toEqual([100])
    expect(jsonFiles(history)).toEqual([])
    expect(jsonFiles(join(work, 'home', 'history'))).toEqual([])
  })

  it('refuses a size that does not fit in memory with one line, before allocating anything', () => {
    const history = fresh('h-memory')
    const result = amdahl('sweep', '--sizes', '100000', '--pools', '1', '--history-dir', history)
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(
      /^amdahl: --sizes: N = 100000 needs [\d.]+ GiB but only [\d.]+ GiB is free[^\n]*\n$/,
    )
    expect(result.stdout).toBe('')
    expect(jsonFiles(history)).toEqual([])
  })

  it('fails before sweeping when an output file cannot be written', () => {
    const small = ['sweep', '--sizes', '32', '--pools', '1']
    const result = amdahl(...small, '--no-save', '--json', fresh('missing/dir/x.json'))
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/^amdahl: cannot write .*x\.json: no such folder\n$/)
    // A folder that exists but takes no files (a pseudo file system): tried before measuring, not after.
    if (existsSync('/sys/kernel')) {
      const sys = amdahl(...small, '--no-save', '--csv', '/sys/kernel/x.csv')
      expect(sys.stderr).toMatch(/^amdahl: cannot write \/sys\/kernel\/x\.csv: [a-z -]+\n$/)
      expect(sys.stdout).toBe('')
      expect(sys.status).toBe(1)
    }
    // "-" is standard output for export --out; here the table goes there, so it names no file.
    const dash = amdahl(...small, '--no-save', '--csv', '-')
    expect(dash.stderr).toMatch(/^amdahl: --csv: "-" would be standard output, where the sweep's table goes/)
    expect(dash.status).toBe(2)
    // Into the history folder, where it would replace a run: refused, and nothing measured or saved.
    const kept = fresh('h-kept')
    mkdirSync(kept)
    const inside = amdahl(...small, '--csv', join(kept, 'x.json'), '--history-dir', kept)
    expect(inside.stderr).toBe(
      `amdahl: cannot write ${join(kept, 'x.json')}: it is inside the history folder (${kept}), where it would replace the runs kept there\n`,
    )
    expect(jsonFiles(kept)).toEqual([])
    // A folder where the CSV should go, and a history folder that is a file: refused before measuring, not after.
    mkdirSync(fresh('a-folder.csv'))
    const folder = amdahl(...small, '--no-save', '--csv', fresh('a-folder.csv'))
    expect(folder.stderr).toBe(`amdahl: cannot write ${fresh('a-folder.csv')}: it is a folder\n`)
    expect(folder.status).toBe(1)
    const file = fresh('history-file')
    writeFileSync(file, 'a file, not a folder')
    const history = amdahl(...small, '--history-dir', file)
    expect(history.stderr).toBe(
      `amdahl: --history-dir: the history folder ${file} is a file, not a folder: choose another folder\n`,
    )
    expect(history.stdout).toBe('')
    expect(history.status).toBe(1)
  })

  // /proc answers "no such file" for any new name: Node's recursive mkdir took that for a missing parent,
  // made /proc (there already) and tried again, for ever at 100% CPU, before or after the sweep measured.
  it.runIf(existsSync('/proc/self'))(
    'refuses a --history-dir or --data-dir under /proc at once, in one line naming the flag',
    () => {
      const quick = (...args: string[]) =>
        spawnSync(process.execPath, [cli, ...args], {
          cwd: work,
          env: env(),
          encoding: 'utf8',
          timeout: 15_000,
        })
      const sweep = quick('sweep', '--sizes', '32', '--pools', '1', '--history-dir', '/proc/amdahl-h/runs')
      expect(sweep.stderr).toBe(
        'amdahl: --history-dir: cannot make the folder /proc/amdahl-h/runs: /proc takes no new folders (choose a folder elsewhere)\n',
      )
      expect(sweep.stdout).toBe('')
      expect(sweep.status).toBe(1)
      const add = quick('target', 'add', 'lab', 'me@lab', '--data-dir', '/proc/amdahl-d')
      expect(add.stderr).toBe(
        'amdahl: --data-dir: cannot make the folder /proc/amdahl-d: /proc takes no new folders (choose a folder elsewhere)\n',
      )
      expect(add.status).toBe(1)
      // Nothing kept anywhere else instead.
      expect(existsSync(join(work, 'home', 'targets.json'))).toBe(false)
      // An import says it once, for a file as for a folder of them, not once per file.
      const folder = fresh('import-to-proc')
      mkdirSync(folder)
      writeFileSync(join(folder, 'a.json'), JSON.stringify(makeRun({ id: 'run-a' })))
      writeFileSync(join(folder, 'b.json'), JSON.stringify(makeRun({ id: 'run-b' })))
      for (const from of [folder, join(folder, 'a.json')]) {
        const imported = quick('history', 'import', from, '--history-dir', '/proc/amdahl-h/runs')
        expect(imported.stderr).toBe(
          'amdahl: --history-dir: cannot make the folder /proc/amdahl-h/runs: /proc takes no new folders (choose a folder elsewhere)\n',
        )
        expect(imported.stdout).toBe('')
        expect(imported.status).toBe(1)
      }
    },
  )

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('cancels on %s: finished cells are printed and saved, exit code %d', async (signal, code) => {
    const history = fresh(`h-cancel-${signal}`)
    const child = spawn(
      process.execPath,
      [cli, 'sweep', '--sizes', '500,3000', '--pools', '1,2', '--reps', '300', '--history-dir', history],
      { cwd: work, env: env() },
    )
    let stdout = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
    // The first finished cell is checkpointed at once: that is the moment to interrupt.
    for (let i = 0; i < 600 && jsonFiles(history).length === 0; i++)
      await new Promise((r) => setTimeout(r, 50))
    child.kill(signal)
    expect(await exited).toBe(code)
    expect(stdout).toMatch(/: cancelled, /)
    const [file] = jsonFiles(history)
    const run = RunSchema.parse(JSON.parse(readFileSync(join(history, file), 'utf8')))
    expect(run.status).toBe('cancelled')
    expect(run.cells.some((c) => c.status === 'ok')).toBe(true)
  })
})

describe('history and export', () => {
  it('lists, shows, exports and deletes a saved run', () => {
    const history = fresh('h-manage')
    expect(amdahl('history', 'list', '--history-dir', history).stdout).toBe('No runs in the history yet.\n')
    expect(
      amdahl(
        'sweep',
        '--sizes',
        '32',
        '--pools',
        '1',
        '--reps',
        '1',
        '--name',
        'kept',
        '--history-dir',
        history,
      ).status,
    ).toBe(0)
    const [file] = jsonFiles(history)
    const id = file.replace(/\.json$/, '')

    expect(amdahl('history', 'list', '--history-dir', history).stdout).toMatch(
      new RegExp(`^${id}\\s+.*kept`, 'm'),
    )
    expect(amdahl('history', 'show', id, '--history-dir', history).stdout).toMatch(/^Run "kept"/)

    const samples = amdahl('export', id, '--format', 'samples-csv', '--history-dir', history)
    expect(samples.status).toBe(0)
    expect(samples.stdout.split('\n')[0]).toBe(
      'run_id,n,pool,chunk_rows,chunk_spec,serial,process,rep,wall_ms,kernel_ms,process_ms',
    )
    const out = fresh('export.json')
    expect(amdahl('export', id, '--format', 'json', '--out', out, '--history-dir', history).status).toBe(0)
    expect(RunsExportSchema.parse(JSON.parse(readFileSync(out, 'utf8'))).runs[0].id).toBe(id)
    // Not over the run's own file, nor anywhere in the history folder: refused before anything is read.
    const own = join(history, file)
    const before = readFileSync(own, 'utf8')
    const clobber = amdahl('export', id, '--format', 'csv', '--out', own, '--history-dir', history)
    expect(clobber.stderr).toBe(
      `amdahl: cannot write ${own}: it is inside the history folder (${history}), where it would replace the runs kept there\n`,
    )
    expect(clobber.status).toBe(1)
    // Nor through a link elsewhere that names it: the write would follow the link.
    const link = fresh('link-to-run.csv')
    symlinkSync(own, link)
    const through = amdahl('export', id, '--format', 'csv', '--out', link, '--history-dir', history)
    expect(through.stderr).toMatch(
      /^amdahl: cannot write .*link-to-run\.csv: it is inside the history folder/,
    )
    expect(readFileSync(own, 'utf8')).toBe(before)
    // Chart files are held to it too, every one tried before the first is written.
    for (const format of ['svg', 'png']) {
      const image = amdahl(
        'export',
        id,
        '--format',
        format,
        '--chart',
        'time',
        '--out',
        own,
        '--history-dir',
        history,
      )
      expect(image.stderr).toMatch(/it is inside the history folder/)
      expect(image.status).toBe(1)
    }
    expect(readFileSync(own, 'utf8')).toBe(before)
    // A chart file that cannot be written says why in words, not as an error code (ENOENT).
    const nowhere = fresh('no/such/x.svg')
    const lost = amdahl(
      'export',
      id,
      '--format',
      'svg',
      '--chart',
      'time',
      '--out',
      nowhere,
      '--history-dir',
      history,
    )
    expect(lost.stderr).toBe(`amdahl: cannot write ${nowhere}: no such folder\n`)
    expect(lost.status).toBe(1)
    // A chart this run cannot draw says why, as its card in the app does.
    const none = amdahl('export', id, '--format', 'svg', '--chart', 'chunks', '--history-dir', history)
    expect(none.stderr).toMatch(
      /^amdahl: none of the charts chunks applies to these runs: chunks: Chunk size was not swept\. .*\n$/,
    )
    expect(none.status).toBe(1)
    // A run that measured nothing (failed at its first cell) draws no empty axes: said, exit 1, no file.
    const empty = { ...JSON.parse(readFileSync(join(history, `${id}.json`), 'utf8')), cells: [], fits: [] }
    const emptyId = `${id}-empty`
    writeFileSync(
      join(history, `${emptyId}.json`),
      JSON.stringify({ ...empty, id: emptyId, status: 'failed' }),
    )
    const blank = amdahl(
      'export',
      emptyId,
      '--format',
      'svg',
      '--history-dir',
      history,
      '--out',
      fresh('blank'),
    )
    expect(blank.stderr).toBe(`amdahl: run ${emptyId} measured nothing: there is no chart to draw\n`)
    expect(blank.status).toBe(1)
    rmSync(join(history, `${emptyId}.json`))

    expect(amdahl('history', 'delete', id, '--history-dir', history).stdout).toBe(`deleted run ${id}\n`)
    const again = amdahl('history', 'delete', id, '--history-dir', history)
    expect(again.status).toBe(1)
    expect(again.stderr).toBe(`amdahl: no run with id ${id} (see amdahl history list)\n`)
  })

  it('says where a damaged run went when it is asked for by id after a listing moved it aside', () => {
    const history = fresh('h-damaged')
    expect(
      amdahl('sweep', '--sizes', '32', '--pools', '1', '--reps', '1', '--history-dir', history).status,
    ).toBe(0)
    const [file] = jsonFiles(history)
    const id = file.replace(/\.json$/, '')
    writeFileSync(join(history, file), '{"schema":2,"id":"cut short')
    const list = amdahl('history', 'list', '--history-dir', history)
    expect(list.stderr).toMatch(/moved to quarantine/)
    const show = amdahl('history', 'show', id, '--history-dir', history)
    expect(show.stderr).toBe(
      `amdahl: no run with id ${id}: its file could not be read and was moved to ${join(history, 'quarantine', file)}\n`,
    )
    expect(show.status).toBe(1)
  })

  it('names chart files after the run and its id, so two runs of one name do not overwrite each other', () => {
    const history = fresh('h-charts')
    const ids = [1, 2].map(() => {
      const sweep = amdahl('sweep', '--sizes', '32', '--pools', '1', '--reps', '1', '--history-dir', history)
      expect(sweep.status).toBe(0)
      return /saved as run (\S+)/.exec(sweep.stderr)?.[1] ?? ''
    })
    for (const id of ids) {
      const result = amdahl('export', id, '--format', 'svg', '--chart', 'time', '--history-dir', history)
      expect(result.status).toBe(0)
      // Both runs are "sum 1 size × 1 pool": the id tells their files apart.
      expect(result.stderr).toMatch(new RegExp(`wrote time chart to \\S+-${id}-time\\.svg\\n$`))
    }
    expect(readdirSync(work).filter((f) => f.endsWith('-time.svg'))).toHaveLength(2)
  })

  it('renames a saved run by a prefix of its id, and refuses a blank or too long name in one line', () => {
    const history = fresh('h-rename')
    const sweep = amdahl(
      'sweep',
      '--sizes',
      '32',
      '--pools',
      '1',
      '--reps',
      '1',
      '--name',
      'first',
      '--history-dir',
      history,
    )
    expect(sweep.status).toBe(0)
    const id = /saved as run (\S+)/.exec(sweep.stderr)?.[1] ?? ''
    const renamed = amdahl(
      'history',
      'rename',
      id.slice(0, 12),
      '  desk, mains power ',
      '--history-dir',
      history,
    )
    expect(renamed.stdout).toBe(`renamed run ${id} to "desk, mains power"\n`)
    expect(renamed.status).toBe(0)
    expect(JSON.parse(readFileSync(join(history, `${id}.json`), 'utf8')).name).toBe('desk, mains power')
    expect(amdahl('history', 'list', '--history-dir', history).stdout).toContain('desk, mains power')
    // An unset variable ("$NAME") would have turned the run into "Untitled run": refused, the name kept.
    const blank = amdahl('history', 'rename', id, ' ', '--history-dir', history)
    expect(blank.stderr).toBe('amdahl: name " ": give the run a name\n')
    expect(blank.status).toBe(2)
    const long = amdahl('history', 'rename', id, 'x'.repeat(121), '--history-dir', history)
    expect(long.stderr).toBe('amdahl: name: at most 120 characters (this one has 121)\n')
    expect(long.status).toBe(2)
    const unknown = amdahl('history', 'rename', 'nope', 'x', '--history-dir', history)
    expect(unknown.stderr).toBe('amdahl: no run with id nope (see amdahl history list)\n')
    expect(unknown.status).toBe(1)
    expect(JSON.parse(readFileSync(join(history, `${id}.json`), 'utf8')).name).toBe('desk, mains power')
  })

  it('answers an unknown run with one line and exit 1', () => {
    const result = amdahl('history', 'show', 'nope', '--history-dir', fresh('h-empty'))
    expect(result.status).toBe(1)
    expect(result.stderr).toBe('amdahl: no run with id nope (see amdahl history list)\n')
  })

  it('runs an events sweep to its end with input from /dev/null, and cancels it when a driver closes the pipe', () => {
    const args = ['sweep', '--sizes', '64', '--pools', '1,2', '--reps', '2', '--max-time', '300ms']
    const run = (stdout: string) =>
      (JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { type: string; run: { status: string } }).run
    const devNull = openSync('/dev/null', 'r')
    try {
      // cron, CI and `</dev/null`: an input that is empty from the start is no one cancelling.
      const quiet = spawnSync(process.execPath, [cli, ...args, '--events', 'jsonl', '--no-save'], {
        cwd: work,
        env: env(),
        encoding: 'utf8',
        timeout: 60_000,
        stdio: [devNull, 'pipe', 'pipe'],
      })
      expect(run(quiet.stdout).status).toBe('complete')
      expect(quiet.status).toBe(0)
    } finally {
      closeSync(devNull)
    }
    // spawnSync writes no input and closes the pipe at once: the driver went away.
    const closed = spawnSync(process.execPath, [cli, ...args, '--events', 'jsonl', '--no-save'], {
      cwd: work,
      env: env(),
      encoding: 'utf8',
      timeout: 60_000,
      input: '',
    })
    expect(run(closed.stdout).status).toBe('cancelled')
    expect(closed.status).toBe(1)
  })

  it('refuses to import a named pipe or a device in one line, without waiting on it or reading it', () => {
    const pipe = fresh('pipe.json')
    expect(spawnSync('mkfifo', [pipe]).status).toBe(0)
    for (const [path, what] of [
      [pipe, 'a named pipe'],
      ['/dev/zero', 'a special file'],
    ]) {
      const history = fresh(`h-${what.replace(/\W/g, '')}`)
      // The old reader waited for a writer on the pipe for ever and read /dev/zero until memory ran out.
      const result = spawnSync(process.execPath, [cli, 'history', 'import', path, '--history-dir', history], {
        cwd: work,
        env: env(),
        encoding: 'utf8',
        timeout: 20_000,
      })
      expect(result.stderr).toBe(`amdahl: cannot import ${path}: ${what}, not a file to import\n`)
      expect(result.status).toBe(1)
      expect(jsonFiles(history)).toEqual([])
    }
  })

  it('names a file or folder to import as it was typed', () => {
    mkdirSync(join(work, 'typed', 'results'), { recursive: true })
    writeFileSync(join(work, 'typed', 'notes.json'), 'not json')
    writeFileSync(join(work, 'typed', 'results', 'b.json'), '{')
    const history = fresh('h-typed')
    expect(amdahl('history', 'import', 'typed/notes.json', '--history-dir', history).stderr).toBe(
      'amdahl: typed/notes.json is not valid JSON\n',
    )
    expect(amdahl('history', 'import', 'typed/none.json', '--history-dir', history).stderr).toBe(
      'amdahl: cannot read typed/none.json: no such file\n',
    )
    expect(amdahl('history', 'import', 'typed/results', '--history-dir', history).stderr).toMatch(
      /^amdahl: skipped b\.json: typed\/results\/b\.json is not valid JSON\n/,
    )
    // A folder's files keep the folder as typed: path.join said typed/results/b.json for ./typed/results.
    expect(amdahl('history', 'import', './typed/results', '--history-dir', history).stderr).toMatch(
      /^amdahl: skipped b\.json: \.\/typed\/results\/b\.json is not valid JSON\n/,
    )
    expect(amdahl('history', 'import', './typed//results/', '--history-dir', history).stderr).toMatch(
      /^amdahl: skipped b\.json: \.\/typed\/\/results\/b\.json is not valid JSON\n/,
    )
    writeFileSync(join(work, 'typed', 'list.json'), '[1, 2]')
    expect(amdahl('history', 'import', 'typed/list.json', '--history-dir', history).stderr).toBe(
      'amdahl: cannot import typed/list.json: not a valid Amdahl list of runs: run 1: must be a group of fields\n',
    )
    mkdirSync(join(work, 'typed', 'empty'))
    expect(amdahl('history', 'import', 'typed/empty', '--history-dir', history).stderr).toBe(
      'amdahl: typed/empty holds no .json files to import\n',
    )
  })

  it('refuses to import a file that is not JSON', () => {
    const result = amdahl('history', 'import', cli, '--history-dir', fresh('h-bad'))
    expect(result.status).toBe(1)
    expect(result.stderr).toBe(`amdahl: ${cli} is not valid JSON\n`)
  })
})

describe('serve', () => {
  it('prints a tokenised loopback URL, answers the API, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, 'serve', '--history-dir', fresh('h-serve')], {
      cwd: work,
      env: env(),
    })
    let stdout = ''
    const url = await new Promise<string>((done, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString()
        const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}/.exec(stdout)
        if (match) done(match[0])
      })
      child.on('exit', (code) => fail(new Error(`serve exited early with ${code}`)))
    })
    const { origin, hash } = new URL(url)
    const token = hash.slice('#token='.length)
    const res = await fetch(`${origin}/api/listRuns`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(await res.json()).toEqual({ ok: true, value: [] })
    expect((await fetch(`${origin}/`)).status).toBe(200)

    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})

describe('bin/amdahl.js', () => {
  it('says how to build when out/ is missing', () => {
    const project = fresh('unbuilt')
    mkdirSync(join(project, 'bin'), { recursive: true })
    copyFileSync(join(root, 'bin/amdahl.js'), join(project, 'bin/amdahl.js'))
    const result = spawnSync(process.execPath, [join(project, 'bin/amdahl.js'), '--version'], {
      encoding: 'utf8',
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toBe('amdahl is not built yet: run `npm run build` first\n')
  })

  it('runs the built CLI', () => {
    const project = fresh('built')
    mkdirSync(join(project, 'bin'), { recursive: true })
    copyFileSync(join(root, 'bin/amdahl.js'), join(project, 'bin/amdahl.js'))
    symlinkSync(dirname(dirname(cli)), join(project, 'out'))
    const result = spawnSync(process.execPath, [join(project, 'bin/amdahl.js'), '--version'], {
      encoding: 'utf8',
      env: env(),
    })
    expect(result.status).toBe(0)
    expect(result.stdout).toBe('0.1.0\n')
  })
})

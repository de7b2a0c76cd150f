// `amdahl sweep --command …` in process: flags to a command spec, one-line usage errors, and a real sweep's table.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { quote } from 'shell-quote'
import { afterAll, describe, expect, it } from 'vitest'
import { parseTimeout, parseSweepSpec, parseTolerance } from '../../main/cli/flags'
import { formatTimeout } from '../../main/engine/command/report'
import { runCli } from '../../main/cli/program'
import { chartKeys } from '../../renderer/src/charts/cards'
import { memoryIo } from './cli-io'

// Reports no more time than it takes: a sample reporting more than its process's whole run fails.
const PROGRAM = resolve(import.meta.dirname, '../fixtures/commands/program.mjs')
const home = mkdtempSync(join(tmpdir(), 'amdahl-cli-command-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))

describe('command flags', () => {
  it('turns --command and its options into a command workload', () => {
    const spec = parseSweepSpec(
      {
        sizes: '10,100',
        pools: '1,2',
        command: 'python3 sum.py {n} {p}',
        serialCommand: 'python3 serial.py {n}',
        timeRegex: 'took ([\\d.]+)',
        timeUnit: 'us',
        resultRegex: 'Sum: (\\S+)',
        resultTolerance: '0.1%',
        timeout: '90s',
      },
      [1, 2],
    )
    expect(spec.workload).toBe('command')
    expect(spec.command).toEqual({
      template: 'python3 sum.py {n} {p}',
      serialTemplate: 'python3 serial.py {n}',
      shell: false,
      timeRegex: 'took ([\\d.]+)',
      timeUnit: 'us',
      resultRegex: 'Sum: (\\S+)',
      resultTolerance: 0.001,
      timeoutMs: 90_000,
    })
  })

  it('reads durations and tolerances as people write them', () => {
    expect(parseTimeout('600', '--timeout')).toBe(600_000)
    expect(parseTimeout('10m', '--timeout')).toBe(600_000)
    expect(parseTimeout('500ms', '--timeout')).toBe(500)
    expect(() => parseTimeout('soon', '--timeout')).toThrow(
      '--timeout: "soon" is not a duration (write e.g. 600, 30s, 10m or 500ms)',
    )
    expect(parseTolerance('1e-6', '--result-tolerance')).toBe(1e-6)
    expect(() => parseTolerance('x', '--result-tolerance')).toThrow('--result-tolerance: "x" is not a number')
  })

  it('takes a timeout below a second and writes durations as people do', () => {
    const spec = (timeout: string) => parseSweepSpec({ sizes: '10', command: 'p', timeout }, [1])
    expect(spec('150ms').command?.timeoutMs).toBe(150)
    expect(spec('0.5').command?.timeoutMs).toBe(500)
    expect([150, 500, 1500, 90_000, 600_000, 86_400_000].map(formatTimeout)).toEqual([
      '150 ms',
      '500 ms',
      '1.5 s',
      '90 s',
      '10 min',
      '24 h',
    ])
  })

  it.each([
    [['--time-regex', 'x(\\d)'], 'amdahl: --time-regex needs --command'],
    [['--timeout', '5s'], 'amdahl: --timeout needs --command or --module'],
    [['--module', 'k.mjs', '--timeout', '50ms'], 'amdahl: --timeout: must be at least 100 ms (got 50ms)'],
    [['--command', 'p', '--module', 'k.mjs'], 'amdahl: --command and --module: give one or the other'],
    [
      ['--command', 'p', '--workload', 'sum'],
      'amdahl: --command runs your program: leave out --workload sum',
    ],
    [['--command', 'p', '--time-unit', 'h'], 'amdahl: --time-unit: "h" is not one of s, ms, us, ns'],
    [
      ['--command', 'p', '--time-regex', 'took \\d+'],
      'amdahl: --time-regex: time regex needs exactly one capture group ( … ), it has 0',
    ],
    [['--command', 'a\0b'], 'amdahl: --command: command contains a NUL byte'],
    // Found before anything runs: at the first cell it saved a failed run of nothing.
    [
      ['--command', 'python3 sum.py {n} | cat'],
      'amdahl: --command: the command uses "|", which needs a shell: turn on "run through a shell" (--shell)',
    ],
    [
      ['--command', 'p', '--serial-command', "echo 'open"],
      "amdahl: --serial-command: the command has an opening quote (') without its closing one",
    ],
    // Limits in the flag's own units, not the schema's milliseconds.
    [['--command', 'p', '--timeout', '0'], 'amdahl: --timeout: must be at least 100 ms (got 0)'],
    [['--command', 'p', '--timeout', '50ms'], 'amdahl: --timeout: must be at least 100 ms (got 50ms)'],
    [['--command', 'p', '--timeout', '1e9s'], 'amdahl: --timeout: must be at most 24 h (got 1e9s)'],
    // Flags that would mean nothing are refused rather than recorded with the run as if they had been used.
    [['--command', 'p', '--time-unit', 'us'], 'amdahl: --time-unit needs --time-regex'],
    [['--command', 'p', '--result-tolerance', '1%'], 'amdahl: --result-tolerance needs --result-regex'],
    [['--command', 'p', '--kernel', 'wasm'], 'amdahl: --command runs your program: leave out --kernel wasm'],
    // Not a complaint about --transfer, which was never typed: the executor is our workers', not the program's.
    [
      ['--command', 'p', '--executor', 'process'],
      'amdahl: --command runs your program, which starts its own workers: leave out --executor process',
    ],
    [
      ['--command', 'p', '--transfer', 'copy'],
      'amdahl: --command runs your program, which holds its own data: leave out --transfer copy',
    ],
    [
      ['--command', 'p', '--centroids', '5'],
      "amdahl: --centroids sets the assign workload's k; --command runs your program: leave out --centroids 5",
    ],
    // Taken silently it would read as if the sweep used that folder; only --on reads it (the targets).
    [['--data-dir', '/tmp'], 'amdahl: --data-dir names where targets are kept: it goes with --on <target>'],
    // Not "--time-regex: time regex: Invalid…": the flag names the field once.
    [
      ['--command', 'p', '--time-regex', '('],
      'amdahl: --time-regex: Invalid regular expression: /(/: Unterminated group',
    ],
  ])('refuses %j in one line', async (args, line) => {
    const io = memoryIo()
    const code = await runCli(['sweep', '--sizes', '10', ...args, '--no-save'], io)
    expect(code).toBe(2)
    expect(io.err()).toBe(`${line}\n`)
  })

  it('lists every chart in export --help', async () => {
    const io = memoryIo()
    await runCli(['export', '--help'], io).catch(() => undefined)
    const help = (io.out() + io.err()).replace(/\s+/g, ' ')
    expect(help).toContain(`only these charts: ${chartKeys.join(', ')}`)
  })
})

describe('amdahl sweep --command', () => {
  it('prints the table with exact speedups, both time figures and what the time means', async () => {
    const io = memoryIo()
    const code = await runCli(
      [
        'sweep',
        '--command',
        `${quote([process.execPath, PROGRAM, 'known-time'])} {p} {entries}`,
        '--time-regex',
        'threads: ([\\d.]+)ms',
        '--sizes',
        '10',
        '--pools',
        '2,4',
        '--reps',
        '1',
        '--warmup',
        '0',
        // Identical reported times meet the target at six samples (the adaptive protocol); the budget is not
        // what stops them, however slowly a loaded machine starts the processes.
        '--max-time',
        '60s',
        '--history-dir',
        home,
      ],
      io,
    )
    expect(io.err()).toMatch(/saved as run/)
    expect(code).toBe(0)
    const out = io.out()
    expect(out).toContain("time: the program's own report (/threads: ([\\d.]+)ms/, ms)")
    expect(out).toContain('base case (serial): the command at p = 1')
    // The run records its own base case: the command with one worker, not our kernels' serial task.
    expect(out).toContain(
      `Base case: serial: the command at p = 1 (${quote([process.execPath, PROGRAM, 'known-time'])} {p} {entries}), timed as every cell is`,
    )
    expect(out).toMatch(/process ms/)
    expect(out).toMatch(
      // The chunk column: "—", the template has no {chunk} (it read "5 (auto)", rows the program never saw).
      /\n\s*10\s+2\s+—\s+6\s+60\.00 \[60\.00–60\.00\]\s+[\d.,]+\s+2\.00× \[2\.00–2\.00\]\s+100% \[100–100\]\s+ok/,
    )
    expect(out).toMatch(
      /\n\s*10\s+4\s+—\s+6\s+30\.00 \[30\.00–30\.00\]\s+[\d.,]+\s+4\.00× \[4\.00–4\.00\]\s+100% \[100–100\]\s+ok/,
    )
    // The samples CSV keeps both figures: the program's report, and its whole process (never less).
    const id = /saved as run (\S+)/.exec(io.err())?.[1] ?? ''
    const csv = memoryIo()
    expect(await runCli(['export', id, '--format', 'samples-csv', '--history-dir', home], csv)).toBe(0)
    const [header, ...rows] = csv.out().trim().split('\n')
    expect(header.split(',').slice(-3)).toEqual(['wall_ms', 'kernel_ms', 'process_ms'])
    expect(rows.length).toBeGreaterThan(0)
    for (const row of rows) {
      const [wall, , process] = row.split(',').slice(-3).map(Number)
      expect(process).toBeGreaterThanOrEqual(wall)
    }
    // The history lists it with none of our kernels, executors or transfers (its spec holds only their defaults).
    const list = memoryIo()
    expect(await runCli(['history', 'list', '--history-dir', home], list)).toBe(0)
    const row = list
      .out()
      .split('\n')
      .find((l) => l.includes(' command '))
    expect(row).toMatch(/ command\s+—\s+—\s+—\s+10\s/)
  })

  it('says a braced word that is no placeholder runs as written ({threads} for {p})', async () => {
    const io = memoryIo()
    const template = `${quote([process.execPath, PROGRAM, 'known-time'])} {threads}`
    const code = await runCli(
      [
        'sweep',
        '--command',
        template,
        '--sizes',
        '5',
        '--pools',
        '1',
        '--reps',
        '1',
        '--warmup',
        '0',
        '--no-save',
      ],
      io,
    )
    expect(code).toBe(0)
    expect(io.err()).toContain(
      'amdahl: --command: {threads} is passed to the program as written: the placeholders are {n} {p} {chunk} {seed} {entries}\n',
    )
  })

  it('fails the run and exits 1 when every cell failed, and exits 1 naming how many when some did', async () => {
    const failing = `${quote([process.execPath, PROGRAM, 'fail'])} {p}`
    const common = ['--sizes', '5', '--reps', '1', '--warmup', '0', '--no-save']
    const all = memoryIo()
    expect(await runCli(['sweep', '--command', failing, '--pools', '1,2', ...common], all)).toBe(1)
    expect(all.out()).toMatch(/^Run "[^"]+" \(\S+\): failed \(every cell failed; the first: .*exit code 3/m)
    // And why, in one line on stderr.
    expect(all.err()).toMatch(/^amdahl: the run failed: every cell failed; the first: .*exit code 3.*\n$/)

    const some = memoryIo()
    const serial = `${quote([process.execPath, PROGRAM, 'known-time'])} 1 {entries}`
    const code = await runCli(
      ['sweep', '--command', failing, '--serial-command', serial, '--pools', '2', ...common],
      some,
    )
    expect(code).toBe(1)
    expect(some.out()).toMatch(/^Run "[^"]+" \(\S+\): complete,/m)
    expect(some.err()).toContain('amdahl: 1 of 2 cells failed: each says why in its status\n')
  })

  it('fails a cell whose time regex backtracks without end in about a second, not hours', async () => {
    const io = memoryIo()
    const started = performance.now()
    const code = await runCli(
      [
        'sweep',
        '--command',
        `echo ${'a'.repeat(40)}!`,
        '--time-regex',
        '(?:a+)+(\\d)',
        '--sizes',
        '5',
        '--pools',
        '2',
        '--reps',
        '1',
        '--warmup',
        '0',
        '--no-save',
      ],
      io,
    )
    expect(code).toBe(1)
    expect(io.err()).toContain(
      "amdahl: the run failed: every cell failed; the first: the time regex /(?:a+)+(\\d)/ searched the program's output for over 1 s and was stopped",
    )
    expect(performance.now() - started).toBeLessThan(20_000)
  })

  it('says the time includes interpreter start-up when the wall time is used', async () => {
    const io = memoryIo()
    const code = await runCli(
      [
        'sweep',
        '--command',
        `${quote([process.execPath, PROGRAM, 'env'])}`,
        '--sizes',
        '5',
        '--pools',
        '2',
        '--reps',
        '1',
        '--warmup',
        '0',
        '--no-save',
      ],
      io,
    )
    expect(code).toBe(0)
    expect(io.out()).toContain(
      'time: wall time of the whole process, as hyperfine does (includes interpreter start-up)',
    )
  })
})

// Command workloads, the pure parts: placeholders, quoting without a shell, regex reading, units, failure lines.
import { describe, expect, it } from 'vitest'
import { SweepRequestSchema, SweepSpecSchema, formatIssues, regexGroups } from '../../common/contract'
import {
  lastMatch,
  MATCH_TIMEOUT_MS,
  processFailure,
  readReport,
  RegexTooSlow,
  resultError,
  toMs,
} from '../../main/engine/command/report'
import { tryCommandOnce } from '../../main/workloads/try-once'
import type { ProcessOutcome } from '../../main/engine/command/process'
import { fill, invocation, splitTemplate, userShell } from '../../main/engine/command/template'
import { placeholderNote } from '../../common/command-template'

const values = { n: 100, p: 4, chunk: 25, seed: 7, entries: 10_000 }
const outcome = (o: Partial<ProcessOutcome>): ProcessOutcome => ({
  wallMs: 500,
  exitCode: 0,
  signal: null,
  stdout: '',
  stderr: '',
  stdoutBytes: 0,
  stderrBytes: 0,
  timedOut: false,
  cancelled: false,
  startError: null,
  ...o,
})

describe('command templates', () => {
  it('fills every placeholder and leaves other braces as written', () => {
    expect(fill('sum.py {n} {p} {chunk} {seed} {entries} {x} ${HOME}', values)).toBe(
      'sum.py 100 4 25 7 10000 {x} ${HOME}',
    )
  })

  it('splits with shell quoting so a quoted argument with spaces stays one argument', () => {
    expect(splitTemplate(`python3 "my prog.py" --label 'a b' -n {n}`)).toEqual([
      'python3',
      'my prog.py',
      '--label',
      'a b',
      '-n',
      '{n}',
    ])
  })

  it('refuses shell syntax without a shell, naming it and --shell', () => {
    expect(() => splitTemplate('prog {n} | tee out')).toThrow(/uses "\|", which needs a shell.*--shell/)
    expect(() => splitTemplate('prog > out')).toThrow(/">"/)
    expect(() => splitTemplate('prog $HOME')).toThrow(/\$HOME/)
  })

  it("reads '#' as a shell does: a comment only at the start of a word", () => {
    // shell-quote alone dropped '#1 {n} {p}' here, and the cells ran without their placeholders.
    expect(splitTemplate('./args.sh --label=run#1 {n} {p}')).toEqual([
      './args.sh',
      '--label=run#1',
      '{n}',
      '{p}',
    ])
    expect(splitTemplate(`prog a#b "c#d" 'e#f' g\\#h {n}`)).toEqual([
      'prog',
      'a#b',
      'c#d',
      'e#f',
      'g#h',
      '{n}',
    ])
    expect(splitTemplate('prog {n} # the size')).toEqual(['prog', '{n}'])
    // An escaped blank is part of its word: the '#' after it is no word's start (sh passes "a #b").
    expect(splitTemplate('a\\ #b {n}')).toEqual(['a #b', '{n}'])
  })

  it("refuses '~' at the start of a word, which only a shell expands, as it refuses $HOME", () => {
    expect(() => splitTemplate('~/bin/sum.sh {n}')).toThrow(
      'the command uses "~" for a home directory, which needs a shell: turn on "run through a shell" (--shell)',
    )
    expect(splitTemplate(`prog '~/x' a~b`)).toEqual(['prog', '~/x', 'a~b'])
    expect(splitTemplate('a\\ ~b')).toEqual(['a ~b'])
  })

  it('refuses a quote left open, as a shell does (shell-quote alone closed it at the end)', () => {
    expect(() => splitTemplate("echo 'unterminated")).toThrow(
      "the command has an opening quote (') without its closing one",
    )
    expect(() => splitTemplate('echo "abc')).toThrow(
      'the command has an opening quote (") without its closing one',
    )
    expect(() => splitTemplate('echo a\\')).toThrow('the command ends in a backslash with nothing after it')
    // Closed quotes, escaped quotes and a quote inside the other kind are fine.
    expect(splitTemplate(`echo "it's" 'say "hi"' a\\'b "x\\"y"`)).toEqual([
      'echo',
      "it's",
      'say "hi"',
      "a'b",
      'x"y',
    ])
  })

  it('puts values into the split words and passes them as AMDAHL_* variables', () => {
    const inv = invocation('prog -n {n} -p {p}', values, null)
    expect(inv.argv).toEqual(['prog', '-n', '100', '-p', '4'])
    expect(inv.env).toEqual({
      AMDAHL_N: '100',
      AMDAHL_POOL: '4',
      AMDAHL_CHUNK: '25',
      AMDAHL_SEED: '7',
      AMDAHL_ENTRIES: '10000',
    })
    expect(inv.display).toBe('prog -n 100 -p 4')
  })

  it('hands the filled line to the user shell with --shell', () => {
    const shell = userShell({ SHELL: '/bin/zsh' }, 'linux')
    expect(invocation('prog {n} | tail -1', values, shell).argv).toEqual([
      '/bin/zsh',
      '-c',
      'prog 100 | tail -1',
    ])
    expect(userShell({}, 'linux')).toEqual(['/bin/sh', '-c'])
  })
})

describe('command spec validation', () => {
  const parse = (command: unknown) =>
    SweepSpecSchema.safeParse({ workload: 'command', sizes: [10], pools: [1, 2], command })
  const error = (command: unknown) => {
    const r = parse(command)
    return r.success ? null : formatIssues(r.error)
  }

  it('needs a command for the command workload', () => {
    expect(error(undefined)).toBe('command: the command workload needs a command')
  })

  it('refuses a NUL byte, a second line and an overlong template', () => {
    expect(error({ template: 'prog\0x' })).toBe('command.template: command contains a NUL byte')
    expect(error({ template: 'prog\nrm -rf x' })).toBe('command.template: command must be one line')
    expect(error({ template: 'x'.repeat(4001) })).toBe('command.template: command: at most 4000 characters')
  })

  it('refuses what only a shell can run where it is typed (the form, the API), unless run through a shell', () => {
    const request = (command: unknown) => {
      const r = SweepRequestSchema.safeParse({ workload: 'command', sizes: [10], pools: [1, 2], command })
      return r.success ? null : formatIssues(r.error)
    }
    // A run an older version saved with such a command is still read (the stored spec is not a request).
    expect(error({ template: 'prog {p} | sort' })).toBeNull()
    expect(request({ template: '"unterminated {n}' })).toBe(
      'command.template: the command has an opening quote (") without its closing one',
    )
    expect(request({ template: 'prog {p} | sort' })).toBe(
      'command.template: the command uses "|", which needs a shell: turn on "run through a shell" (--shell)',
    )
    expect(request({ template: 'prog {p}', serialTemplate: "serial 'x" })).toBe(
      "command.serialTemplate: the command has an opening quote (') without its closing one",
    )
    expect(request({ template: 'prog {p} | sort', shell: true })).toBeNull()
  })

  it('says which braced words are no placeholder (passed as written), and is quiet about the real ones', () => {
    expect(placeholderNote('prog {n} {p} {chunk} {seed} {entries}')).toBeNull()
    expect(placeholderNote("python3 -c 'print(1)' {p}")).toBeNull()
    expect(placeholderNote('./run.sh {n} {threads} {threads} {N}')).toBe(
      '{threads} {N} are passed to the program as written: the placeholders are {n} {p} {chunk} {seed} {entries}',
    )
    expect(placeholderNote('find . -exec echo {} ;')).toBeNull()
    // Single-quoted text is meant as written, and ${NAME} is the shell's.
    expect(placeholderNote("awk '{print}' /dev/null; echo {p}")).toBeNull()
    expect(placeholderNote('echo ${HOME} {p}')).toBeNull()
    expect(placeholderNote("echo '{x}' {threads}")).toMatch(/^\{threads\} is passed/)
  })

  it('needs exactly one capture group in each regex and says what is wrong with a broken one', () => {
    expect(regexGroups('a(b)c')).toBe(1)
    expect(regexGroups('(a)(b)')).toBe(2)
    expect(error({ template: 'p', timeRegex: 'took ([\\d.]+' })).toMatch(
      /^command.timeRegex: time regex: .*Unterminated group/,
    )
    // A trailing backslash is an error of the pattern as typed, and the error shows the pattern as typed.
    expect(regexGroups('(\\d*)|\\')).toMatch(/\\ at end of pattern/)
    expect(regexGroups('(')).toBe('Invalid regular expression: /(/: Unterminated group')
    expect(error({ template: 'p', resultRegex: 'sum=\\S+' })).toBe(
      'command.resultRegex: result regex needs exactly one capture group ( … ), it has 0',
    )
  })

  it('fills the defaults: no shell, ms, a tolerance and ten minutes per run', () => {
    const r = parse({ template: 'prog {n}' })
    expect(r.success && r.data.command).toEqual({
      template: 'prog {n}',
      shell: false,
      timeUnit: 'ms',
      resultTolerance: 1e-9,
      timeoutMs: 600_000,
    })
  })
})

describe('reading a program report', () => {
  it('reads the last match of the time regex and converts its unit', () => {
    const stdout = 'Time: 3.5ms\nTime: 2.25ms\n'
    expect(lastMatch('Time: ([\\d.]+)ms', stdout, '')).toEqual({
      text: 'Time: 2.25ms',
      group: '2.25',
      value: 2.25,
    })
    expect(toMs(2, 's')).toBe(2000)
    expect(toMs(1500, 'us')).toBe(1.5)
    expect(toMs(2_500_000, 'ns')).toBe(2.5)
    expect(toMs(7, 'ms')).toBe(7)
  })

  it('looks in stderr when stdout has no match', () => {
    expect(lastMatch('took (\\d+)', 'nothing', 'took 12')?.value).toBe(12)
  })

  it('uses the reported time for the statistics and keeps the wall time beside it', () => {
    const r = readReport(outcome({ stdout: 'elapsed 0.5 s\nresult=3', wallMs: 800 }), {
      timeRegex: 'elapsed ([\\d.]+) s',
      timeUnit: 's',
      resultRegex: 'result=(\\S+)',
    })
    expect(r.failure).toBeNull()
    expect(r.reading).toMatchObject({ timeMs: 500, reportedMs: 500, wallMs: 800, result: 3 })
  })

  it('uses the wall time without a time regex', () => {
    expect(readReport(outcome({ wallMs: 812 }), { timeUnit: 'ms' }).reading?.timeMs).toBe(812)
  })

  it('fails in one line when a regex finds nothing, quoting the last line printed', () => {
    const r = readReport(outcome({ stdout: 'hello\nall done\n' }), {
      timeRegex: 'took (\\d+)',
      timeUnit: 'ms',
    })
    expect(r.failure).toBe('no match for the time regex (its last line: all done)')
    const n = readReport(outcome({ stdout: 'sum=abc' }), { timeUnit: 'ms', resultRegex: 'sum=(\\S+)' })
    expect(n.failure).toBe('the result regex matched "sum=abc": not a number')
  })

  it('reads only plain decimals, and the last match that captured something', () => {
    // A group that may match nothing also matches the empty end of the output: the last figure is meant.
    expect(lastMatch('([\\d.]*)', 'Time: 12.5\n', '')).toMatchObject({ group: '12.5', value: 12.5 })
    const empty = readReport(outcome({ stdout: 'Time: \n' }), { timeRegex: 'Time: ?(\\S*)', timeUnit: 'ms' })
    expect(empty.failure).toBe(
      'the time regex matched "Time: " but its group captured nothing: put the figure in the group, as Time: ([\\d.]+)',
    )
    // Hexadecimal and binary are not times (JavaScript's Number read them as 16 and 3).
    for (const printed of ['0x10', '0b11', '1_0', 'Infinity', '.', '-']) {
      const r = readReport(outcome({ stdout: `Time: ${printed}` }), {
        timeRegex: 'Time: (\\S+)',
        timeUnit: 'ms',
      })
      expect(r.failure).toBe(`the time regex matched "Time: ${printed}": not a time`)
    }
    for (const printed of ['12', '1.5', '.5', '2.', '2e-3', '1.0E3', '+4']) {
      const r = readReport(outcome({ stdout: `Time: ${printed}` }), {
        timeRegex: 'Time: (\\S+)',
        timeUnit: 'ms',
      })
      expect(r.reading?.reportedMs).toBe(Number(printed))
    }
    // A result is any number JavaScript reads, a hex checksum included; only times must be plain decimals.
    const hex = readReport(outcome({ stdout: 'Result: 0x1f3a' }), {
      timeUnit: 'ms',
      resultRegex: 'Result: (\\S+)',
    })
    expect(hex.reading?.result).toBe(0x1f3a)
    const none = readReport(outcome({ stdout: 'Result: ' }), {
      timeUnit: 'ms',
      resultRegex: 'Result: ?(\\S*)',
    })
    expect(none.failure).toBe(
      'the result regex matched "Result: " but its group captured nothing: put the figure in the group, as Result: (\\S+)',
    )
    // A figure that no unit can hold: 1e306 s is beyond the largest number in ms.
    const huge = readReport(outcome({ stdout: 'Time: 1e306' }), { timeRegex: 'Time: (\\S+)', timeUnit: 's' })
    expect(huge.failure).toBe('the program reports 1e306 s: too long to be a time')
  })

  it('stops a regex that backtracks without end and names it, and searches again afterwards', () => {
    // (a+)+ on forty a's and no digit: 2^40 ways to split them, hours in V8's backtracking engine.
    const stdout = `${'a'.repeat(40)}!\nthreads: 12ms\n`
    const started = performance.now()
    expect(() => lastMatch('(?:a+)+(\\d)', stdout, '')).toThrow(RegexTooSlow)
    const r = readReport(outcome({ stdout }), {
      timeRegex: 'threads: (\\d+)ms',
      timeUnit: 'ms',
      resultRegex: '(?:a+)+(\\d)',
    })
    expect(r.failure).toBe(
      "the result regex /(?:a+)+(\\d)/ searched the program's output for over 1 s and was stopped: a repeat that " +
        'can match a long stretch in many ways slows down without end, such as (a+)+ or ([\\d.]+)ms over a long ' +
        "line of dots; start it with the line's own words, as Time: ([\\d.]+)ms",
    )
    // Two searches of about MATCH_TIMEOUT_MS each, not hours.
    expect(performance.now() - started).toBeLessThan(6 * MATCH_TIMEOUT_MS)
    expect(lastMatch('threads: (\\d+)ms', stdout, '')).toEqual({
      text: 'threads: 12ms',
      group: '12',
      value: 12,
    })
  })

  it('Try once says a regex was too slow once, and shows no match it did not find', async () => {
    const spec = SweepSpecSchema.parse({
      workload: 'command',
      sizes: [1],
      pools: [2],
      command: {
        template: `${process.execPath} -e "console.log('a'.repeat(40) + '!')" {p}`,
        timeRegex: '(?:a+)+(\\d)',
      },
    })
    const tried = await tryCommandOnce(spec)
    expect(tried.exitCode).toBe(0)
    expect(tried.failure).toMatch(
      /^the time regex \/\(\?:a\+\)\+\(\\d\)\/ searched the program's output for over 1 s/,
    )
    expect([tried.timeMatch, tried.resultMatch]).toEqual([null, null])
    expect(tried.stdoutTail).toBe(`${'a'.repeat(40)}!\n`)
  })

  it('words a failed run with its exit code and the last line of its stderr', () => {
    expect(processFailure(outcome({ exitCode: 3, stderr: 'a\nboom: bad\n\n' }), 1000)).toBe(
      'exit code 3: boom: bad',
    )
    expect(processFailure(outcome({ exitCode: null, signal: 'SIGSEGV' }), 1000)).toBe('killed by SIGSEGV')
    expect(processFailure(outcome({ timedOut: true, exitCode: null }), 600_000)).toBe(
      'timed out after 10 min (killed with its children)',
    )
    expect(processFailure(outcome({ startError: 'nope not found on the PATH' }), 1000)).toBe(
      'cannot start: nope not found on the PATH',
    )
    expect(processFailure(outcome({}), 1000)).toBeNull()
    // What the program printed goes into exports and the app as text: its escapes show as pictures, never act.
    expect(
      processFailure(outcome({ exitCode: 1, stderr: '\u001b[2J\u001b[31mfail\u001b]0;pwned\u0007\n' }), 1000),
    ).toBe('exit code 1: ␛[2J␛[31mfail␛]0;pwned␇')
  })

  it('measures a result error relative to the base case', () => {
    expect(resultError(200, 201)).toBeCloseTo(0.005, 12)
    expect(resultError(0, 0.25)).toBe(0.25)
  })
})

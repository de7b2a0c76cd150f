// One sample of a command cell, with real (tiny) processes: a reported time the run itself rules out, and a report
// lost in output longer than the tail that is kept.
import { describe, expect, it } from 'vitest'
import { CommandSpecSchema, type CommandSpecInput } from '../../common/contract'
import { runCommandSample } from '../../main/engine/command/sample'

/** `sh -c <line>` as a cell's invocation. */
const shell = (line: string) => ({ argv: ['/bin/sh', '-c', line], env: {}, display: line })
const command = (input: Partial<CommandSpecInput>) => CommandSpecSchema.parse({ template: 'x', ...input })

async function failure(line: string, input: Partial<CommandSpecInput>): Promise<string | null> {
  const s = await runCommandSample(shell(line), command(input), 10_000)
  return s.ok ? null : s.failure
}

/** The time a sample of `line` reads, ms, or why it failed. */
async function reported(line: string, input: Partial<CommandSpecInput>): Promise<number | string> {
  const s = await runCommandSample(shell(line), command(input), 10_000)
  return s.ok ? s.reading.timeMs : s.failure
}

describe('a reported time the process rules out', () => {
  it('fails a sample whose reported time is longer than the whole process ran, naming --time-unit', async () => {
    // Seconds read as ms would be tiny; ms read as s is 1000 times too long: no process of a few ms ran 13 s.
    const why = await failure('echo "time 13 ms"', { timeRegex: 'time (\\d+) ms', timeUnit: 's' })
    expect(String(why)).toMatch(
      /^the program reports 13 s but ran for [\d.]+ ms in all: check the time unit \(--time-unit, now s\) and that it prints elapsed time, not CPU time$/,
    )
  })

  it('fails a huge figure too: one unit of its last digit is not a margin (1e21 ms passed as 1e+21)', async () => {
    for (const printed of ['1e21', '99999999999999999999999', '1e308']) {
      const why = await failure(`echo "time ${printed}"`, { timeRegex: 'time (\\S+)', timeUnit: 'ms' })
      expect(String(why)).toMatch(
        new RegExp(`^the program reports ${printed} ms but ran for [\\d.]+ ms in all: check the time unit`),
      )
    }
    // A coarse figure printed in exponent form keeps its unit: "1e3" ms from a run of 0.6 s.
    expect(
      await reported('sleep 0.6; echo "took 1e3 ms"', { timeRegex: 'took (\\S+) ms', timeUnit: 'ms' }),
    ).toBe(1000)
  })

  it('allows a whole unit: two whole-second clock readings 1.2 s apart can differ by 2 s', async () => {
    expect(await reported('sleep 1.2; echo "Time: 2"', { timeRegex: 'Time: (\\d+)', timeUnit: 's' })).toBe(
      2000,
    )
    // Not three: past one unit and past the process's whole life.
    expect(await failure('sleep 1.2; echo "Time: 3"', { timeRegex: 'Time: (\\d+)', timeUnit: 's' })).toMatch(
      /^the program reports 3 s but ran for/,
    )
    // -0 is a time of 0, said so.
    expect(await failure('echo "Time: -0"', { timeRegex: 'Time: (\\S+)', timeUnit: 'us' })).toBe(
      'the program reports a time of 0 us, which no speedup can be divided by: give it more work or print its time more finely',
    )
  })

  it('takes a reported time within the process wall time', async () => {
    const s = await runCommandSample(
      shell('echo "time 1 ms"'),
      command({ timeRegex: 'time (\\d+) ms', timeUnit: 'ms' }),
      10_000,
    )
    expect(s.ok && s.reading.timeMs).toBe(1)
  })

  it('allows the rounding of a coarse figure: "1 s" from a run of a fraction of a second', async () => {
    expect(await reported('sleep 0.6; echo "took 1 s"', { timeRegex: 'took (\\d+) s', timeUnit: 's' })).toBe(
      1000,
    )
  })

  it('fails a sample that reports a time of 0, which no speedup can be divided by', async () => {
    expect(await failure('echo "time 0 ms"', { timeRegex: 'time ([\\d.]+) ms' })).toBe(
      'the program reports a time of 0 ms, which no speedup can be divided by: give it more work or print its time more finely',
    )
  })
})

describe('a report lost in long output', () => {
  it('says the output was cut when the time regex finds nothing in the tail that is kept', async () => {
    // 3 MiB of lines, the report first: only the last 1 MiB is kept, so the report is gone.
    const line = 'echo "time 5 ms"; head -c 3145728 /dev/zero | tr "\\0" "x"; echo'
    expect(await failure(line, { timeRegex: 'time (\\d+) ms' })).toBe(
      'no match for the time regex in the last 1 MiB of its output (it wrote 3 MiB to stdout; only the end is kept)',
    )
  })

  it('says the same of the result regex', async () => {
    const line = '(echo "sum 42"; head -c 2097152 /dev/zero) >&2'
    expect(await failure(line, { resultRegex: 'sum (\\d+)' })).toBe(
      'no match for the result regex in the last 1 MiB of its output (it wrote 2 MiB to stderr; only the end is kept)',
    )
  })

  it('keeps the plain line when the output was whole', async () => {
    expect(await failure('echo done', { timeRegex: 'time (\\d+) ms' })).toBe(
      'no match for the time regex (its last line: done)',
    )
  })
})

// One sample of a command cell: the cell's invocation run once, its failure or its reading (a reported time the
// run itself rules out is a failure too).
import type { CommandSpec, SweepSpec } from '../../../common/contract'
import type { PlannedCell } from '../plan'
import { MAX_OUTPUT_BYTES, runProcess, type ProcessOutcome } from './process'
import { lastMatch, processFailure, readReport, resultNumber, toMs, type SampleReading } from './report'
import { invocation, userShell, type Invocation } from './template'

/** The invocation of a cell: the serial program for the base case when one is given, else the template. */
export function cellInvocation(spec: SweepSpec, command: CommandSpec, cell: PlannedCell): Invocation {
  const template = cell.serial && command.serialTemplate ? command.serialTemplate : command.template
  const values = { n: cell.n, p: cell.pool, chunk: cell.chunkRows, seed: spec.seed, entries: cell.n * cell.n }
  return invocation(template, values, command.shell ? userShell(process.env, process.platform) : null)
}

export type CommandSample =
  | { ok: true; reading: SampleReading; outcome: ProcessOutcome }
  | { ok: false; failure: string; outcome: ProcessOutcome; slowRegex?: true }

export async function runCommandSample(
  run: Invocation,
  command: CommandSpec,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<CommandSample> {
  const outcome = await runProcess({ argv: run.argv, env: run.env, timeoutMs, signal })
  const failure = processFailure(outcome, command.timeoutMs)
  if (failure) return { ok: false, failure, outcome }
  const read = readReport(outcome, command)
  // A regex that ran past its time limit is not run again (lostReport, Try once): it would take as long.
  if (read.failure !== null && read.slowRegex)
    return { ok: false, failure: read.failure, outcome, slowRegex: true }
  if (read.failure !== null)
    return { ok: false, failure: lostReport(outcome, command) ?? read.failure, outcome }
  const implausible = implausibleTime(read.reading, command)
  if (implausible) return { ok: false, failure: implausible, outcome }
  return { ok: true, reading: read.reading, outcome }
}

const mib = (bytes: number): string => {
  const m = bytes / (1024 * 1024)
  return `${m >= 10 ? Math.round(m) : Number(m.toFixed(1))} MiB`
}

/**
 * Why a regex found nothing when the output was longer than the tail we keep: the report may have been printed
 * before the part kept. Null when nothing was cut, or when the failure is another (a match that is not a number).
 */
function lostReport(o: ProcessOutcome, command: CommandSpec): string | null {
  const cut = (
    [
      ['stdout', o.stdoutBytes],
      ['stderr', o.stderrBytes],
    ] as const
  ).filter(([, bytes]) => bytes > MAX_OUTPUT_BYTES)
  if (cut.length === 0) return null
  // In readReport's order, so the first regex that fails is the one named.
  for (const [what, source] of [
    ['time', command.timeRegex],
    ['result', command.resultRegex],
  ] as const) {
    if (!source) continue
    let match: ReturnType<typeof lastMatch>
    try {
      match = lastMatch(source, o.stdout, o.stderr, what === 'result' ? resultNumber : undefined)
    } catch {
      return null // too slow: readReport has said so
    }
    if (!match) {
      const wrote = cut.map(([stream, bytes]) => `${mib(bytes)} to ${stream}`).join(' and ')
      return (
        `no match for the ${what} regex in the last ${mib(MAX_OUTPUT_BYTES)} of its output ` +
        `(it wrote ${wrote}; only the end is kept)`
      )
    }
    if (!Number.isFinite(match.value) || (what === 'time' && match.value < 0)) return null
  }
  return null
}

/**
 * One unit in the last digit of a figure as the program printed it: "13" → 1, "0.25" → 0.01, "1e-7" → 1e-7,
 * "1.0e3" → 100. (Read from the number instead, 1e21 printed in full was one unit of 1e21.)
 */
export function lastDigitStep(printed: string): number {
  const [mantissa, exponent] = printed.toLowerCase().split('e')
  return 10 ** (Number(exponent ?? 0) - (mantissa.split('.')[1]?.length ?? 0))
}

/** About three significant digits: 7.48, 0.5, 1235. */
const ms = (value: number): string => String(value >= 100 ? Math.round(value) : Number(value.toPrecision(3)))

/**
 * A reported time the run rules out. The program's timed region lies inside its process's life, so its time cannot
 * be longer than our spawn-to-exit wall time; one that is, is nearly always a wrong unit (off by 1000×) or a CPU
 * time summed over threads. The margin — 5%, 1 ms, and one unit of the last printed digit, at most the life itself
 * — only keeps the rounding of a coarse figure ("1 s" from 0.6 s, "2 s" from two whole-second readings 1.2 s
 * apart) and a coarse clock from failing an honest program; it is far from hiding a factor of 1000. A time of 0
 * leaves nothing to divide a speedup by.
 */
function implausibleTime(reading: SampleReading, command: CommandSpec): string | null {
  if (reading.reportedMs === null || reading.timeMatch === null) return null
  const said = `${reading.timeMatch.group} ${command.timeUnit}`
  if (reading.reportedMs === 0)
    return (
      `the program reports a time of 0 ${command.timeUnit}, which no speedup can be divided by: ` +
      'give it more work or print its time more finely'
    )
  const stepMs = toMs(lastDigitStep(reading.timeMatch.group), command.timeUnit)
  const lifeMs = reading.wallMs * 1.05 + 1
  // One unit: a difference of two truncated clock readings ("date +%s" twice around 1.2 s) reads up to a unit
  // high. Never more than the life itself: "1e21" is one unit of 1e21 as printed, and a factor of 1000 stays out.
  if (reading.reportedMs - Math.min(stepMs, lifeMs) <= lifeMs) return null
  return (
    `the program reports ${said} but ran for ${ms(reading.wallMs)} ms in all: check the time unit ` +
    `(--time-unit, now ${command.timeUnit}) and that it prints elapsed time, not CPU time`
  )
}

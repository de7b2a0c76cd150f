// Reading a program's own report (pure): its time or result from a regex with one capture group, units to ms,
// and the one line that says why a run failed.
import vm from 'node:vm'
import type { TimeUnit } from '../../../common/contract'
import { capLine, printable } from '../../../common/one-line'
import type { ProcessOutcome } from './process'

const MS_PER: Record<TimeUnit, number> = { s: 1000, ms: 1, us: 1e-3, ns: 1e-6 }

export function toMs(value: number, unit: TimeUnit): number {
  return value * MS_PER[unit]
}

export interface RegexMatch {
  /** The whole matched text, for "Try once" to show. */
  text: string
  /** The capture group as printed (trimmed). */
  group: string
  /** The capture group as a number: NaN unless it is a plain decimal (12, 1.5, .5, 2e-3). */
  value: number
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

/** A plain decimal number as programs print times; NaN otherwise (JavaScript's Number also read 0x10 as 16 ms). */
export function decimal(text: string): number {
  return DECIMAL.test(text) ? Number(text) : NaN
}

/** How long one regex may search a program's output (at most 1 MiB per stream: a sane pattern takes milliseconds). */
export const MATCH_TIMEOUT_MS = 1000

/** A regex that did not finish within MATCH_TIMEOUT_MS: it backtracks catastrophically on this output. */
export class RegexTooSlow extends Error {
  constructor(readonly source: string) {
    super(`/${source}/ ran for over ${MATCH_TIMEOUT_MS / 1000} s on the program's output and was stopped`)
  }
}

// The search runs in a context of its own so that V8 can stop it: a pattern such as (a+)+b backtracks for hours on
// a line of 40 a's, and in the engine's own thread it would hold the sweep, cancelling included, as long.
// The last match whose group is not empty, else the last match: a pattern that may match nothing, such as
// ([\d.]*), also matches the empty string at the end of the output.
const SEARCH = `(() => {
  let found = null
  let filled = null
  for (const m of text.matchAll(new RegExp(source, 'gm'))) {
    found = m
    if ((m[1] ?? '').trim() !== '') filled = m
  }
  const best = filled ?? found
  return best === null ? null : [best[0], best[1] ?? '']
})()`
let search: { script: vm.Script; context: vm.Context } | null = null

function lastIn(source: string, text: string): [string, string] | null {
  search ??= { script: new vm.Script(SEARCH), context: vm.createContext({ text: '', source: '' }) }
  search.context.text = text
  search.context.source = source
  try {
    const found = search.script.runInContext(search.context, { timeout: MATCH_TIMEOUT_MS }) as unknown
    return Array.isArray(found) ? [String(found[0]), String(found[1])] : null
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new RegexTooSlow(source)
    throw e
  } finally {
    search.context.text = ''
  }
}

/**
 * The last match of `source` in the output (stdout first, then stderr): a program that prints a time per
 * repetition reports its final figure last. Null when nothing matches; NaN value when the group is not a number.
 * Throws RegexTooSlow when the search does not end within MATCH_TIMEOUT_MS.
 */
export function lastMatch(
  source: string,
  stdout: string,
  stderr: string,
  read: (group: string) => number = decimal,
): RegexMatch | null {
  for (const text of [stdout, stderr]) {
    const found = lastIn(source, text)
    if (found) {
      const group = found[1].trim()
      return { text: found[0], group, value: read(group) }
    }
  }
  return null
}

/**
 * A result as JavaScript reads a number (0x1f3a, a checksum printed in hex, compared with the base case's), but
 * nothing read as 0: an empty group is not a result.
 */
export const resultNumber = (group: string): number => (group === '' ? NaN : Number(group))

/** Why a match is not a number, in one line: its group captured nothing, or something else than a number. */
function notANumber(which: 'time' | 'result', m: RegexMatch): string {
  return capLine(
    m.group === ''
      ? `the ${which} regex matched "${printable(m.text)}" but its group captured nothing: put the figure in the group, as ${which === 'time' ? 'Time: ([\\d.]+)' : 'Result: (\\S+)'}`
      : `the ${which} regex matched "${printable(m.text)}": not a ${which === 'time' ? 'time' : 'number'}`,
  )
}

/**
 * The last non-blank line of a program's output, its control characters shown as pictures (␛): it goes into the
 * cell's error, which every export and the app print as text.
 */
const lastLine = (text: string): string =>
  printable(
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .pop() ?? '',
  )

/** Why the run failed, in one line (exit code or signal, and the last line of its stderr), or null if it did not. */
export function processFailure(o: ProcessOutcome, timeoutMs: number): string | null {
  if (o.startError) return capLine(`cannot start: ${o.startError}`)
  if (o.cancelled) return 'cancelled'
  if (o.timedOut) return `timed out after ${formatTimeout(timeoutMs)} (killed with its children)`
  if (o.exitCode === 0) return null
  const how = o.exitCode !== null ? `exit code ${o.exitCode}` : `killed by ${o.signal ?? 'a signal'}`
  const last = lastLine(o.stderr)
  return capLine(last ? `${how}: ${last}` : how)
}

/** A time limit as typed (whole hours, minutes or seconds; else ms): the report header, errors and refusals alike. */
export function formatTimeout(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`
  return ms < 1000 ? `${ms} ms` : `${ms / 1000} s`
}

export interface SampleReading {
  /** The figure the statistics use: the program's own time with a time regex, else the process's wall time. */
  timeMs: number
  /** The program's own time (time regex only). */
  reportedMs: number | null
  wallMs: number
  result: number | null
  timeMatch: RegexMatch | null
  resultMatch: RegexMatch | null
}

export interface ReportRules {
  timeRegex?: string
  timeUnit: TimeUnit
  resultRegex?: string
}

/** Reads one successful run's output; a regex without a (numeric) match is a failure, in one line. */
export function readReport(
  o: ProcessOutcome,
  rules: ReportRules,
):
  | { reading: SampleReading; failure: null }
  | {
      reading: null
      failure: string
      /** A regex ran past MATCH_TIMEOUT_MS: not worth searching again. */ slowRegex?: true
    } {
  let timeMatch: RegexMatch | null
  let resultMatch: RegexMatch | null
  try {
    timeMatch = rules.timeRegex ? lastMatch(rules.timeRegex, o.stdout, o.stderr) : null
    resultMatch = rules.resultRegex ? lastMatch(rules.resultRegex, o.stdout, o.stderr, resultNumber) : null
  } catch (e) {
    if (e instanceof RegexTooSlow) return { reading: null, failure: tooSlow(e, rules), slowRegex: true }
    throw e
  }
  const tail = lastLine(o.stdout) || lastLine(o.stderr)
  const said = tail ? ` (its last line: ${tail})` : ' (it printed nothing)'
  if (rules.timeRegex) {
    if (!timeMatch) return { reading: null, failure: capLine(`no match for the time regex${said}`) }
    if (!Number.isFinite(timeMatch.value) || timeMatch.value < 0)
      return { reading: null, failure: notANumber('time', timeMatch) }
    if (!Number.isFinite(toMs(timeMatch.value, rules.timeUnit)))
      return {
        reading: null,
        failure: capLine(`the program reports ${timeMatch.group} ${rules.timeUnit}: too long to be a time`),
      }
  }
  if (rules.resultRegex) {
    if (!resultMatch) return { reading: null, failure: capLine(`no match for the result regex${said}`) }
    if (!Number.isFinite(resultMatch.value))
      return { reading: null, failure: notANumber('result', resultMatch) }
  }
  const reportedMs = timeMatch ? toMs(timeMatch.value, rules.timeUnit) : null
  return {
    reading: {
      timeMs: reportedMs ?? o.wallMs,
      reportedMs,
      wallMs: o.wallMs,
      result: resultMatch ? resultMatch.value : null,
      timeMatch,
      resultMatch,
    },
    failure: null,
  }
}

/** The failure of a sweep whose regex backtracked past MATCH_TIMEOUT_MS, naming which of the two it was. */
export function tooSlow(e: RegexTooSlow, rules: { timeRegex?: string; resultRegex?: string }): string {
  const which = e.source === rules.timeRegex ? 'time' : 'result'
  return capLine(
    `the ${which} regex /${e.source}/ searched the program's output for over ${MATCH_TIMEOUT_MS / 1000} s and was ` +
      'stopped: a repeat that can match a long stretch in many ways slows down without end, such as (a+)+ or ' +
      "([\\d.]+)ms over a long line of dots; start it with the line's own words, as Time: ([\\d.]+)ms",
  )
}

/** Relative difference from the base case's result; a zero base compares absolutely. */
export function resultError(base: number, got: number): number {
  const scale = Math.abs(base)
  return scale > 0 ? Math.abs(got - base) / scale : Math.abs(got)
}

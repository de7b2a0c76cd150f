// "Try once" and the preview for a command workload: the exact command lines of the first cells, and one run of the
// first parallel cell with what each regex matched, so a template is right before a sweep of hours starts.
import type { CommandPreview, SweepSpec, TryOnceResult } from '../../common/contract'
import { ApiError } from '../../common/contract'
import { planSweep } from '../engine/plan'
import { cellInvocation, runCommandSample } from '../engine/command/sample'
import {
  lastMatch,
  RegexTooSlow,
  resultNumber,
  tooSlow,
  toMs,
  type RegexMatch,
} from '../engine/command/report'
import { TemplateError } from '../engine/command/template'

/** How much of each stream "Try once" shows. */
const TAIL_CHARS = 2000
const PREVIEW_CELLS = 4

function commandOf(spec: SweepSpec) {
  if (spec.workload !== 'command' || !spec.command) throw new ApiError('this is not a command workload')
  return spec.command
}

/** A template error is the user's to fix: one line as an ApiError, like every other bad input. */
function invocationOrRefuse<T>(make: () => T): T {
  try {
    return make()
  } catch (err) {
    if (err instanceof TemplateError) throw new ApiError(err.message)
    throw err
  }
}

export function previewCommands(spec: SweepSpec): CommandPreview[] {
  const command = commandOf(spec)
  const cells = planSweep(spec)[0].cells.slice(0, PREVIEW_CELLS)
  return invocationOrRefuse(() =>
    cells.map((cell) => ({
      n: cell.n,
      pool: cell.pool,
      chunkRows: cell.chunkRows,
      serial: cell.serial,
      command: cellInvocation(spec, command, cell).display,
    })),
  )
}

const tail = (text: string) => (text.length > TAIL_CHARS ? `…${text.slice(-TAIL_CHARS)}` : text)

/** Runs the first cell of the smallest size with more than one worker (else the first there is), once. */
export async function tryCommandOnce(spec: SweepSpec, signal?: AbortSignal): Promise<TryOnceResult> {
  const command = commandOf(spec)
  const cells = planSweep(spec)[0].cells
  const cell = cells.find((c) => !c.serial && c.pool > 1) ?? cells.find((c) => !c.serial) ?? cells[0]
  const run = invocationOrRefuse(() => cellInvocation(spec, command, cell))
  const s = await runCommandSample(run, command, command.timeoutMs, signal)
  // Matched whatever the outcome: a failing run that printed its time still shows what the regex saw. A sample
  // that was read has its matches already; one whose regex ran past its time limit is not searched again.
  const { stdout, stderr } = s.outcome
  let timeMatch: RegexMatch | null = s.ok ? s.reading.timeMatch : null
  let resultMatch: RegexMatch | null = s.ok ? s.reading.resultMatch : null
  let failure = s.ok ? null : s.failure
  if (!s.ok && !s.slowRegex) {
    try {
      timeMatch = command.timeRegex ? lastMatch(command.timeRegex, stdout, stderr) : null
      resultMatch = command.resultRegex ? lastMatch(command.resultRegex, stdout, stderr, resultNumber) : null
    } catch (e) {
      if (!(e instanceof RegexTooSlow)) throw e
      failure = tooSlow(e, command)
    }
  }
  return {
    command: run.display,
    exitCode: s.outcome.exitCode,
    failure,
    wallMs: s.outcome.wallMs,
    timeMatch: timeMatch && { ...timeMatch, ms: toMs(timeMatch.value, command.timeUnit) },
    resultMatch,
    stdoutTail: tail(s.outcome.stdout),
    stderrTail: tail(s.outcome.stderr),
  }
}

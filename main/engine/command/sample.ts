// One sample of a command cell: the cell's invocation run once, its failure or its reading.
import type { CommandSpec, SweepSpec } from '../../../common/contract'
import type { PlannedCell } from '../plan'
import { runProcess, type ProcessOutcome } from './process'
import { processFailure, readReport, type SampleReading } from './report'
import { invocation, userShell, type Invocation } from './template'

/** The invocation of a cell: the serial program for the base case when one is given, else the template. */
export function cellInvocation(spec: SweepSpec, command: CommandSpec, cell: PlannedCell): Invocation {
  const template = cell.serial && command.serialTemplate ? command.serialTemplate : command.template
  const values = { n: cell.n, p: cell.pool, chunk: cell.chunkRows, seed: spec.seed, entries: cell.n * cell.n }
  return invocation(template, values, command.shell ? userShell(process.env, process.platform) : null)
}

export type CommandSample =
  | { ok: true; reading: SampleReading; outcome: ProcessOutcome }
  | { ok: false; failure: string; outcome: ProcessOutcome }

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
  if (read.failure !== null) return { ok: false, failure: read.failure, outcome }
  return { ok: true, reading: read.reading, outcome }
}

// The report's description of a run's workload: our kernels in one line; a user's program or module with what was
// run, how it was timed and what the base case is (a reader must know the time includes interpreter start-up).
import type { SweepSpec } from '../../common/contract'
import { formatTimeout } from '../engine/command/report'

export function workloadLines(spec: SweepSpec): string[] {
  // How many samples is the Protocol line's (at least --reps, until the target or a budget): not repeated here.
  const seed = `seed ${spec.seed}`
  if (spec.workload === 'command' && spec.command) {
    const c = spec.command
    return [
      `command workload${c.shell ? ' (through the shell)' : ''}: ${c.template}`,
      c.timeRegex
        ? `time: the program's own report (/${c.timeRegex}/, ${c.timeUnit}); the whole process's wall time is kept beside it`
        : 'time: wall time of the whole process, as hyperfine does (includes interpreter start-up)',
      c.serialTemplate
        ? `base case (serial): the serial command ${c.serialTemplate}`
        : 'base case (serial): the command at p = 1',
      `timeout ${formatTimeout(c.timeoutMs)} per run` +
        (c.resultRegex ? `, result /${c.resultRegex}/ checked to ${c.resultTolerance} relative` : ''),
    ]
  }
  if (spec.workload === 'module' && spec.module) {
    return [
      `module workload: ${spec.module.path}, ${spec.executor} executor, ${spec.transfer} transfer, ${seed}, timeout ${formatTimeout(spec.module.timeoutMs)} per kernel task`,
    ]
  }
  return [
    `${spec.workload} workload, ${spec.kernel} kernel, ${spec.executor} executor, ${spec.transfer} transfer, ${seed}`,
  ]
}

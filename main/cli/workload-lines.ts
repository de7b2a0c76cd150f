// The report's description of a run's workload: our kernels in one line; a user's program or module with what was
// run, how it was timed and what the base case is (a reader must know the time includes interpreter start-up).
import type { SweepSpec } from '../../common/contract'

export function workloadLines(spec: SweepSpec): string[] {
  const reps = `${spec.repetitions} repetition${spec.repetitions === 1 ? '' : 's'} after ${spec.warmups} warm-up${spec.warmups === 1 ? '' : 's'}, seed ${spec.seed}`
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
      `${reps}, timeout ${Math.round(c.timeoutMs / 1000)} s per cell` +
        (c.resultRegex ? `, result /${c.resultRegex}/ checked to ${c.resultTolerance} relative` : ''),
    ]
  }
  if (spec.workload === 'module' && spec.module) {
    return [
      `module workload: ${spec.module.path}, ${spec.executor} executor, ${spec.transfer} transfer, ${reps}`,
    ]
  }
  return [
    `${spec.workload} workload, ${spec.kernel} kernel, ${spec.executor} executor, ${spec.transfer} transfer, ${reps}`,
  ]
}

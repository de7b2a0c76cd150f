// A sweep spec as the remote CLI's flags (`amdahl sweep … --events jsonl --no-save`): how the app's sweep on a
// target reaches the same remote path as `amdahl sweep --on`. The remote CLI checks every value again.
import { ApiError, type SweepSpec } from '../../common/contract'

/** The one line an app sweep with a command or module workload on a target is refused with. */
export const REMOTE_WORKLOADS_ONLY =
  'a sweep on a target runs the built-in workloads (sum, assign): run command and module workloads with the CLI on that machine'

/** Every value as `--flag=value`, so no value (a name beginning with "-") is ever read as a flag of its own. */
export function remoteArgsForSpec(spec: SweepSpec): string[] {
  if (spec.workload !== 'sum' && spec.workload !== 'assign') throw new ApiError(REMOTE_WORKLOADS_ONLY)
  const flags: Array<[string, string | number | undefined]> = [
    ['workload', spec.workload],
    ['sizes', spec.sizes.join(',')],
    ['pools', spec.pools.join(',')],
    ['chunk', spec.chunkRows.join(',')],
    ['executor', spec.executor],
    ['transfer', spec.transfer],
    ['kernel', spec.kernel],
    ['reps', spec.repetitions],
    ['target', spec.target],
    ['max-time', `${spec.maxTimeMs}ms`],
    ['max-samples', spec.maxSamples],
    ['order-seed', spec.orderSeed],
    ['warmup', spec.warmups],
    ['processes', spec.processes],
    ['seed', spec.seed],
    ['centroids', spec.centroids],
    ['name', spec.name === '' ? undefined : spec.name],
  ]
  const args = ['sweep']
  for (const [flag, value] of flags) if (value !== undefined) args.push(`--${flag}=${value}`)
  args.push('--events', 'jsonl', '--no-save')
  return args
}

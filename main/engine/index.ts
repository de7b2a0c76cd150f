// The benchmark engine's public face (plain Node, no Electron): run a sweep, check memory, describe the machine.
import type { Run, SweepSpec } from '../../common/contract'
import { checkFreeMemory } from './memory'
import type { RunOptions } from './options'
import { runSweep as runKernelSweep } from './runner'
import { runCommandSweep } from './command/sweep'

/** How a sweep is run: its id, cancel signal, event callbacks and worker script (see options.ts). */
export type { RunOptions } from './options'

export { newRunId } from './run-record'

/**
 * The one entry to every sweep. The seam between workloads: our kernels and a user's JS module run on our pools;
 * a command workload runs the user's program as a process per sample.
 */
export function runSweep(spec: SweepSpec, opts: RunOptions = {}): Promise<Run> {
  if (spec.workload === 'command') return runCommandSweep(spec, opts)
  return runKernelSweep(spec, opts)
}

export { machineInfo } from './machine'
/**
 * Resolves once every worker pool the engine has ended is gone. A cancelled sweep resolves before its pools are
 * (a child process holding a large copy takes most of a second to exit): await this before the process exits.
 */
export { closePools } from './pool'

/** Memory check before anything is allocated: null when the sweep fits, else one human line. */
export function checkFits(spec: SweepSpec): string | null {
  // A command allocates nothing of ours: its program checks its own memory.
  return spec.workload === 'command' ? null : checkFreeMemory(spec)
}

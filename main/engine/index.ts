// The benchmark engine's public face (plain Node, no Electron): run a sweep, check memory, describe the machine.
import type { SweepSpec } from '../../common/contract'
import { checkFits as checkFitsFree } from './memory'

/** How a sweep is run: its id, cancel signal, event callbacks and worker script (see options.ts). */
export type { RunOptions } from './options'

export { runSweep, newRunId } from './runner'
export { machineInfo } from './machine'
/**
 * Resolves once every worker pool the engine has ended is gone. A cancelled sweep resolves before its pools are
 * (a child process holding a large copy takes most of a second to exit): await this before the process exits.
 */
export { closePools } from './pool'

/** Memory check before anything is allocated: null when the sweep fits, else one human line. */
export function checkFits(spec: SweepSpec): string | null {
  return checkFitsFree(spec)
}

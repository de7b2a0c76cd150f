// The benchmark engine's public face (plain Node, no Electron): run a sweep, check memory, describe the machine.
import type { Progress, Run, SweepSpec } from '../../common/contract'
import { checkFits as checkFitsFree } from './memory'

export interface RunOptions {
  /** Default: a fresh id matching RunIdSchema. */
  runId?: string
  /**
   * Aborting cancels the sweep: it resolves with status 'cancelled' and keeps the finished cells, as soon as the
   * tasks in flight are stopped; its pools end in the background (see closePools).
   */
  signal?: AbortSignal
  onProgress?: (progress: Progress) => void
  /** Called after every finished cell with the run so far (status 'failed', error 'interrupted…'), for checkpoints. */
  onCell?: (partial: Run) => void
  /** Called once per size with the time the workers took to fill its matrix (never part of a sample). */
  onFill?: (fill: { n: number; ms: number }) => void
  /** Default: AMDAHL_WORKER, else worker.js beside the bundle or its chunks/ parent (out of app.asar). */
  workerScript?: string
  /** How long a pool may take to answer its first pings before the run fails (default 20 s). */
  startupTimeoutMs?: number
}

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

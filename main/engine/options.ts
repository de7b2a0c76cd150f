// The options of one sweep, apart from the engine's entry points so the runner and index.ts do not import each other.
import type { Progress, Run } from '../../common/contract'

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

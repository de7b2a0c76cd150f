// The options of one sweep, apart from the engine's entry points so the runner and index.ts do not import each other.
import type { Progress, Run } from '../../common/contract'
import type { LoadSources } from './load'
import type { SpeedSource } from './speed'
import type { Clock } from './timed'

export interface RunOptions {
  /** Default: a fresh id matching RunIdSchema. */
  runId?: string
  /**
   * Aborting cancels the sweep: it resolves with status 'cancelled' and keeps the finished cells, as soon as the
   * tasks in flight are stopped; its pools end in the background (see closePools).
   */
  signal?: AbortSignal
  onProgress?: (progress: Progress) => void
  /**
   * Called after every finished cell with the run so far (status 'failed', error 'interrupted…'), for checkpoints.
   * Never during a timed sample; a promise it answers (a checkpoint's write) is awaited, up to 10 s, before the
   * next sample starts, so no write of ours runs while one is timed.
   */
  onCell?: (partial: Run) => void | Promise<void>
  /** Called once per size with the time the workers took to fill its matrix (never part of a sample). */
  onFill?: (fill: { n: number; ms: number }) => void
  /**
   * Resolves once the listeners' receiver has handled every event given so far, where that work runs elsewhere
   * (the engine host's parent process): awaited before each timed sample, so it never runs inside one.
   */
  delivered?: () => Promise<void>
  /** Default: AMDAHL_WORKER, else worker.js beside the bundle or its chunks/ parent (out of app.asar). */
  workerScript?: string
  /** How long a pool may take to answer its first pings before the run fails (default 20 s). */
  startupTimeoutMs?: number
  /** The clock of the timed region (default performance.now) and its step (default: measured once per run). */
  timer?: { now: Clock; resolutionMs?: number }
  /** Where machine load is read from (default /proc, or the load average off Linux). */
  loadSources?: LoadSources
  /** Where the machine's reference checks come from (default: the real compute loop and memory stream). */
  speedSource?: SpeedSource
  /** How often progress ticks between samples while nothing else reports (default 250 ms; shorter also throttles less). */
  progressTickMs?: number
}

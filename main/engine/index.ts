// The benchmark engine's public face (plain Node, no Electron): run a sweep, check memory, describe the machine.
import type { Progress, Run, SweepSpec } from '../../common/contract'
import type { LoadSources } from './load'
import { checkFits as checkFitsFree } from './memory'
import { runSweep as runKernelSweep } from './runner'
import { refusedRun, runCommandSweep } from './command/sweep'
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
  /** Default: AMDAHL_WORKER, else worker.js beside the bundle or its chunks/ parent (out of app.asar). */
  workerScript?: string
  /** How long a pool may take to answer its first pings before the run fails (default 20 s). */
  startupTimeoutMs?: number
  /** The clock of the timed region (default performance.now) and its step (default: measured once per run). */
  timer?: { now: Clock; resolutionMs?: number }
  /** Where machine load is read from (default /proc, or the load average off Linux). */
  loadSources?: LoadSources
  /** How often progress ticks between samples while nothing else reports (default 250 ms; shorter also throttles less). */
  progressTickMs?: number
}

export { newRunId } from './runner'

/**
 * The one entry to every sweep. The seam between workloads: our kernels (and a user's JS module) run on our pools;
 * a command workload runs the user's program as a process per sample.
 */
export function runSweep(spec: SweepSpec, opts: RunOptions = {}): Promise<Run> {
  if (spec.workload === 'command') return runCommandSweep(spec, opts)
  // The schema and the CLI know JS modules; the workers do not run them yet (issue 11, part 2).
  if (spec.workload === 'module') return Promise.resolve(refusedRun(spec, MODULES_NOT_YET, opts))
  return runKernelSweep(spec, opts)
}

export const MODULES_NOT_YET = 'JS module workloads are not available in this build yet: use --command'
export { machineInfo } from './machine'
/**
 * Resolves once every worker pool the engine has ended is gone. A cancelled sweep resolves before its pools are
 * (a child process holding a large copy takes most of a second to exit): await this before the process exits.
 */
export { closePools } from './pool'

/** Memory check before anything is allocated: null when the sweep fits, else one human line. */
export function checkFits(spec: SweepSpec): string | null {
  // A command allocates nothing of ours: its program checks its own memory.
  return spec.workload === 'command' ? null : checkFitsFree(spec)
}

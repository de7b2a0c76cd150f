// The one sweep driver, for the service and the CLI alike: runs a sweep on an engine, checkpoints it to the history,
// saves the final run, closes the engine's pools or host, and words a failure the same way everywhere.
import type { Progress, Run, SpeedCheck, SweepSpec } from '../../common/contract'
import { oneLine } from '../../common/one-line'
import { byPool, checksOfPool, judgeSpeed, poolSpeeds, runSpeed } from '../engine/speed'
import { inFreshProcesses } from '../engine/processes'
import type { SweepEngine } from '../engine/sweep-engine'
import type { HistoryStore } from '../history/store'
import { Checkpoints } from './checkpoints'

export interface DriveOptions {
  engine: SweepEngine
  runId?: string
  signal?: AbortSignal
  /** Null: nothing is written (`amdahl sweep --no-save`). */
  history: HistoryStore | null
  onProgress?: (progress: Progress) => void
  workerScript?: string
  /** This machine's measured ceilings (amdahl probe), recorded in the run before it is saved; null when unprobed. */
  ceilings?: (machine: Run['machine']) => Promise<Run['machine']['ceilings'] | null | undefined>
  /**
   * This machine's usual speed (probe/speed-store.ts): the run's cells are held against it (slow-machine), and a
   * complete run's own speed is added to it.
   */
  speed?: {
    recorded: (machine: Run['machine']) => Promise<SpeedCheck[]>
    /** Absent: nothing is written (`amdahl sweep --no-save`). */
    record?: (machine: Run['machine'], speeds: SpeedCheck[]) => Promise<void>
  }
  /** Things that went wrong without stopping the sweep: a checkpoint or the final run that could not be saved. */
  warn: (line: string) => void
}

export type SweepOutcome =
  /** The engine returned a run (complete, cancelled or failed cells); saveError says whether it reached the history. */
  (
    | { ok: true; run: Run; saveError: string | null }
    /** The engine gave up (a crashed engine process, a pool that never started): the last checkpoint is kept. */
    | { ok: false; error: string }
  ) & {
    /**
     * Settles once the engine has nothing left running (a cancelled sweep's pools take up to a second to end).
     * Apart from the outcome so the service can report at once; whoever exits or measures next awaits it.
     */
    engineClosed: Promise<void>
  }

const message = (error: unknown): string => oneLine(error instanceof Error ? error.message : String(error))

/**
 * A run whose every cell failed measured nothing: it failed, in one line giving the first cell's reason (each cell
 * keeps its own). Engines end a run 'complete' once every cell has had its turn, failed or not.
 */
export function failedWhenNothingMeasured(run: Run): Run {
  if (run.status !== 'complete' || run.cells.length === 0) return run
  if (run.cells.some((cell) => cell.status !== 'failed')) return run
  const first = oneLine(run.cells[0].error ?? 'no reason was given')
  return { ...run, status: 'failed', error: `every cell failed; the first: ${first}`.slice(0, 2000) }
}

/** Resolves after the run is saved (or the last checkpoint, on failure); never rejects. */
export async function driveSweep(spec: SweepSpec, options: DriveOptions): Promise<SweepOutcome> {
  const { history, warn } = options
  const save = (what: string) => (run: Run) =>
    history
      ? history.save(run).catch((error) => warn(`${what} of run ${run.id} not saved: ${message(error)}`))
      : null
  const checkpoints = history ? new Checkpoints((run) => save('checkpoint')(run) ?? Promise.resolve()) : null
  const closeEngine = () =>
    options.engine.close().catch((error) => warn(`engine not closed: ${message(error)}`))
  // Several processes: one fresh engine process after another, merged (engine/processes.ts).
  const engine = (spec.processes ?? 1) > 1 ? inFreshProcesses(options.engine) : options.engine
  if (engine !== options.engine && !options.engine.freshProcess) {
    return {
      ok: false,
      error: 'the sweep failed: this engine runs in one process and cannot measure in several (processes)',
      engineClosed: Promise.resolve(),
    }
  }
  let run: Run
  try {
    run = failedWhenNothingMeasured(
      await engine.runSweep(spec, {
        runId: options.runId,
        signal: options.signal,
        workerScript: options.workerScript,
        onProgress: options.onProgress,
        onCell: checkpoints?.onCell,
      }),
    )
  } catch (error) {
    const engineClosed = closeEngine()
    await checkpoints?.settled()
    const unsaved = checkpoints?.unsaved
    if (unsaved) await save('last checkpoint')(unsaved)
    return { ok: false, error: `the sweep failed: ${message(error)}`, engineClosed }
  }
  const engineClosed = closeEngine()
  const ceilings = await options.ceilings?.(run.machine).catch((error) => {
    warn(`the probe's ceilings could not be read: ${message(error)}`)
    return null
  })
  if (ceilings) run.machine.ceilings = ceilings
  if (options.speed && run.speed) {
    const recorded = await options.speed.recorded(run.machine).catch(() => [])
    // One thread's speeds against one thread's; a pool's against the same pool's in earlier runs.
    run = judgeSpeed(run, checksOfPool(recorded), run.machine.logicalCores, byPool(recorded))
    const checks = run.speed?.checks ?? []
    const own = runSpeed(checks)
    if (own && run.status === 'complete' && options.speed.record) {
      await options.speed
        .record(run.machine, [own, ...poolSpeeds(checks)])
        .catch((error) => warn(`this machine's speed record was not updated: ${message(error)}`))
    }
  }
  // The store writes saves of one run in call order, so no checkpoint can land after the final save.
  await checkpoints?.settled()
  let saveError: string | null = null
  if (history) {
    saveError = await history.save(run).then(
      () => null,
      (error: unknown) => `the run finished but could not be saved: ${message(error)}`,
    )
  }
  return { ok: true, run, saveError, engineClosed }
}

// THE timed region of every sample, defined once: dispatch → compute → reduce, with nothing else of ours inside.
//
// What a sample's time covers, for every workload, executor and transfer:
//   start  the clock is read right before the first task is handed to the pool (for transfer `copy`, before the
//          first rows are copied: copying is part of the cost being taught);
//   end    the clock is read right after the partial results are reduced to the cell's value.
// A batch of b back-to-back runs is one region; its time divided by b is the time per run that is recorded.
// Outside it, always: allocation and fill of the matrix, pool start-up and warm-up, resetting labels, the result
// check, garbage collection in child processes, load readings, progress events, checkpoints and logs. The
// QuietGate is held for the whole region: the progress ticker is stopped (not just muted) and every listener
// call waits until the region ends, so no timer or callback of ours competes with the workers for the main thread.
// In a host process (host.ts) the parent's handling of those events, a checkpoint's write included, also ends
// before the next region opens (RunOptions.delivered).

/** The region in words, recorded in every run's protocol. */
export const TIMED_REGION =
  'dispatch → compute → reduce: from handing the first task to the pool (copying its rows first for transfer copy) to the reduced result; b back-to-back runs when batched'

/** A monotonic clock in milliseconds. */
export type Clock = () => number

/** Something of ours that must stay silent while a sample is timed (the progress ticker, checkpoint writes). */
export interface Quiet {
  hold(): void
  release(): void
}

/** Holds every registered part for the length of a timed region. */
export class QuietGate implements Quiet {
  private readonly parts: Quiet[] = []
  private held = false

  add(part: Quiet): void {
    this.parts.push(part)
  }

  get isHeld(): boolean {
    return this.held
  }

  hold(): void {
    this.held = true
    for (const p of this.parts) p.hold()
  }

  release(): void {
    this.held = false
    for (const p of this.parts) p.release()
  }
}

export interface Timed<T> {
  /** Wall time of the whole region, ms (all runs of the batch). */
  ms: number
  /** Each run's outcome, in order. */
  runs: T[]
}

/**
 * Times `batch` back-to-back runs of `run` (each one dispatch → compute → reduce) as one region. A run that
 * reports failure (`stop` answers true) ends the batch early; the time is then of no use and the caller drops it.
 */
export async function timeRegion<T>(
  clock: Clock,
  gate: Quiet,
  batch: number,
  run: () => Promise<T>,
  stop: (outcome: T) => boolean = () => false,
): Promise<Timed<T>> {
  const runs: T[] = []
  gate.hold()
  try {
    const t0 = clock()
    for (let b = 0; b < batch; b++) {
      const outcome = await run()
      runs.push(outcome)
      if (stop(outcome)) break
    }
    const ms = clock() - t0
    return { ms, runs }
  } finally {
    gate.release()
  }
}

/**
 * The smallest step the clock shows, ms: the least positive difference between consecutive readings. Measured
 * once per run (a few thousand readings, well under a millisecond with performance.now()).
 */
export function timerResolution(clock: Clock, readings = 5000): number {
  let best = Infinity
  let previous = clock()
  for (let i = 0; i < readings; i++) {
    const t = clock()
    if (t > previous && t - previous < best) best = t - previous
    previous = t
  }
  // A clock that never moved in all those readings has a step longer than them: say at least 1 ms.
  return Number.isFinite(best) ? best : 1
}

/** A sample should last this many clock steps, so rounding to the clock costs at most 0.1% of it. */
export const TICKS_PER_SAMPLE = 1000
/** Never batch more runs than this into one sample. */
export const MAX_BATCH = 10_000

/**
 * Runs per sample for a cell whose one run took `runMs` on a clock of step `resolutionMs`: 1 unless a run is
 * shorter than TICKS_PER_SAMPLE steps. A run the clock did not see at all counts as one step long.
 */
export function batchFor(runMs: number, resolutionMs: number): number {
  const minSampleMs = TICKS_PER_SAMPLE * resolutionMs
  const perRun = Math.max(runMs, resolutionMs)
  if (perRun >= minSampleMs) return 1
  return Math.min(MAX_BATCH, Math.ceil(minSampleMs / perRun))
}

// Progress of a sweep: cells done, share of the work done (entries × samples), current cell, elapsed and ETA.
import type { Cell, Progress, SweepSpec } from '../../common/contract'
import type { PlannedCell, SizePlan } from './plan'
import type { Quiet } from './timed'

/** At most ten throttled events per second; cell boundaries and changes of phase always get one. */
const MIN_INTERVAL_MS = 100
/** Between samples, tick so elapsed and ETA stay live through long fills and start-ups. */
const TICK_MS = 250

/**
 * Held (see timed.ts) while a sample is timed: the ticker is stopped and every event waits, so nothing of ours
 * runs inside a timed region; on release the newest state goes out at once if an event was due.
 */
export class ProgressTracker implements Quiet {
  private readonly started: number
  private readonly totalWork: number
  private readonly cellsTotal: number
  private readonly stepsDone = new Map<number, number>()
  /** Work counted as done: samples taken, plus the samples a failed cell will never take. */
  private doneWork = 0
  /** Work of samples really taken: what the ETA's rate is measured on. */
  private sampledWork = 0
  /**
   * Cells that have taken their minimum and go on (entries per sample): each needs at least one more sample, so
   * the whole counts one more for each. Without it, the bar read 100 % with 3 of 6 cells to go. (Samples beyond
   * the minimum are not counted as done: counted in the work and the whole alike, a cell's hundreds of them
   * drove the bar to 87 % while the first of six cells still sampled.)
   */
  private readonly open = new Map<number, number>()
  /** The fraction last reported: the bar never goes back when a cell turns out to need more samples. */
  private shownFraction = 0
  /** When the first sample started: pool start-up and the first fill come before and stay out of the rate. */
  private samplingSince: number | null = null
  private cellsDone = 0
  private current: Progress['current'] = null
  private lastEmit = -Infinity
  private ticker: NodeJS.Timeout | null = null
  private held = false
  /** An event fell due while held. */
  private pending = false
  /** Steps per cell the work estimate counts: warm-ups plus the minimum of samples. */
  private readonly perCell: number

  constructor(
    private readonly runId: string,
    plans: readonly SizePlan[],
    spec: Pick<SweepSpec, 'warmups' | 'repetitions'>,
    private readonly listener?: (progress: Progress) => void,
    /** Milliseconds on a monotonic clock; tests pass their own. */
    private readonly now: () => number = () => performance.now(),
    private readonly tickMs: number = TICK_MS,
  ) {
    const perCell = spec.warmups + spec.repetitions
    this.perCell = perCell
    let work = 0
    let cells = 0
    for (const plan of plans) {
      for (const c of plan.cells) work += c.n * c.n * perCell
      cells += plan.cells.length
    }
    this.totalWork = work
    this.cellsTotal = cells
    this.started = this.now()
  }

  /**
   * What runs now. Throttled, except when the kind of step changes (start-up, fill, warm-up, measure): those
   * changes are few per size, and a short one (a fill of ~0.1 s) would otherwise never be reported. A new cell
   * whose step is expected to last at least the throttle's interval (`expectedMs`: its last timed region, Infinity
   * before its first) is reported too: nothing goes out while a sample is held, so a throttled event would leave
   * the previous cell named for the whole of a long sample (a 2 s sample of pool 2 read as the serial baseline).
   */
  phase(current: NonNullable<Progress['current']>, expectedMs = 0): void {
    const was = this.current
    const changed = was?.phase !== current.phase
    const newCell =
      was !== null &&
      (was.n !== current.n ||
        was.pool !== current.pool ||
        was.chunkRows !== current.chunkRows ||
        was.serial !== current.serial)
    this.current = current
    const sampling = current.phase === 'warmup' || current.phase === 'measure'
    if (sampling && this.samplingSince === null) this.samplingSince = this.now()
    this.arm()
    this.emit(changed || (newCell && expectedMs >= Math.min(MIN_INTERVAL_MS, this.tickMs)))
  }

  hold(): void {
    this.held = true
    this.disarm()
  }

  release(): void {
    this.held = false
    if (this.pending) {
      this.pending = false
      this.emit(true)
    }
    if (this.current !== null) this.arm()
  }

  private arm(): void {
    if (this.listener && !this.ticker && !this.held) {
      this.ticker = setInterval(() => this.emit(false), this.tickMs)
      this.ticker.unref()
    }
  }

  private disarm(): void {
    if (this.ticker) clearInterval(this.ticker)
    this.ticker = null
  }

  /**
   * A step of a cell is done. The estimate counts the minimum of samples; a cell that has taken it and is not
   * closed (short of its target) is expected to take one more, so the bar never reaches 100 % while a cell is
   * still sampling. Samples beyond the minimum add to the rate, not to the work done.
   */
  sampleDone(cell: PlannedCell): void {
    const work = cell.n * cell.n
    const steps = (this.stepsDone.get(cell.index) ?? 0) + 1
    this.stepsDone.set(cell.index, steps)
    if (steps <= this.perCell) this.doneWork += work
    if (steps >= this.perCell) this.open.set(cell.index, work)
    this.sampledWork += work
  }

  /**
   * A cell ended. An ok or failed cell is done, and whatever samples it did not run count as done work, so the
   * bar does not stall on a failure. A cancelled cell is not done: only the samples it really took count.
   */
  cellDone(cell: PlannedCell, status: Cell['status']): void {
    this.open.delete(cell.index)
    if (status === 'cancelled') return
    const left = this.perCell - (this.stepsDone.get(cell.index) ?? 0)
    this.stepsDone.set(cell.index, this.perCell)
    this.doneWork += Math.max(0, left) * cell.n * cell.n
    this.cellsDone++
    this.emit(true)
  }

  /** The sweep ended (complete or cancelled): one last event, with nothing under way. */
  done(): void {
    this.current = null
    this.emit(true)
    this.stop()
  }

  stop(): void {
    this.disarm()
  }

  snapshot(): Progress {
    const now = this.now()
    const whole = this.whole()
    const raw = whole > 0 ? Math.min(1, this.doneWork / whole) : 1
    const fraction = (this.shownFraction = Math.max(this.shownFraction, raw))
    return {
      runId: this.runId,
      cellsDone: this.cellsDone,
      cellsTotal: this.cellsTotal,
      fraction,
      current: this.current,
      elapsedMs: now - this.started,
      etaMs: this.eta(now),
    }
  }

  /** All the work as known now: the minimum of every cell, and one more sample per cell still sampling past it. */
  private whole(): number {
    let pending = 0
    for (const work of this.open.values()) pending += work
    return this.totalWork + pending
  }

  /** The work left at the rate samples have gone so far; null until a sample is done, and past every minimum. */
  private eta(now: number): number | null {
    const left = Math.max(0, this.whole() - this.doneWork)
    if (left === 0) return 0
    // Only cells sampling on towards their target are left: how long they take is theirs to find out (an
    // estimate of one more sample each read "under a second left" for three seconds).
    if (this.totalWork - this.doneWork <= 0) return null
    if (this.samplingSince === null || this.sampledWork === 0) return null
    const samplingMs = now - this.samplingSince
    if (samplingMs <= 0) return null
    return left / (this.sampledWork / samplingMs)
  }

  private emit(force: boolean): void {
    if (!this.listener) return
    if (this.held) {
      this.pending = true
      return
    }
    const now = this.now()
    if (!force && now - this.lastEmit < Math.min(MIN_INTERVAL_MS, this.tickMs)) return
    this.lastEmit = now
    this.listener(this.snapshot())
  }
}

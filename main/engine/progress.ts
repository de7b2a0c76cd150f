// Progress of a sweep: cells done, share of the work done (entries × samples), current cell, elapsed and ETA.
import type { Progress, SweepSpec } from '../contract'
import type { PlannedCell, SizePlan } from './plan'

/** At most this many throttled events per second; cell boundaries always get one. */
const MIN_INTERVAL_MS = 100

export class ProgressTracker {
  private readonly started = performance.now()
  private readonly totalWork: number
  private readonly cellsTotal: number
  private readonly stepsDone = new Map<number, number>()
  private doneWork = 0
  private cellsDone = 0
  private current: Progress['current'] = null
  private lastEmit = -Infinity

  constructor(
    private readonly runId: string,
    plans: readonly SizePlan[],
    spec: Pick<SweepSpec, 'warmups' | 'repetitions'>,
    private readonly listener?: (progress: Progress) => void,
  ) {
    const perCell = spec.warmups + spec.repetitions
    let work = 0
    let cells = 0
    for (const plan of plans) {
      for (const c of plan.cells) work += c.n * c.n * perCell
      cells += plan.cells.length
    }
    this.totalWork = work
    this.cellsTotal = cells
  }

  phase(current: NonNullable<Progress['current']>): void {
    this.current = current
    this.emit(false)
  }

  sampleDone(cell: PlannedCell): void {
    this.stepsDone.set(cell.index, (this.stepsDone.get(cell.index) ?? 0) + 1)
    this.doneWork += cell.n * cell.n
    this.emit(false)
  }

  /** A cell ended (ok, failed or cancelled): whatever it did not run counts as done work. */
  cellDone(cell: PlannedCell, perCell: number): void {
    const left = perCell - (this.stepsDone.get(cell.index) ?? 0)
    this.stepsDone.set(cell.index, perCell)
    this.doneWork += Math.max(0, left) * cell.n * cell.n
    this.cellsDone++
    this.emit(true)
  }

  done(): void {
    this.current = null
    this.emit(true)
  }

  snapshot(): Progress {
    const elapsedMs = performance.now() - this.started
    const fraction = this.totalWork > 0 ? Math.min(1, this.doneWork / this.totalWork) : 1
    return {
      runId: this.runId,
      cellsDone: this.cellsDone,
      cellsTotal: this.cellsTotal,
      fraction,
      current: this.current,
      elapsedMs,
      etaMs: fraction > 0 ? (elapsedMs * (1 - fraction)) / fraction : null,
    }
  }

  private emit(force: boolean): void {
    if (!this.listener) return
    const now = performance.now()
    if (!force && now - this.lastEmit < MIN_INTERVAL_MS) return
    this.lastEmit = now
    this.listener(this.snapshot())
  }
}

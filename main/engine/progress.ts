// Progress of a sweep: cells done, share of the work done (entries × samples), current cell, elapsed and ETA.
import type { Progress, SweepSpec } from '../contract'
import type { PlannedCell, SizePlan } from './plan'

/** At most ten throttled events per second; cell boundaries always get one. */
const MIN_INTERVAL_MS = 100
/** While a long sample runs nothing else happens on the main side: tick so elapsed and ETA stay live. */
const TICK_MS = 250

export class ProgressTracker {
  private readonly started = performance.now()
  private readonly totalWork: number
  private readonly cellsTotal: number
  private readonly stepsDone = new Map<number, number>()
  private doneWork = 0
  private cellsDone = 0
  private current: Progress['current'] = null
  private lastEmit = -Infinity
  private ticker: NodeJS.Timeout | null = null

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

  /** What runs now; throttled, so events always describe the step under way. */
  phase(current: NonNullable<Progress['current']>): void {
    this.current = current
    if (this.listener && !this.ticker) {
      this.ticker = setInterval(() => this.emit(false), TICK_MS)
      this.ticker.unref()
    }
    this.emit(false)
  }

  sampleDone(cell: PlannedCell): void {
    this.stepsDone.set(cell.index, (this.stepsDone.get(cell.index) ?? 0) + 1)
    this.doneWork += cell.n * cell.n
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
    this.stop()
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker)
    this.ticker = null
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

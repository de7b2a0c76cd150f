// Throttled checkpoints of a running sweep, for the service and the CLI: a sweep killed half-way keeps its cells.
import type { Run } from '../../common/contract'

/** Shortest time between two checkpoints: serialising a large run takes main-thread time between cells. */
const CHECKPOINT_INTERVAL_MS = 1000

export class Checkpoints {
  private last = -Infinity
  private skipped: Run | null = null
  private readonly writes: Promise<void>[] = []

  /** `save` must not reject (warn instead); the history store serialises before it returns, keeping call order. */
  constructor(private readonly save: (run: Run) => Promise<void>) {}

  /**
   * The engine's onCell: saves the run so far, at most once per interval; the newest one skipped is kept. Answers
   * the write, which the engine awaits before its next timed sample (no disk write of ours inside one).
   */
  readonly onCell = (partial: Run): Promise<void> | undefined => {
    if (performance.now() - this.last < CHECKPOINT_INTERVAL_MS) {
      this.skipped = partial
      return undefined
    }
    this.last = performance.now()
    this.skipped = null
    const write = this.save(partial)
    this.writes.push(write)
    return write
  }

  /** The newest partial run the throttle held back, or null: worth saving when the engine gives up unexpectedly. */
  get unsaved(): Run | null {
    return this.skipped
  }

  /** Resolves once every checkpoint started so far is written (or has warned). */
  async settled(): Promise<void> {
    await Promise.all(this.writes)
  }
}

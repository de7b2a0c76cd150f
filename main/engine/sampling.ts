// When a cell has enough samples (pure): its median's interval is within the target, or a budget is spent.
import type { StopReason, SweepSpec } from '../../common/contract'
import { CONFIDENCE, median, medianInterval, relativeHalfWidth } from '../../common/stats'
import { roundOrder } from './plan'

export type Budget = Pick<SweepSpec, 'repetitions' | 'target' | 'maxTimeMs' | 'maxSamples'>

/** The count budget: `repetitions` is the minimum and no budget cuts below it. */
export const countBudget = (b: Budget): number => Math.max(b.maxSamples, b.repetitions)

/**
 * Why the cell should stop now, or null to keep sampling. `spentMs` is the time of its timed samples so far.
 * The minimum comes first; then the target (the order-statistic interval of the median, its larger side
 * relative to the median, at most ±target); then the budgets. The target counts only for a real 95% interval,
 * which takes at least 6 samples (below that [min, max] is all there is, with less confidence).
 */
export function stopReason(samplesMs: readonly number[], spentMs: number, b: Budget): StopReason | null {
  const n = samplesMs.length
  if (n < b.repetitions) return null
  const ci = medianInterval(samplesMs)
  if (ci.level >= CONFIDENCE && relativeHalfWidth(median(samplesMs), ci) <= b.target) return 'target'
  if (n >= countBudget(b)) return 'budget-count'
  if (spentMs >= b.maxTimeMs) return 'budget-time'
  return null
}

/**
 * A size's rounds, for our kernels and for command workloads alike: the warm-up rounds, then measuring rounds
 * until no cell is open, each over the open cells in the order roundOrder shuffles; an abort ends them.
 */
export async function sampleRounds(o: {
  cellCount: number
  isOpen: (cell: number) => boolean
  orderSeed: number
  size: number
  warmups: number
  signal?: AbortSignal
  step: (cell: number, kind: 'warmup' | 'measure') => Promise<void>
}): Promise<void> {
  const open = () => Array.from({ length: o.cellCount }, (_, i) => i).filter(o.isOpen)
  let round = 0
  for (; round < o.warmups && open().length > 0 && !o.signal?.aborted; round++) {
    for (const i of roundOrder(open(), o.orderSeed, o.size, round)) {
      if (o.signal?.aborted) break
      if (o.isOpen(i)) await o.step(i, 'warmup')
    }
  }
  for (; open().length > 0 && !o.signal?.aborted; round++) {
    for (const i of roundOrder(open(), o.orderSeed, o.size, round)) {
      if (o.signal?.aborted) break
      if (o.isOpen(i)) await o.step(i, 'measure')
    }
  }
}

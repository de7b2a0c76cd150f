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
 * What a cell's newest sample decides: 'sampling' (short of its minimum or its target), 'met' (its median is known
 * within the target, but it is still sampled while another cell of its size is short of its own: see
 * sampleRounds), or a reason to stop it now: a spent budget, or 'target' when the target is met and a budget is
 * spent too.
 */
export function afterSample(
  samplesMs: readonly number[],
  spentMs: number,
  b: Budget,
): 'sampling' | 'met' | StopReason {
  const why = stopReason(samplesMs, spentMs, b)
  if (why !== 'target') return why ?? 'sampling'
  return samplesMs.length >= countBudget(b) || spentMs >= b.maxTimeMs ? 'target' : 'met'
}

/**
 * A size's rounds, for our kernels and for command workloads alike: the warm-up rounds, then measuring rounds,
 * each over the open cells in the order roundOrder shuffles, until every open cell has met its target (or none is
 * open); an abort ends them. A cell that met its target goes on being sampled while another is short of its own, so
 * all the cells of a size end in the same round and every speedup divides times taken over the same stretch of
 * time: the machine drifts over seconds (a 2-worker cell's median moved from 0.41 to 0.64 ms between stretches
 * of 10 rounds), and a baseline that stopped early was held against cells timed later (one worker read 1.02–1.08×
 * faster than the serial baseline, the same task on the same worker; 0.99–1.00× when timed in the same rounds).
 * The caller closes the cells left open and met once this returns.
 */
export async function sampleRounds(o: {
  cellCount: number
  isOpen: (cell: number) => boolean
  /** The cell met its target (afterSample said 'met'), as of its latest sample. */
  isMet: (cell: number) => boolean
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
  for (; !open().every(o.isMet) && !o.signal?.aborted; round++) {
    for (const i of roundOrder(open(), o.orderSeed, o.size, round)) {
      if (o.signal?.aborted) break
      if (o.isOpen(i)) await o.step(i, 'measure')
    }
  }
}

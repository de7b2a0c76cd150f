// Where a sample's wall time goes: copying rows (transfer), the busiest worker's kernel time, the reduce, and the
// rest (dispatch, messaging and queueing). Pure: the sample measures the parts, this splits and picks.
import type { Breakdown } from '../../common/contract'

/** What one sample measured besides its wall time. */
export interface SampleParts {
  wallMs: number
  /** Copies of rows (and centroids) made on the main side: transfer 'copy' only, else 0. */
  transferMs: number
  /** Kernel time of the worker that spent the most in kernels during the sample (the critical path's kernels). */
  kernelMs: number
  /** Adding up the tasks' values after the last reply. */
  reduceMs: number
}

/** The busiest worker's kernel time: per worker (by its id), the sum of its tasks' kernel times; the largest. */
export function busiestKernelMs(replies: readonly { worker?: string; kernelMs: number }[]): number {
  const perWorker = new Map<string, number>()
  replies.forEach((r, i) => {
    const id = r.worker ?? `task-${i}`
    perWorker.set(id, (perWorker.get(id) ?? 0) + r.kernelMs)
  })
  let most = 0
  for (const v of perWorker.values()) most = Math.max(most, v)
  return most
}

/**
 * The parts of one sample that timed a batch of runs (a run too short for the clock is timed several at a time):
 * the sample's wall time is the batch's time per run, and each part is its mean over the runs.
 */
export function batchParts(runs: readonly SampleParts[], sampleMs: number): SampleParts {
  const mean = (part: (p: SampleParts) => number) => runs.reduce((sum, r) => sum + part(r), 0) / runs.length
  return {
    wallMs: sampleMs,
    transferMs: mean((r) => r.transferMs),
    kernelMs: mean((r) => r.kernelMs),
    reduceMs: mean((r) => r.reduceMs),
  }
}

/** One sample's parts, with dispatch + queueing as what is left of the wall time (never below 0). */
export function splitSample(p: SampleParts): Breakdown {
  const dispatchMs = Math.max(0, p.wallMs - p.transferMs - p.kernelMs - p.reduceMs)
  return {
    wallMs: p.wallMs,
    dispatchMs,
    transferMs: p.transferMs,
    kernelMs: p.kernelMs,
    reduceMs: p.reduceMs,
  }
}

/**
 * The breakdown of the cell's median sample (the lower median by wall time), not medians of each part: the parts
 * of one real sample add up to its wall time, where separate medians would not.
 */
export function cellBreakdown(samples: readonly SampleParts[]): Breakdown | null {
  if (samples.length === 0) return null
  const sorted = [...samples].sort((a, b) => a.wallMs - b.wallMs)
  return splitSample(sorted[Math.ceil(sorted.length / 2) - 1])
}

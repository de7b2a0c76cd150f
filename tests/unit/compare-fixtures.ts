// Runs for the comparison tests: a real engine run whose chosen cells are scaled by a known factor, their
// statistics recomputed with the engine's own functions, so the "candidate" is a run the engine could write.
import { RunSchema, type Cell, type Run } from '../../common/contract'
import { karpFlatt, summarize } from '../../common/stats'

/** The run with the samples of the picked cells multiplied by factor; stats, speedup and efficiency redone. */
export function scaleCells(run: Run, factor: number, pick: (cell: Cell) => boolean, id: string): Run {
  const scaled = run.cells.map((c) => {
    if (!pick(c)) return c
    return {
      ...c,
      samplesMs: c.samplesMs.map((ms) => ms * factor),
      kernelMs: c.kernelMs.map((ms) => ms * factor),
    }
  })
  const serialMedian = new Map(
    scaled.filter((c) => c.serial && c.samplesMs.length > 0).map((c) => [c.n, summarize(c.samplesMs).median]),
  )
  const cells = scaled.map((c): Cell => {
    const stats = c.samplesMs.length > 0 ? summarize(c.samplesMs) : null
    const serial = serialMedian.get(c.n)
    const speedup =
      !c.serial && c.status === 'ok' && stats !== null && serial !== undefined ? serial / stats.median : null
    return {
      ...c,
      stats,
      speedup,
      efficiency: speedup === null ? null : speedup / c.pool,
      karpFlatt: speedup === null ? null : karpFlatt(speedup, c.pool),
    }
  })
  return RunSchema.parse({ ...run, id, name: `${run.name} ×${factor}`, cells })
}

/** The widest max/min ratio of any measured cell: a factor beyond it cannot be mistaken for noise. */
export function widestSpread(run: Run): number {
  let widest = 1
  for (const c of run.cells) {
    if (c.samplesMs.length === 0) continue
    const lo = Math.min(...c.samplesMs)
    if (lo > 0) widest = Math.max(widest, Math.max(...c.samplesMs) / lo)
  }
  return widest
}

// Runs for the comparison tests: a real engine run whose chosen cells are scaled by a known factor, their
// statistics recomputed with the engine's own functions, so the "candidate" is a run the engine could write.
import { RunSchema, type Cell, type Run } from '../../common/contract'
import { karpFlatt, karpFlattInterval, summarize } from '../../common/stats'
import { judgeSpeed } from '../../main/engine/speed'

/**
 * The run with the samples of the picked cells multiplied by factor; stats, base, speedup, efficiency, Karp–Flatt
 * and their intervals redone (an import holds them against the samples).
 */
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
  /** Whether a size's serial cell was scaled: its base then moves by the factor too. */
  const serialScaled = new Set(run.cells.filter((c) => c.serial && pick(c)).map((c) => c.n))
  const cells = scaled.map((c, i): Cell => {
    const stats = c.samplesMs.length > 0 ? summarize(c.samplesMs) : null
    const serial = serialMedian.get(c.n)
    const speedup =
      stats !== null && serial !== undefined && run.cells[i].speedup !== null ? serial / stats.median : null
    // Every bootstrap replicate of base ÷ cell moves by the same ratio as the samples did (the resampling is
    // seeded alike), so the engine's interval for the scaled run is the old one times that ratio.
    const ratio = (serialScaled.has(c.n) ? factor : 1) / (pick(run.cells[i]) ? factor : 1)
    const old = run.cells[i].speedupCi
    const speedupCi = old && speedup !== null ? { low: old.low * ratio, high: old.high * ratio } : null
    return {
      ...c,
      stats,
      baseMs: serial ?? null,
      speedup,
      speedupCi,
      efficiency: speedup === null ? null : speedup / c.pool,
      efficiencyCi: speedupCi ? { low: speedupCi.low / c.pool, high: speedupCi.high / c.pool } : null,
      karpFlatt: speedup === null ? null : karpFlatt(speedup, c.pool),
      karpFlattCi: speedupCi ? karpFlattInterval(speedupCi, c.pool) : null,
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

/**
 * The run as if the machine itself had run `factor` times as long: every reference check the engine took (the
 * run's and each cell's) scaled, then judged again by the engine's own rule. Scaled with its samples, a cell's
 * change is then the machine's.
 */
export function scaleChecks(run: Run, factor: number, cores: number): Run {
  const scale = <T extends { computeMs: number; memoryMs: number }>(c: T): T => ({
    ...c,
    computeMs: c.computeMs * factor,
    memoryMs: c.memoryMs * factor,
  })
  const checked: Run = {
    ...run,
    cells: run.cells.map((c) => (c.speedCheck ? { ...c, speedCheck: scale(c.speedCheck) } : c)),
    speed: run.speed && { ...run.speed, checks: run.speed.checks.map(scale) },
  }
  return RunSchema.parse(judgeSpeed(checked, [], cores))
}

// From measured samples to reported figures (pure): per cell the median and its interval, speedup, efficiency and
// Karp–Flatt with bootstrap intervals, flags; per N and chunk setting the Amdahl fit when there are enough points.
import type { AmdahlFit, Cell, ChunkRows, Interval, Stats } from '../../common/contract'
import { fittable, MIN_FIT_POOLS } from '../../common/fits'
import { cellFlags } from './flags'
import {
  bootstrapMedians,
  CONFIDENCE,
  groupedBootstrapMedians,
  intervalAround,
  karpFlatt,
  karpFlattInterval,
  median,
  mixSeed,
  processGroups,
  processesLevel,
  RESAMPLES,
  relativeHalfWidth,
  ratioReplicates,
  serialFraction,
  speedupRmse,
  summarize,
} from '../../common/stats'

/** The figures analyzeCells derives; everything else in a Cell is what the runner measured and recorded. */
type Derived =
  | 'stats'
  | 'speedup'
  | 'efficiency'
  | 'karpFlatt'
  | 'baseMs'
  | 'speedupCi'
  | 'efficiencyCi'
  | 'karpFlattCi'
  | 'flags'
export type MeasuredCell = Omit<Cell, Derived> & Partial<Pick<Cell, Derived>>

export interface AnalysisContext {
  /** The run's seed: every bootstrap is seeded from it and the cell, so the same run gives the same intervals. */
  seed: number
  logicalCores: number
  /** The run's precision target (0 = none), quoted by the unstable flag. */
  targetRelSpread: number
  /** Warm-up runs before each cell's first timed sample (protocol.warmups, else spec.warmups). */
  warmups: number
  /** spec.transfer: what a superlinear flag suspects first (engine/flags.ts). */
  transfer?: 'shared' | 'copy'
  /**
   * Bootstrap resamples per cell (default RESAMPLES). 0 skips the bootstrap: no speedup intervals and no fits,
   * for the cheap checkpoints taken while a size is still being measured.
   */
  resamples?: number
}

const chunkCode = (c: ChunkRows) => (c === 'auto' ? 0 : c + 1)

/** A cell's bootstrap seed: the run seed mixed with what identifies the cell (not its position in the list). */
export function cellSeed(seed: number, cell: Pick<Cell, 'n' | 'pool' | 'chunkSpec' | 'serial'>): number {
  return mixSeed(seed, cell.n, cell.pool, chunkCode(cell.chunkSpec), cell.serial ? 1 : 0)
}

/** A cell whose samples count: measured, not failed (a cancelled cell with samples is partial, still drawn). */
const hasSamples = (c: MeasuredCell) => c.status !== 'failed' && c.samplesMs.length > 0

/**
 * Every derived figure of the given cells (any sizes, any order; output in input order) and the Amdahl fits.
 * Speedup S = base median / cell median, where the base case is the serial cell of the same N. Its interval is
 * the percentile bootstrap of that ratio, resampling the base's and the cell's samples independently (see
 * ratioReplicates for why not paired rounds); efficiency is S/p with S's interval divided by p.
 */
export function analyzeCells(
  cells: readonly MeasuredCell[],
  ctx: AnalysisContext,
): { cells: Cell[]; fits: AmdahlFit[] } {
  const resamples = ctx.resamples ?? RESAMPLES
  const replicates = new Map<MeasuredCell, Float64Array>()
  const resampled = (c: MeasuredCell) => {
    let r = replicates.get(c)
    if (!r) {
      const groups = processGroups(c.samplesMs, c.processSamples)
      const seed = cellSeed(ctx.seed, c)
      r = groups
        ? groupedBootstrapMedians(groups, seed, resamples)
        : bootstrapMedians(c.samplesMs, seed, resamples)
      replicates.set(c, r)
    }
    return r
  }
  /**
   * A cell's summary. Measured in several processes, its median's interval is the two-level bootstrap's (over
   * processes, then samples): the order-statistic interval of the pooled samples would treat them as one process.
   */
  const summaryOf = (c: MeasuredCell): Stats | null => {
    if (c.samplesMs.length === 0) return null
    const stats = summarize(c.samplesMs)
    const groups = processGroups(c.samplesMs, c.processSamples)
    if (resamples === 0 || !groups) return stats
    const ci = intervalAround(stats.median, resampled(c))
    return {
      ...stats,
      ci95Low: ci.low,
      ci95High: ci.high,
      // A bootstrap of very few units does not reach its nominal level: claim no more than the order statistics
      // of all the samples could (2 samples: 50%), nor than the range of the processes' medians (2 processes: 50%).
      ciLevel: Math.min(CONFIDENCE, stats.ciLevel, processesLevel(groups.length)),
      relSpread: relativeHalfWidth(stats.median, ci),
    }
  }
  const bases = new Map<number, MeasuredCell>()
  for (const c of cells) if (c.serial && hasSamples(c)) bases.set(c.n, c)

  const speedupReplicates = new Map<Cell, Float64Array>()
  const out = cells.map((c): Cell => {
    const stats = summaryOf(c)
    const base = bases.get(c.n)
    let speedup: number | null = null
    let speedupCi: Interval | null = null
    let replicateRatios: Float64Array | null = null
    if (base && hasSamples(c) && stats && stats.median > 0) {
      const baseMedian = median(base.samplesMs)
      speedup = baseMedian / stats.median
      // The base against itself is 1 exactly, not a bootstrap of two independent resamples of one sample.
      if (c === base) speedupCi = { low: 1, high: 1 }
      // One sample on either side has no spread to resample: a point "interval" would read as exact.
      else if (resamples > 0 && base.samplesMs.length > 1 && c.samplesMs.length > 1) {
        replicateRatios = ratioReplicates(resampled(base), resampled(c))
        speedupCi = intervalAround(speedup, replicateRatios)
      }
    }
    const cell: Cell = {
      ...c,
      stats,
      baseMs: base ? median(base.samplesMs) : null,
      speedup,
      speedupCi,
      efficiency: speedup !== null ? speedup / c.pool : null,
      efficiencyCi: speedupCi ? { low: speedupCi.low / c.pool, high: speedupCi.high / c.pool } : null,
      karpFlatt: speedup !== null ? karpFlatt(speedup, c.pool) : null,
      karpFlattCi: speedupCi ? karpFlattInterval(speedupCi, c.pool) : null,
      flags: [],
    }
    cell.flags = cellFlags(cell, ctx)
    if (replicateRatios) speedupReplicates.set(cell, replicateRatios)
    return cell
  })
  return { cells: out, fits: fitAll(out, speedupReplicates, ctx.logicalCores) }
}

/**
 * One Amdahl fit per N and chunk setting, on exactly the points a chart draws for that setting, restricted to
 * pool sizes within the logical cores (Amdahl's law says nothing about workers taking turns on a core). Needs
 * two pool sizes above 1: one point always fits exactly and says nothing about the law. f's interval is the fit
 * repeated on every bootstrap resample; the speedup limit 1/f is given only when that interval excludes 0.
 */
function fitAll(cells: readonly Cell[], replicates: Map<Cell, Float64Array>, cores: number): AmdahlFit[] {
  const groups = new Map<string, Cell[]>()
  for (const c of cells) {
    if (!fittable(c, cores) || !replicates.has(c)) continue
    const key = `${c.n}|${c.chunkSpec}`
    groups.set(key, [...(groups.get(key) ?? []), c])
  }
  const fits: AmdahlFit[] = []
  for (const group of groups.values()) {
    const points = group.map((c) => ({ pool: c.pool, speedup: c.speedup as number }))
    if (new Set(points.filter((p) => p.pool > 1).map((p) => p.pool)).size < MIN_FIT_POOLS) continue
    const f = serialFraction(points)
    if (f === null) continue
    const resamples = replicates.get(group[0])?.length ?? 0
    const fs: number[] = []
    for (let b = 0; b < resamples; b++) {
      const fb = serialFraction(
        group.map((c) => ({ pool: c.pool, speedup: (replicates.get(c) as Float64Array)[b] })),
      )
      if (fb !== null) fs.push(fb)
    }
    const ci = intervalAround(f, fs)
    fits.push({
      n: group[0].n,
      chunkSpec: group[0].chunkSpec,
      serialFraction: f,
      serialFractionCi: ci,
      rmse: speedupRmse(f, points),
      pools: [...new Set(points.map((p) => p.pool))].sort((a, b) => a - b),
      points: points.length,
      speedupLimit: ci.low > 0 ? 1 / f : null,
    })
  }
  return fits.sort((a, b) => a.n - b.n || chunkCode(a.chunkSpec) - chunkCode(b.chunkSpec))
}

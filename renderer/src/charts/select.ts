// Which cells of which runs a chart plots, and how overlaid runs are named: the shared data logic of every chart.
import type { Cell, Run } from '../../../common/contract'
import { chunkUsed } from '../../../common/cell-text'

/** How a run's parallel cell for one (N, pool) was chosen when several chunk sizes were measured. */
export type ChunkBasis = 'single' | 'auto' | 'best'

export function chunkBasis(run: Run): ChunkBasis {
  if (run.spec.chunkRows.length <= 1) return 'single'
  return run.spec.chunkRows.includes('auto') ? 'auto' : 'best'
}

/**
 * Words for the legend and subtitle, e.g. "auto chunks" or "best chunk per pool"; null for a program that never saw
 * the rows per task (no {chunk} in its command: chunkUsed), whose charts say nothing of chunks.
 */
export function chunkBasisLabel(run: Run): string | null {
  if (!chunkUsed(run.spec)) return null
  const basis = chunkBasis(run)
  if (basis === 'auto') return 'auto chunks'
  if (basis === 'best') return 'best chunk per pool'
  const only = run.spec.chunkRows[0]
  return only === 'auto' ? 'auto chunks' : `${only}-row chunks`
}

/**
 * Only measured cells are plotted: a failed one has no trustworthy time; a cancelled one with samples kept is
 * partial, drawn with its flag (its interval says how little it stands on).
 */
export function isPlottable(cell: Cell): cell is Cell & { stats: NonNullable<Cell['stats']> } {
  return cell.status !== 'failed' && cell.samplesMs.length > 0 && cell.stats !== null && cell.stats.median > 0
}

export type PlottableCell = Cell & { stats: NonNullable<Cell['stats']> }

/** A cell carrying any plausibility flag: drawn with the warning marker, its flags listed in the tooltip. */
export const isFlagged = (cell: Cell): boolean => cell.flags.length > 0

/** Tooltip rows, one per flag: the word and what it means for this cell. */
export function flagRows(cell: Cell): [string, string][] {
  return cell.flags.map((f) => [f.kind, f.note])
}

export function serialCells(run: Run): PlottableCell[] {
  return run.cells.filter((c) => c.serial && isPlottable(c)).sort((a, b) => a.n - b.n) as PlottableCell[]
}

/**
 * One parallel cell per (N, pool): the 'auto' chunk cell when the run measured it, else the fastest chunk size.
 * Sorted by N, then pool.
 */
export function representativeCells(run: Run): PlottableCell[] {
  const basis = chunkBasis(run)
  const byPoint = new Map<string, PlottableCell>()
  for (const cell of run.cells) {
    if (cell.serial || !isPlottable(cell)) continue
    if (basis === 'auto' && cell.chunkSpec !== 'auto') continue
    const key = `${cell.n}:${cell.pool}`
    const seen = byPoint.get(key)
    if (!seen || cell.stats.median < seen.stats.median) byPoint.set(key, cell)
  }
  return [...byPoint.values()].sort((a, b) => a.n - b.n || a.pool - b.pool)
}

/** Every plottable parallel cell, for the chunk-size chart. */
export function parallelCells(run: Run): PlottableCell[] {
  return run.cells.filter((c) => !c.serial && isPlottable(c)) as PlottableCell[]
}

export function uniqueSorted(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b)
}

/** Pool sizes over all runs: the index is the pool's colour, the same in every chart. */
export function allPools(runs: Run[]): number[] {
  return uniqueSorted(runs.flatMap((r) => r.cells.filter((c) => !c.serial).map((c) => c.pool)))
}

export function allSizes(runs: Run[]): number[] {
  return uniqueSorted(runs.flatMap((r) => r.cells.map((c) => c.n)))
}

/**
 * A size's colour index within its own run: the run's hue family has a few shades, and an index over every
 * overlaid run's sizes (200, 800, 2000 beside 100, 500, 1000) wrapped two sizes of one run onto one shade.
 */
export function sizeShade(run: Run, n: number): number {
  return allSizes([run]).indexOf(n)
}

/** Longest run label on a chart: legends, axis labels and tooltips stay readable beside long run names. */
export const RUN_LABEL_MAX = 24

/** A name cut to RUN_LABEL_MAX characters, the cut marked with an ellipsis. */
export function shortLabel(name: string): string {
  return name.length <= RUN_LABEL_MAX ? name : `${name.slice(0, RUN_LABEL_MAX - 1).trimEnd()}…`
}

/** A distinct label per run: its name (or id), shortened, numbered when two runs share a label. */
export function runLabels(runs: Run[]): string[] {
  const base = runs.map((r) => shortLabel(r.name.trim() || r.id))
  const counts = new Map<string, number>()
  for (const b of base) counts.set(b, (counts.get(b) ?? 0) + 1)
  const seen = new Map<string, number>()
  return base.map((b) => {
    if ((counts.get(b) ?? 0) < 2) return b
    const k = (seen.get(b) ?? 0) + 1
    seen.set(b, k)
    return `${b} #${k}`
  })
}

/** The letter an overlaid run goes by on every chart (A, B, …): the run key above the charts names each. */
export function runTag(runIndex: number): string {
  return String.fromCharCode(65 + (runIndex % 26))
}

/** Series names carry the run's label only when several runs are overlaid. */
export function seriesNamer(runs: Run[]): (runIndex: number, name: string) => string {
  const labels = runLabels(runs)
  return (runIndex, name) => (runs.length > 1 ? `${labels[runIndex]} · ${name}` : name)
}

/** Samples measured for a cell (the n of its statistics). */
export function sampleCount(cell: Cell): number {
  return cell.samplesMs.length
}

// The compare view's rows: an A/B comparison (common/compare) worded as the table shows it. Pure.
import {
  cellKey,
  COMPARE_CONFIDENCE,
  flagsText,
  signedChange,
  type RatioInterval,
  type RunComparison,
  type Verdict,
} from '../../../common/compare'
import { cellUnits } from '../../../common/ceilings'
import { chunkLabel, levelSuffix } from '../../../common/cell-text'
import type { Run } from '../../../common/contract'
import { formatMs, formatSize, formatSpeedup } from './format'

export interface CompareRow {
  key: string
  n: string
  pool: string
  chunk: string
  baseline: string
  candidate: string
  /** "−48.2 %" and its interval "−51.0 % … −45.1 %". */
  timeChange: string
  timeInterval: string
  speedups: string
  speedupChange: string
  speedupInterval: string
  /**
   * Each side's median as a share of its own machine's probe ceiling for that pool size, "41 % → 87 %": the
   * machine-normalised throughput that compares across machines; '—' on a side without a probe.
   */
  ceilingShares: string
  verdict: Verdict
  /** The machine's own change from A to B in this cell ("−21 %"), '—' without checks on both sides. */
  machine: string
  /** The verdict lies within the machine's own change (common/compare: withinMachine). */
  withinMachine: boolean
  /** Either side's flags, "A: unstable · B: busy-machine" ('' when none): a flagged cell's verdict may not hold. */
  flags: string
}

/** Whether either run carries its machine's probe: only then does the table show the shares of ceiling. */
export const hasCeilings = (runs: readonly Run[]): boolean => runs.some((r) => !!r.machine.ceilings)

function shareOfCeiling(run: Run | undefined, key: string): string {
  const cell = run?.cells.find((c) => cellKey(c) === key)
  if (!run || !cell) return '—'
  const { ofCeiling, ceiling } = cellUnits(cell, run.spec.workload, run.spec.centroids, run.machine.ceilings)
  if (ofCeiling === null) return '—'
  // A matrix that stays in a cache is held against that cache: the level says which.
  return `${(ofCeiling * 100).toFixed(0)} %${ceiling === 'memory' || ceiling === 'compute' ? '' : ` ${ceiling}`}`
}

/** A ratio as a signed change in percent: 0.52 → "−48 %", 1.031 → "+3.1 %". */
export function formatChange(ratio: number): string {
  return Number.isFinite(ratio) ? signedChange(ratio, ' %') : '—'
}

/** An interval, with the level it reaches where that is below 95% (a median of few samples behind it). */
const interval = (r: RatioInterval | null, level: number): string =>
  r === null
    ? ''
    : `${formatChange(r.low)} … ${formatChange(r.high)}${levelSuffix(level < COMPARE_CONFIDENCE ? level : null)}`

export function compareRows(cmp: RunComparison, runs?: { baseline: Run; candidate: Run }): CompareRow[] {
  return cmp.cells.map((c) => ({
    key: `${c.n}/${c.serial ? 'serial' : `${c.pool}/${c.chunkSpec}`}`,
    n: formatSize(c.n),
    pool: c.serial ? 'serial' : String(c.pool),
    // As the run's own table: "1 (16 asked)" where N was smaller, "—" for a program without {chunk}.
    chunk: chunkLabel(c, cmp.chunksUsed),
    baseline: formatMs(c.baseline.medianMs),
    candidate: formatMs(c.candidate.medianMs),
    timeChange: formatChange(c.time.ratio),
    timeInterval: interval(c.time, c.level),
    speedups: c.serial ? '—' : `${formatSpeedup(c.baseline.speedup)} → ${formatSpeedup(c.candidate.speedup)}`,
    speedupChange: c.speedup === null ? '—' : formatChange(c.speedup.ratio),
    speedupInterval: interval(c.speedup, c.level),
    ceilingShares: `${shareOfCeiling(runs?.baseline, cellKey(c))} → ${shareOfCeiling(runs?.candidate, cellKey(c))}`,
    verdict: c.verdict,
    machine: c.machine === null ? '—' : formatChange(c.machine),
    withinMachine: c.withinMachine,
    flags: flagsText(c),
  }))
}

/** "3 faster, 1 slower, 8 no change": the verdicts counted, the rare ones only when present. */
export function verdictSummary(cmp: RunComparison): string {
  const k = cmp.counts
  const parts = [`${k.faster} faster`, `${k.slower} slower`, `${k['no change']} no change`]
  if (k['too few samples'] > 0) parts.push(`${k['too few samples']} with too few samples`)
  return parts.join(', ')
}

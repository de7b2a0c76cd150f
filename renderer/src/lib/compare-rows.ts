// The compare view's rows: an A/B comparison (common/compare) worded as the table shows it. Pure.
import type { RatioInterval, RunComparison, Verdict } from '../../../common/compare'
import { formatMs, formatSpeedup } from './format'

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
  verdict: Verdict
}

/** A ratio as a signed change in percent: 0.52 → "−48 %", 1.031 → "+3.1 %". */
export function formatChange(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—'
  const change = (ratio - 1) * 100
  const digits = Math.abs(change) < 10 ? 1 : 0
  const text = Math.abs(change).toFixed(digits)
  return `${change < 0 && Number(text) !== 0 ? '−' : '+'}${text} %`
}

const interval = (r: RatioInterval | null): string =>
  r === null ? '' : `${formatChange(r.low)} … ${formatChange(r.high)}`

export function compareRows(cmp: RunComparison): CompareRow[] {
  return cmp.cells.map((c) => ({
    key: `${c.n}/${c.serial ? 'serial' : `${c.pool}/${c.chunkSpec}`}`,
    n: c.n.toLocaleString('en-US'),
    pool: c.serial ? 'serial' : String(c.pool),
    chunk: c.serial ? 'all' : String(c.chunkSpec),
    baseline: formatMs(c.baseline.medianMs),
    candidate: formatMs(c.candidate.medianMs),
    timeChange: formatChange(c.time.ratio),
    timeInterval: interval(c.time),
    speedups: c.serial ? '—' : `${formatSpeedup(c.baseline.speedup)} → ${formatSpeedup(c.candidate.speedup)}`,
    speedupChange: c.speedup === null ? '—' : formatChange(c.speedup.ratio),
    speedupInterval: interval(c.speedup),
    verdict: c.verdict,
  }))
}

/** "3 faster, 1 slower, 8 no change": the verdicts counted, the rare ones only when present. */
export function verdictSummary(cmp: RunComparison): string {
  const k = cmp.counts
  const parts = [`${k.faster} faster`, `${k.slower} slower`, `${k['no change']} no change`]
  if (k['too few samples'] > 0) parts.push(`${k['too few samples']} with too few samples`)
  return parts.join(', ')
}

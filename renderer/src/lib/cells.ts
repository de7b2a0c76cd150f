// Pure rows of the run-details table: one per cell, serial baseline first within each N.
import { ratioText } from '../../../common/ratio-text'
import type { Cell, CellFlag, Run } from '../../../common/contract'
import {
  chunkLabel,
  chunkUsed,
  fitLevel,
  levelPercent,
  levelSuffix,
  ratioLevel,
} from '../../../common/cell-text'
import { noFitReason, noLimitReason } from '../../../common/fits'
import { formatMsInterval, formatPercent, formatSpeedup } from './format'

export interface CellRow {
  key: string
  n: number
  pool: string
  chunk: string
  tasks: number
  /** How many samples, and "×b" when each sample timed a batch of b runs (as the CLI prints it). */
  samples: string
  /** Median with its distribution-free 95% interval: "12.3 [12.1–12.6] ms". */
  time: string
  /** Speedup with its bootstrap interval: "1.82× [1.75–1.90]"; "base" for the base case itself. */
  speedup: string
  efficiency: string
  status: Cell['status']
  flags: CellFlag[]
  /** Why the cell failed, or how confident the median's interval is when short of 95%. */
  note: string
}

const order = (a: Cell, b: Cell): number =>
  a.n - b.n ||
  Number(b.serial) - Number(a.serial) ||
  a.pool - b.pool ||
  (a.chunkSpec === 'auto' ? -1 : 0) - (b.chunkSpec === 'auto' ? -1 : 0) ||
  a.chunkRows - b.chunkRows

/** A failed cell's figures are not to be read; a cancelled one with samples is partial and shows them, flagged. */
const readable = (c: Cell) => (c.status !== 'failed' ? c.stats : null)

/** Speedup with its bootstrap interval, "1.82× [1.75–1.90]"; "base" for the base case; '—' where there is none. */
export function speedupText(c: Cell, level: number | null = null): string {
  if (!readable(c) || c.speedup === null) return '—'
  if (c.serial) return 'base'
  return c.speedupCi
    ? `${formatSpeedup(c.speedup)} [${ratioText(c.speedupCi.low)}–${ratioText(c.speedupCi.high)}]${levelSuffix(level)}`
    : formatSpeedup(c.speedup)
}

/** Efficiency with its interval, "91 % [87 %–95 %]"; '—' for the base case and where there is none. */
export function efficiencyText(c: Cell, level: number | null = null): string {
  if (!readable(c) || c.serial || c.efficiency === null) return '—'
  return c.efficiencyCi
    ? `${formatPercent(c.efficiency)} [${formatPercent(c.efficiencyCi.low)}–${formatPercent(c.efficiencyCi.high)}]${levelSuffix(level)}`
    : formatPercent(c.efficiency)
}

export function cellRows(run: Run): CellRow[] {
  const used = chunkUsed(run.spec)
  return [...run.cells].sort(order).map((c, i) => {
    const s = readable(c)
    const shortOfLevel = s && c.samplesMs.length > 1 && s.ciLevel < 0.95
    return {
      key: `${c.n}-${c.serial ? 's' : c.pool}-${c.chunkSpec}-${i}`,
      n: c.n,
      pool: c.serial ? 'serial' : String(c.pool),
      // As the CLI's table and the exports say it: "all", "64 (auto)", "64".
      chunk: chunkLabel(c, used),
      tasks: c.tasks,
      samples: (c.batch ?? 1) > 1 ? `${c.samplesMs.length} ×${c.batch}` : String(c.samplesMs.length),
      time: s ? formatMsInterval(s.median, s.ci95Low, s.ci95High) : '—',
      // Below 95% where a median behind it has fewer than 6 samples, said as the median's own level is.
      speedup: speedupText(c, ratioLevel(c, run.cells)),
      efficiency: efficiencyText(c, ratioLevel(c, run.cells)),
      status: c.status,
      flags: c.flags,
      note:
        c.error ??
        (shortOfLevel
          ? `${c.samplesMs.length} samples: the interval is min–max, ${levelPercent(s.ciLevel)} confidence`
          : (c.batch ?? 1) > 1
            ? `each sample timed ${c.batch} runs back to back (one run is under 1000 timer steps); times are per run`
            : ''),
    }
  })
}

/**
 * One line per N and chunk setting: the Amdahl fit with f's interval and residual, the limit 1/f only when f's
 * interval excludes 0, or why there is no fit.
 */
/** "N=300", "N=300 and 1000", "N=100…2000 (20 sizes)". */
function sizesText(sizes: readonly number[]): string {
  if (sizes.length === 1) return `N=${sizes[0]}`
  if (sizes.length === 2) return `N=${sizes[0]} and ${sizes[1]}`
  return `N=${sizes[0]}…${sizes[sizes.length - 1]} (${sizes.length} sizes)`
}

export function fitLines(run: Run): string[] {
  const seen = new Set<string>()
  const used = chunkUsed(run.spec)
  /** A fit's line, or sizes that could not be fitted for one chunk setting and one reason (a line for them all). */
  type Unfitted = { chunks: string; reason: string; sizes: number[] }
  const lines: (string | Unfitted)[] = []
  const unfitted = new Map<string, Unfitted>()
  for (const c of [...run.cells].sort(order)) {
    const key = `${c.n}|${c.chunkSpec}`
    if (c.serial || seen.has(key)) continue
    seen.add(key)
    // A program that never saw the rows per task (chunkUsed) is fitted per N alone, and said so. A setting above N
    // names the rows its cells took, as the cells table does ("1 (16 asked)"), not the 16 no task had.
    const chunks = !used
      ? ''
      : c.chunkSpec === 'auto'
        ? 'auto chunks'
        : `${c.chunkRows}-row chunks${c.chunkRows === c.chunkSpec ? '' : ` (${c.chunkSpec} asked)`}`
    const where = chunks ? `N=${c.n}, ${chunks}` : `N=${c.n}`
    const fit = run.fits.find((f) => f.n === c.n && f.chunkSpec === c.chunkSpec)
    if (!fit) {
      const reason = noFitReason(run.cells, c.n, c.chunkSpec, run.machine.logicalCores)
      const group = unfitted.get(`${chunks}|${reason}`)
      if (group) group.sizes.push(c.n)
      else {
        // In the list where its first size is; the line is written once every size is in.
        const fresh = { chunks, reason, sizes: [c.n] }
        unfitted.set(`${chunks}|${reason}`, fresh)
        lines.push(fresh)
      }
      continue
    }
    const ci = fit.serialFractionCi
    const limit =
      fit.speedupLimit === null
        ? `no limit can be read (${noLimitReason(fit)})`
        : `limit ${fit.speedupLimit.toFixed(1)}×`
    lines.push(
      `${where}: serial fraction f = ${formatPercent(fit.serialFraction, 1)} [${formatPercent(ci.low, 1)}–${formatPercent(ci.high, 1)}]${levelSuffix(fitLevel(fit, run.cells))}, ` +
        `residual ${fit.rmse.toFixed(3)} (speedup), ${limit}; pools ${fit.pools.join(', ')}`,
    )
  }
  return lines.map((line) =>
    typeof line === 'string'
      ? line
      : `${sizesText(line.sizes)}${line.chunks ? `, ${line.chunks}` : ''}: ${line.reason}`,
  )
}

/**
 * A figure, its interval and the interval's level as pieces ("0.00012×", "[0.00012–0.00013]", "(93%)"), so a line
 * may break between them: in a narrow card (1280×800) a program's "0.0062 % [0.0061 %–0.0067 %] (93%)" ran the
 * table past the card's edge, its flags out of sight; its intervals now go under their figures instead.
 */
export function atInterval(text: string): string[] {
  const open = text.indexOf(' [')
  if (open < 0) return [text]
  const close = text.indexOf('] (', open)
  const tail = close < 0 ? [text.slice(open + 1)] : [text.slice(open + 1, close + 1), text.slice(close + 2)]
  return [text.slice(0, open), ...tail]
}

/**
 * Rows per task as pieces, the rows and what the setting was ("1", "(16 asked)"; "500", "(auto)"), so a narrow
 * table breaks between them, never inside the brackets ("1 (16" over "asked)").
 */
export function chunkPieces(text: string): string[] {
  const open = text.indexOf(' (')
  return open < 0 ? [text] : [text.slice(0, open), text.slice(open + 1)]
}

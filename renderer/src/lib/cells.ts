// Pure rows of the run-details table: one per cell, serial baseline first within each N.
import type { Cell, Run } from '../../../common/contract'
import { formatMs, formatMsSpread, formatPercent, formatSpeedup } from './format'

export interface CellRow {
  key: string
  n: number
  pool: string
  chunk: string
  tasks: number
  time: string
  speedup: string
  efficiency: string
  status: Cell['status']
  noisy: boolean
  /** Why the cell failed, or a note on its spread. */
  note: string
}

const order = (a: Cell, b: Cell): number =>
  a.n - b.n ||
  Number(b.serial) - Number(a.serial) ||
  a.pool - b.pool ||
  (a.chunkSpec === 'auto' ? -1 : 0) - (b.chunkSpec === 'auto' ? -1 : 0) ||
  a.chunkRows - b.chunkRows

export function cellRows(run: Run): CellRow[] {
  return [...run.cells].sort(order).map((c, i) => {
    // Only a finished cell has figures to compare: a cancelled or failed one shows dashes, its baseline too.
    const ok = c.status === 'ok'
    const s = ok ? c.stats : null
    const spread = s ? (s.ci95High - s.ci95Low) / 2 : null
    return {
      key: `${c.n}-${c.serial ? 's' : c.pool}-${c.chunkSpec}-${i}`,
      n: c.n,
      pool: c.serial ? 'serial' : String(c.pool),
      chunk: c.serial ? 'whole' : c.chunkSpec === 'auto' ? `auto (${c.chunkRows})` : String(c.chunkRows),
      tasks: c.tasks,
      time: s ? formatMsSpread(s.median, spread) : '—',
      // The baseline is 1× by definition.
      speedup: !ok ? '—' : c.serial ? '1.00×' : formatSpeedup(c.speedup),
      efficiency: !ok || c.serial ? '—' : formatPercent(c.efficiency),
      status: c.status,
      noisy: s?.noisy ?? false,
      note:
        c.error ??
        (s?.noisy
          ? `spread ±${formatPercent(s.relSpread, 1)}${s.outliers.length ? `, ${s.outliers.length} outlier(s)` : ''}; min ${formatMs(s.min)}`
          : ''),
    }
  })
}

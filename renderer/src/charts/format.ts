// Chart-only text: HTML tooltips (run names escaped), count and ratio labels. Times and percentages come from
// lib/format, so a chart reads the same numbers as the run table.
import type { Cell, Interval } from '../../../common/contract'
import { levelPercent } from '../../../common/cell-text'
import { formatMs, formatPercent } from '../lib/format'

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEscapes[c])
}

/** Counts as axis labels: 100, 10k, 1M, 1G. */
export function formatCount(value: number): string {
  const units: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ]
  for (const [size, suffix] of units) {
    if (Math.abs(value) >= size) return `${Number((value / size).toPrecision(3))}${suffix}`
  }
  return String(Number(value.toPrecision(3)))
}

export function formatRatio(value: number | null): string {
  return value === null ? '—' : value.toFixed(2)
}

/** One tooltip: a bold heading and label–value rows. */
export function tooltipHtml(heading: string, rows: [string, string][]): string {
  const body = rows.map(([k, v]) => `${escapeHtml(k)}: <b>${escapeHtml(v)}</b>`).join('<br/>')
  return `<b>${escapeHtml(heading)}</b><br/>${body}`
}

/** A cell's flags as tooltip lines: the word in bold and what it means for this cell; '' when unflagged. */
export function flagLines(cell: Pick<Cell, 'flags'>): string {
  return cell.flags.map((f) => `<br/><b>${escapeHtml(f.kind)}</b>: ${escapeHtml(f.note)}`).join('')
}

/** A median and its distribution-free interval, e.g. "12.3 ms [12.1 ms – 12.6 ms]"; the confidence if short of 95%. */
export function medianText(s: NonNullable<Cell['stats']>): string {
  const short = s.ciLevel < 0.95 ? ` (${levelPercent(s.ciLevel)} conf.)` : ''
  return `${formatMs(s.median)} [${formatMs(s.ci95Low)} – ${formatMs(s.ci95High)}]${short}`
}

/** An interval's label in a tooltip: "[95% CI]", or the lower level it claims ("[50% CI]", common/cell-text). */
export const ciLabel = (level: number | null): string => `[${levelPercent(level ?? 0.95)} CI]`

/** A ratio and its interval, e.g. "1.82 [1.75 – 1.90]"; the bare ratio when there is no interval. */
export function ratioText(value: number | null, ci: Interval | null): string {
  if (value === null) return '—'
  return ci ? `${value.toFixed(2)} [${ci.low.toFixed(2)} – ${ci.high.toFixed(2)}]` : value.toFixed(2)
}

/** A share and its interval in percent, e.g. "91% [87% – 95%]". */
export function percentText(value: number | null, ci: Interval | null): string {
  if (value === null) return '—'
  return ci
    ? `${formatPercent(value)} [${formatPercent(ci.low)} – ${formatPercent(ci.high)}]`
    : formatPercent(value)
}

const MiB = 2 ** 20
/** Bytes in the binary units cache sizes are given in: 32 KiB, 3.7 MiB. */
export const bytesText = (b: number): string =>
  b >= MiB ? `${+(b / MiB).toFixed(1)} MiB` : b >= 1024 ? `${+(b / 1024).toFixed(1)} KiB` : `${b} B`

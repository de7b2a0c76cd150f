// Plain-text tables for the bench's output: aligned columns, numbers with sensible precision.
import type { Row } from './goals'
import type { Spread } from './samples'

export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  if (v >= 100) return v.toFixed(0)
  if (v >= 10) return v.toFixed(1)
  if (v >= 1) return v.toFixed(2)
  return v.toPrecision(2)
}

export function range(s: Spread | null): string {
  return s ? `${ms(s.min)}–${ms(s.max)} (n=${s.count})` : '—'
}

export function ratio(v: number | null): string {
  if (v === null) return '—'
  return v < 0.1 ? `1/${(1 / v).toFixed(0)}` : `${v.toFixed(2)}×`
}

/** Columns padded to their widest cell; the first row is the header, underlined. */
export function renderTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)))
  const line = (r: string[]) =>
    r
      .map((cell, c) => cell + ' '.repeat(widths[c] - [...cell].length))
      .join('  ')
      .trimEnd()
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}

export function goalTable(rows: Row[]): string {
  return renderTable([
    ['figure', 'median ms', 'range ms', 'versus', 'versus ms', 'ours/versus', 'goal', 'met', 'min/min'],
    ...rows.map((r) => [
      r.label,
      ms(r.ours?.median),
      range(r.ours),
      r.versusLabel,
      ms(r.versus),
      ratio(r.ratio),
      r.goal,
      r.met === null ? (r.goal ? 'n/a' : '') : r.met ? 'yes' : 'NO',
      ratio(r.ratioOfMins),
    ]),
  ])
}

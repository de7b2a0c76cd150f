// Number and text formatting for axis labels and tooltips; tooltips are HTML, so run names are escaped.

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

/** Milliseconds with about three significant digits: 0.0123 ms, 4.56 ms, 789 ms, 12.3 s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  if (ms >= 10_000) return `${(ms / 1000).toPrecision(3)} s`
  if (ms >= 100) return `${Math.round(ms)} ms`
  return `${Number(ms.toPrecision(3))} ms`
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

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`
}

export function formatRatio(value: number | null): string {
  return value === null ? '—' : value.toFixed(2)
}

/** One tooltip: a bold heading and label–value rows. */
export function tooltipHtml(heading: string, rows: [string, string][]): string {
  const body = rows.map(([k, v]) => `${escapeHtml(k)}: <b>${escapeHtml(v)}</b>`).join('<br/>')
  return `<b>${escapeHtml(heading)}</b><br/>${body}`
}

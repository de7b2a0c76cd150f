// Chart-only text: HTML tooltips (run names escaped), count and ratio labels. Times and percentages come from
// lib/format, so a chart reads the same numbers as the run table.

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

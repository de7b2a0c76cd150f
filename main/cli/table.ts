// Plain-text tables for the terminal: a run's cells, pool start-up figures and Amdahl fits, and the history list.
import type { Cell, Run, RunSummary } from '../../common/contract'
import { median } from '../../common/stats'
import { workloadLines } from './workload-lines'

export type Align = 'left' | 'right'
export interface Column {
  header: string
  align: Align
}

/** Columns padded to their widest value, two spaces apart, no trailing spaces. */
export function formatTable(columns: Column[], rows: string[][]): string {
  const widths = columns.map((col, i) =>
    Math.max(col.header.length, ...rows.map((row) => (row[i] ?? '').length)),
  )
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (columns[i].align === 'right' ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n')
}

const groupThousands = (value: number): string => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

/** Milliseconds with about three significant digits: 0.0123, 1.23, 12.3, 1234. */
export function formatMs(ms: number): string {
  const abs = Math.abs(ms)
  if (abs >= 1000) return groupThousands(Math.round(ms))
  if (abs >= 100) return ms.toFixed(1)
  if (abs >= 10) return ms.toFixed(2)
  if (abs >= 1) return ms.toFixed(3)
  return ms.toPrecision(3)
}

export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const totalSeconds = Math.round(ms / 1000)
  return `${Math.floor(totalSeconds / 60)} min ${String(totalSeconds % 60).padStart(2, '0')} s`
}

const percent = (share: number, digits = 0): string => `${(share * 100).toFixed(digits)}%`

function medianCell(cell: Cell): string {
  if (cell.stats === null) return '—'
  return `${formatMs(cell.stats.median)} ± ${percent(cell.stats.relSpread, 1)}`
}

function chunkCell(cell: Cell): string {
  if (cell.serial) return 'all'
  return cell.chunkSpec === 'auto' ? `${cell.chunkRows} (auto)` : String(cell.chunkRows)
}

function statusCell(cell: Cell): string {
  if (cell.status !== 'ok') return cell.error ? `${cell.status}: ${cell.error}` : cell.status
  return cell.stats?.noisy ? 'ok, noisy' : 'ok'
}

const CELL_COLUMNS: Column[] = [
  { header: 'N', align: 'right' },
  { header: 'entries', align: 'right' },
  { header: 'pool', align: 'right' },
  { header: 'chunk', align: 'right' },
  { header: 'median ms ± spread', align: 'right' },
  { header: 'speedup', align: 'right' },
  { header: 'efficiency', align: 'right' },
  { header: 'status', align: 'left' },
]

/** One row per cell; the serial baseline of each N is marked and comes first. */
export function formatCells(cells: Cell[]): string {
  // A program that reports its own time also has the whole process's: both figures are shown.
  const both = cells.some((c) => c.kernelMs.length > 0 && (c.processMs?.length ?? 0) > 0)
  const rows = cells.map((cell) => [
    groupThousands(cell.n),
    groupThousands(cell.entries),
    cell.serial ? 'serial' : String(cell.pool),
    chunkCell(cell),
    medianCell(cell),
    cell.speedup === null ? '—' : `${cell.speedup.toFixed(2)}×`,
    cell.efficiency === null ? '—' : percent(cell.efficiency),
    statusCell(cell),
  ])
  if (!both) return formatTable(CELL_COLUMNS, rows)
  const columns = [...CELL_COLUMNS]
  columns.splice(5, 0, { header: 'process ms', align: 'right' })
  cells.forEach((cell, i) =>
    rows[i].splice(5, 0, cell.processMs?.length ? formatMs(median(cell.processMs)) : '—'),
  )
  return formatTable(columns, rows)
}

export function formatPoolStartup(run: Run): string {
  return formatTable(
    [
      { header: 'executor', align: 'left' },
      { header: 'pool', align: 'right' },
      { header: 'cold start ms', align: 'right' },
      { header: 'empty task round trip ms', align: 'right' },
    ],
    run.poolStartup.map((s) => [
      s.executor,
      String(s.pool),
      formatMs(s.coldMs),
      s.roundTripMs === null ? '—' : formatMs(s.roundTripMs),
    ]),
  )
}

export function formatFits(run: Run): string {
  return formatTable(
    [
      { header: 'N', align: 'right' },
      { header: 'serial fraction f', align: 'right' },
      { header: 'speedup limit 1/f', align: 'right' },
      { header: 'rmse', align: 'right' },
      { header: 'points', align: 'right' },
    ],
    run.fits.map((fit) => [
      groupThousands(fit.n),
      percent(fit.serialFraction, 1),
      fit.serialFraction > 0 ? `${(1 / fit.serialFraction).toFixed(1)}×` : '∞',
      fit.rmse.toFixed(3),
      String(fit.points),
    ]),
  )
}

/** The whole report `amdahl sweep` and `amdahl history show` print. */
export function formatRunReport(run: Run): string {
  const { spec, machine } = run
  const title = run.name ? `"${run.name}" (${run.id})` : run.id
  const lines = [
    `Run ${title}: ${run.status}${run.error ? ` (${run.error})` : ''}, ${formatDurationMs(run.durationMs)}, ${run.createdAt}`,
    ...workloadLines(spec),
    `${machine.cpuModel}, ${machine.logicalCores} logical cores, ${machine.platform} ${machine.arch}, Node ${machine.node}`,
    '',
    run.cells.length > 0 ? formatCells(run.cells) : 'No cells were measured.',
  ]
  if (run.poolStartup.length > 0) lines.push('', 'Pool start-up', formatPoolStartup(run))
  if (run.fits.length > 0) lines.push('', 'Amdahl fit per N: S(p) = 1 / (f + (1 − f) / p)', formatFits(run))
  return lines.join('\n') + '\n'
}

/** `amdahl history list`: newest first, as the store lists them. */
export function formatRunList(runs: RunSummary[]): string {
  if (runs.length === 0) return 'No runs in the history yet.\n'
  const rows = runs.map((r) => [
    r.id,
    r.createdAt.slice(0, 16).replace('T', ' '),
    r.name || '—',
    r.status + (r.imported ? ' (imported)' : ''),
    r.spec.workload,
    r.spec.kernel,
    r.spec.executor,
    r.spec.transfer,
    r.spec.sizes.join(','),
    r.spec.pools.join(','),
    String(r.cellCount),
    r.machine.cpuModel,
  ])
  const columns: Column[] = [
    { header: 'id', align: 'left' },
    { header: 'created (UTC)', align: 'left' },
    { header: 'name', align: 'left' },
    { header: 'status', align: 'left' },
    { header: 'workload', align: 'left' },
    { header: 'kernel', align: 'left' },
    { header: 'executor', align: 'left' },
    { header: 'transfer', align: 'left' },
    { header: 'sizes', align: 'left' },
    { header: 'pools', align: 'left' },
    { header: 'cells', align: 'right' },
    { header: 'machine', align: 'left' },
  ]
  return formatTable(columns, rows) + '\n'
}

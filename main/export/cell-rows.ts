// A run's cells as the rows a report prints (HTML and Markdown alike), in the app's number format.
import type { Cell, Run } from '../../common/contract'
import { formatDuration, formatMs, formatPercent, formatSpeedup } from '../../renderer/src/lib/format'

export const CELL_HEADERS = [
  'N',
  'entries',
  'pool',
  'chunk rows',
  'median',
  '95% interval',
  'min – max',
  'samples',
  'speedup',
  'efficiency',
  'status',
] as const

const count = (value: number): string => value.toLocaleString('en-US')

/** The serial baseline reads "serial" and chunk "all", as in the app's table and the CLI's. */
export function cellRow(cell: Cell): string[] {
  const s = cell.stats
  const chunk = cell.serial
    ? 'all'
    : cell.chunkSpec === 'auto'
      ? `${cell.chunkRows} (auto)`
      : String(cell.chunkRows)
  const status =
    cell.status !== 'ok'
      ? `${cell.status}${cell.error ? `: ${cell.error}` : ''}`
      : s?.noisy
        ? 'ok, noisy'
        : 'ok'
  return [
    count(cell.n),
    count(cell.entries),
    cell.serial ? 'serial' : String(cell.pool),
    chunk,
    formatMs(s?.median),
    s ? `${formatMs(s.ci95Low)} – ${formatMs(s.ci95High)}` : '—',
    s ? `${formatMs(s.min)} – ${formatMs(s.max)}` : '—',
    String(cell.samplesMs.length),
    formatSpeedup(cell.speedup),
    formatPercent(cell.efficiency),
    status,
  ]
}

/** What was measured and how, as label–value pairs: the protocol a reader needs to trust the numbers. */
export function protocolRows(run: Run): [string, string][] {
  const { spec } = run
  return [
    ['status', `${run.status}${run.error ? ` (${run.error})` : ''}`],
    ['created', run.createdAt],
    ['duration', formatDuration(run.durationMs)],
    ['workload', spec.workload === 'assign' ? `assign (k = ${spec.centroids})` : spec.workload],
    ['kernel', spec.kernel],
    ['executor', spec.executor],
    ['transfer', spec.transfer],
    ['sizes N', spec.sizes.join(', ')],
    ['pools', spec.pools.join(', ')],
    ['chunk rows', spec.chunkRows.join(', ')],
    [
      'repetitions',
      `${spec.repetitions} per cell, after ${spec.warmups} warm-up${spec.warmups === 1 ? '' : 's'}`,
    ],
    ['seed', String(spec.seed)],
  ]
}

export function machineRows(run: Run): [string, string][] {
  const m = run.machine
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`
  return [
    ['CPU', m.cpuModel],
    ['logical cores', String(m.logicalCores)],
    ['memory', `${gib(m.totalMemoryBytes)} (${gib(m.freeMemoryBytes)} free at the start)`],
    ['OS', `${m.platform} ${m.release} ${m.arch}`],
    ['runtime', `Node ${m.node}, V8 ${m.v8}${m.electron ? `, Electron ${m.electron}` : ''}`],
    ...(run.imported
      ? ([['imported', 'yes: measured on another machine or exported earlier']] as [string, string][])
      : []),
  ]
}

// A run's cells as the rows a report prints (HTML and Markdown alike), in the app's number format.
import { baseCaseOf, type Cell, type Run } from '../../common/contract'
import { chunkLabel, chunkUsed, levelPercent, ratioLevel, usedSettings } from '../../common/cell-text'
import { formatDuration, protocolText } from '../../common/protocol-text'
import { efficiencyText, speedupText } from '../../renderer/src/lib/cells'
import { formatMs } from '../../renderer/src/lib/format'

export const CELL_HEADERS = [
  'N',
  'entries',
  'pool',
  'chunk rows',
  'median',
  '95% interval',
  'min – max',
  'samples',
  'speedup [95% CI]',
  'efficiency [95% CI]',
  'status; flags',
] as const

/** The columns of figures (all but the status), aligned right and never broken across lines. */
export const NUMERIC_HEADERS: ReadonlySet<string> = new Set(CELL_HEADERS.filter((h) => h !== 'status; flags'))

const count = (value: number): string => value.toLocaleString('en-US')

function settingRows(spec: Run['spec']): [string, string][] {
  const used = usedSettings(spec)
  const rows: [string, string][] = []
  if (spec.workload === 'command' && spec.command) rows.push(['command', spec.command.template])
  if (spec.workload === 'module' && spec.module) rows.push(['module', spec.module.path])
  if (used.kernel) rows.push(['kernel', spec.kernel])
  if (used.executor) rows.push(['executor', spec.executor])
  if (used.transfer) rows.push(['transfer', spec.transfer])
  return rows
}

/** The serial baseline reads "serial" and chunk "all", as in the app's table and the CLI's. */
export function cellRow(cell: Cell, run: Pick<Run, 'cells' | 'spec'>): string[] {
  const s = cell.stats
  const chunk = chunkLabel(cell, chunkUsed(run.spec))
  const flags = cell.flags.map((f) => f.kind).join(', ')
  const status = `${cell.status}${cell.status !== 'ok' && cell.error ? `: ${cell.error}` : ''}${flags ? `; ${flags}` : ''}`
  return [
    count(cell.n),
    count(cell.entries),
    cell.serial ? 'serial' : String(cell.pool),
    chunk,
    formatMs(s?.median),
    // Fewer samples than a 95% interval needs: their min–max, at the confidence it holds, said as the CLI says it.
    s
      ? `${formatMs(s.ci95Low)} – ${formatMs(s.ci95High)}${cell.samplesMs.length > 1 && s.ciLevel < 0.95 ? ` (${levelPercent(s.ciLevel)})` : ''}`
      : '—',
    s ? `${formatMs(s.min)} – ${formatMs(s.max)}` : '—',
    String(cell.samplesMs.length),
    // The base case is what every speedup divides: "base", not a measured 1.00×, as in the app's table.
    speedupText(cell, ratioLevel(cell, run.cells)),
    efficiencyText(cell, ratioLevel(cell, run.cells)),
    status,
  ]
}

/** What was measured and how, as label–value pairs: the protocol a reader needs to trust the numbers. */
export function protocolRows(run: Run): [string, string][] {
  const { spec } = run
  return [
    ['status', `${run.status}${run.error ? ` (${run.error})` : ''}`],
    // What every speedup divides by, and how busy the machine was: a reader of the file has no other way to know.
    ['base case', baseCaseOf(run)],
    ...(run.verdict ? ([['machine while measuring', run.verdict]] as [string, string][]) : []),
    ['created', run.createdAt],
    ['duration', formatDuration(run.durationMs)],
    ['workload', spec.workload === 'assign' ? `assign (k = ${spec.centroids})` : spec.workload],
    // A command runs the user's program and a module its own kernel: our kernel, executor and transfer are
    // written only where they were used.
    ...settingRows(spec),
    ['sizes N', spec.sizes.join(', ')],
    ['pools', spec.pools.join(', ')],
    ['chunk rows', spec.chunkRows.join(', ')],
    // At least --reps samples, the target, the budgets and the order seed: the terminal's very sentence.
    ['protocol', protocolText(run)],
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
    // What a pool costs before any work, as the terminal's start-up table and the app's chips say it.
    ...(run.poolStartup.length > 0
      ? ([
          [
            'pool start-up',
            run.poolStartup
              .map(
                (s) =>
                  `${s.executor} ×${s.pool}: cold ${formatMs(s.coldMs)}` +
                  (s.roundTripMs === null ? '' : `, empty task round trip ${formatMs(s.roundTripMs)}`),
              )
              .join('; '),
          ],
        ] as [string, string][])
      : []),
    ...(run.imported
      ? ([['imported', 'yes: measured on another machine or exported earlier']] as [string, string][])
      : []),
  ]
}

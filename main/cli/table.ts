// Plain-text tables for the terminal: a run's cells, pool start-up figures and Amdahl fits (the layout and the
// history list: text-table.ts).
import { percentText, ratioText } from '../../common/ratio-text'
import { baseCaseOf, type Cell, type Run } from '../../common/contract'
import {
  chunkLabel,
  chunkUsed,
  flagNotes,
  groupThousands,
  levelAfter,
  ratioLevel,
} from '../../common/cell-text'
import { FIT_TABLE_TITLE, fitTable } from '../../common/fits'
import { bindingLimitSentence } from '../../renderer/src/charts/options/ceilings'
import { TICKS_PER_SAMPLE } from '../engine/timed'
import { printable } from '../../common/one-line'
import { median } from '../../common/stats'
import { formatDuration, protocolText } from '../../common/protocol-text'
import { workloadLines } from './workload-lines'
import { field, formatTable, type Column } from './text-table'

export { formatRunList, formatTable, writeRunList, type Align, type Column } from './text-table'

/** Milliseconds as a bare number for a column headed (ms), about three significant digits: 0.0123, 1.23, 12.3, 1234. */
export function formatMsNumber(ms: number): string {
  const abs = Math.abs(ms)
  if (abs >= 1000) return groupThousands(Math.round(ms))
  if (abs >= 100) return ms.toFixed(1)
  if (abs >= 10) return ms.toFixed(2)
  if (abs >= 1) return ms.toFixed(3)
  return ms.toPrecision(3)
}

/** A value and its interval: `12.3 [12.1–12.6]`; a confidence short of 95% is stated (`[min–max] 88%`). */
function withInterval(value: string, low: string, high: string, level: number | null = null): string {
  return `${value} [${low}–${high}]${levelAfter(level)}`
}

function medianCell(cell: Cell): string {
  const s = cell.stats
  if (s === null) return '—'
  if (cell.samplesMs.length === 1) return `${formatMsNumber(s.median)} (1 sample)`
  return withInterval(
    formatMsNumber(s.median),
    formatMsNumber(s.ci95Low),
    formatMsNumber(s.ci95High),
    s.ciLevel,
  )
}

const times = (x: number) => `${ratioText(x)}×`

/** The speedup with its interval, and that interval's level where a median behind it is short of 95%. */
function speedupCell(cell: Cell, level: number | null): string {
  if (cell.speedup === null) return '—'
  if (cell.serial) return 'base'
  const ci = cell.speedupCi
  return ci
    ? withInterval(times(cell.speedup), ratioText(ci.low), ratioText(ci.high), level)
    : times(cell.speedup)
}

function efficiencyCell(cell: Cell, level: number | null): string {
  if (cell.efficiency === null || cell.serial) return '—'
  const ci = cell.efficiencyCi
  return ci
    ? withInterval(`${percentText(cell.efficiency)}%`, percentText(ci.low), percentText(ci.high), level)
    : `${percentText(cell.efficiency)}%`
}

function statusCell(cell: Cell): string {
  const flags = cell.flags.map((f) => f.kind).join(', ')
  const status = cell.status !== 'ok' && cell.error ? `${cell.status}: ${cell.error}` : cell.status
  return flags ? `${status}; ${flags}` : status
}

const CELL_COLUMNS: Column[] = [
  { header: 'N', align: 'right' },
  { header: 'pool', align: 'right' },
  { header: 'chunk', align: 'right' },
  { header: 'samples', align: 'right' },
  { header: 'median ms [95% CI]', align: 'right' },
  { header: 'speedup [95% CI]', align: 'right' },
  { header: 'efficiency [95% CI]', align: 'right' },
  { header: 'status; flags', align: 'left' },
]

/** One row per cell; the serial baseline of each N is marked and comes first. */
/** `chunksUsed: false`: a program that never saw the rows per task (see chunkUsed); its chunk column reads "—". */
export function formatCells(cells: Cell[], chunksUsed = true): string {
  // A program that reports its own time also has the whole process's: both figures are shown.
  const both = cells.some((c) => c.kernelMs.length > 0 && (c.processMs?.length ?? 0) > 0)
  const rows = cells.map((cell) => [
    groupThousands(cell.n),
    cell.serial ? 'serial' : String(cell.pool),
    chunkLabel(cell, chunksUsed),
    samplesCell(cell),
    medianCell(cell),
    speedupCell(cell, ratioLevel(cell, cells)),
    efficiencyCell(cell, ratioLevel(cell, cells)),
    statusCell(cell),
  ])
  if (!both) return formatTable(CELL_COLUMNS, rows)
  const columns = [...CELL_COLUMNS]
  columns.splice(5, 0, { header: 'process ms', align: 'right' })
  cells.forEach((cell, i) =>
    rows[i].splice(5, 0, cell.processMs?.length ? formatMsNumber(median(cell.processMs)) : '—'),
  )
  return formatTable(columns, rows)
}

/** Samples taken; "×b" when each timed b back-to-back runs (one run too short for the timer to time alone). */
function samplesCell(cell: Cell): string {
  const batch = cell.batch ?? 1
  return batch > 1 ? `${cell.samplesMs.length} ×${batch}` : String(cell.samplesMs.length)
}

/** Says what "×b" in the samples column means, when a cell was batched. */
export function batchNote(run: Run): string | null {
  if (!run.cells.some((c) => (c.batch ?? 1) > 1)) return null
  const step = run.protocol?.timerResolutionMs
  const clock = step === undefined ? 'the timer' : `the timer (step ${formatMsNumber(step * 1000)} µs)`
  return (
    `×b: one run is shorter than ${TICKS_PER_SAMPLE} steps of ${clock}, so each sample times b back-to-back ` +
    'runs; the times shown are per run'
  )
}

/** Flagged cells this many at most are listed with their notes; the rest are counted. */
const MAX_FLAG_LINES = 12

/**
 * Each flagged cell's notes, one line per flag: what was seen and what to suspect; the most telling first, and
 * where the rest can be read when they are more than fit.
 */
/**
 * The flags' notes, the first MAX_FLAG_LINES of them, then where the rest are: the saved run (`savedId`), or the
 * JSON a sweep writes with --json (a run not saved, `--no-save` or a failed save, has no id to export).
 */
export function formatFlagNotes(cells: Cell[], savedId?: string | null, chunksUsed = true): string {
  const lines = flagNotes(cells, chunksUsed).map((line) => `  ${line}`)
  const shown = lines.slice(0, MAX_FLAG_LINES)
  if (lines.length > shown.length) {
    const where =
      savedId === undefined
        ? ''
        : savedId === null
          ? ': every note is in the run’s JSON (--json FILE); this run was not saved'
          : `: every note is in amdahl export ${savedId} --format json, and in the app's table`
    shown.push(`  … and ${lines.length - shown.length} more${where}`)
  }
  return shown.join('\n')
}

/** The base case by name and its absolute median per N: what every speedup divides. */
export function formatBaseCase(run: Run): string {
  const medians = run.cells
    .filter((c) => c.serial && c.stats)
    .map(
      (c) => `N=${groupThousands(c.n)}: ${formatMsNumber((c.stats as NonNullable<Cell['stats']>).median)} ms`,
    )
  return `Base case: ${baseCaseOf(run)}${medians.length > 0 ? ` — ${medians.join(', ')}` : ''}`
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
      formatMsNumber(s.coldMs),
      s.roundTripMs === null ? '—' : formatMsNumber(s.roundTripMs),
    ]),
  )
}

/** Per N and chunk setting measured, the Amdahl fit or why there is none (common/fits.ts fitTable's rows). */
export function formatFits(run: Run): string {
  // A level over few samples as the cells above write theirs: "[7.8%–10.4%] 93%".
  const { headers, numeric, rows } = fitTable(run, levelAfter)
  const columns: Column[] = headers.map((header, i) => ({ header, align: numeric[i] ? 'right' : 'left' }))
  return formatTable(columns, rows)
}

/** Measured in several processes: each took the whole sweep, and the intervals are built over them. */
/** The whole report `amdahl sweep` and `amdahl history show` print. */
/** `saved: false`: the run is in no history (`--no-save`, a failed save): nothing points at an id to export. */
export function formatRunReport(run: Run, { saved = true }: { saved?: boolean } = {}): string {
  const { spec, machine } = run
  const title = run.name ? `"${field(run.name)}" (${run.id})` : run.id
  const lines = [
    `Run ${title}: ${run.status}${run.error ? ` (${field(run.error)})` : ''}, ${formatDuration(run.durationMs)}, ${run.createdAt}` +
      (run.target !== undefined ? `, measured on ${field(run.target)}` : ''),
    ...workloadLines(spec),
    `Protocol: ${protocolText(run)}`,
    field(
      `${machine.cpuModel}, ${machine.logicalCores} logical cores, ${machine.platform} ${machine.arch}, Node ${machine.node}`,
    ),
  ]
  // How the machine was while it measured; labelled "Machine:", it read "Machine: machine quiet".
  if (run.verdict) lines.push(`While measuring: ${field(run.verdict)}`)
  lines.push(
    field(formatBaseCase(run)),
    '',
    run.cells.length > 0 ? formatCells(run.cells, chunkUsed(spec)) : 'No cells were measured.',
  )
  const batched = batchNote(run)
  if (batched) lines.push(batched)
  if (run.cells.some((c) => c.flags.length > 0))
    lines.push('', 'Flags', formatFlagNotes(run.cells, saved ? run.id : null, chunkUsed(spec)))
  if (run.poolStartup.length > 0) lines.push('', 'Pool start-up', formatPoolStartup(run))
  if (run.cells.some((c) => !c.serial)) {
    lines.push('', FIT_TABLE_TITLE, formatFits(run))
  }
  // What limits speedup per size, as the app says under its speedup chart and the reports beside their tables.
  const limits = run.cells.length > 0 ? bindingLimitSentence(run) : null
  if (limits) lines.push('', `Limits: ${field(limits)}`)
  // The lines above quote the run's name, error, machine and base case: no control character of theirs reaches the
  // terminal.
  return printable(lines.join('\n')) + '\n'
}

// CSV exports for spreadsheets: one summary row per cell, or one row per measured repetition.
import { stringify } from 'csv-stringify/sync'
import { cellUnits } from '../../common/ceilings'
import { baseCaseOf, type Cell, type Run } from '../../common/contract'
import { printable } from '../../common/one-line'
import { chunkUsed, ratioLevel, usedSettings } from '../../common/cell-text'
import { CONFIDENCE } from '../../common/stats'
import { layoutText, type ExportLayout } from './layout'

type Field = string | number | null | undefined
type Row = Field[]

/** Booleans spelled out (csv-stringify would write 1 / empty); null and missing become empty fields. */
const bool = (value: boolean): string => (value ? 'true' : 'false')

const units = (run: Run, cell: Cell) =>
  cellUnits(cell, run.spec.workload, run.spec.centroids, run.machine.ceilings)

/**
 * Times to the nanosecond, the timer's own resolution: the float noise of a subtraction
 * (0.12300000000000001) is not a measured digit.
 */
const ms = (value: number | null | undefined): Field =>
  value === null || value === undefined ? value : Number(value.toFixed(6))
/** Ratios (speedup, efficiency, spread) to six significant digits, as no measurement here is more precise. */
const ratio = (value: number | null | undefined): Field =>
  value === null || value === undefined ? value : Number(value.toPrecision(6))

/**
 * The serial baseline is labelled as the app's table and the CLI's label it: pool "serial", chunk "all". A program
 * that never saw the rows per task (no {chunk} in its command: chunkUsed) gets empty chunk fields, as the tables'
 * "—": its "500 (auto)" was a split it never made.
 */
const poolLabel = (c: Cell): Field => (c.serial ? 'serial' : c.pool)
const chunkSpecLabel = (r: Run, c: Cell): Field => (c.serial ? 'all' : chunkUsed(r.spec) ? c.chunkSpec : '')
const chunkRowsLabel = (r: Run, c: Cell): Field => (c.serial ? 'all' : chunkUsed(r.spec) ? c.chunkRows : '')

const summaryColumns: [header: string, value: (run: Run, cell: Cell) => Field][] = [
  ['run_id', (r) => r.id],
  ['run_name', (r) => r.name],
  ['created_at', (r) => r.createdAt],
  ['workload', (r) => r.spec.workload],
  // Empty where the run did not use it (a command runs none of them, a module its own kernel).
  ['kernel', (r) => (usedSettings(r.spec).kernel ? r.spec.kernel : '')],
  ['executor', (r) => (usedSettings(r.spec).executor ? r.spec.executor : '')],
  ['transfer', (r) => (usedSettings(r.spec).transfer ? r.spec.transfer : '')],
  ['n', (_, c) => c.n],
  ['entries', (_, c) => c.entries],
  ['pool', (_, c) => poolLabel(c)],
  ['chunk_spec', (r, c) => chunkSpecLabel(r, c)],
  ['chunk_rows', (r, c) => chunkRowsLabel(r, c)],
  ['tasks', (_, c) => c.tasks],
  ['serial', (_, c) => bool(c.serial)],
  ['status', (_, c) => c.status],
  ['samples', (_, c) => c.samplesMs.length],
  // Runs timed together as one sample where one run is below the timer's resolution (times are per run).
  ['batch', (_, c) => c.batch ?? 1],
  ['median_ms', (_, c) => ms(c.stats?.median)],
  ['mean_ms', (_, c) => ms(c.stats?.mean)],
  ['min_ms', (_, c) => ms(c.stats?.min)],
  ['max_ms', (_, c) => ms(c.stats?.max)],
  ['stddev_ms', (_, c) => ms(c.stats?.stddev)],
  // The median's distribution-free interval (order statistics) and the confidence it really reaches.
  ['ci95_low_ms', (_, c) => ms(c.stats?.ci95Low)],
  ['ci95_high_ms', (_, c) => ms(c.stats?.ci95High)],
  ['ci_level', (_, c) => ratio(c.stats?.ciLevel)],
  ['rel_spread', (_, c) => ratio(c.stats?.relSpread)],
  ['base_case', (r) => baseCaseOf(r)],
  ['base_ms', (_, c) => ms(c.baseMs)],
  ['speedup', (_, c) => ratio(c.speedup)],
  ['speedup_ci95_low', (_, c) => ratio(c.speedupCi?.low)],
  ['speedup_ci95_high', (_, c) => ratio(c.speedupCi?.high)],
  // The confidence the speedup and efficiency intervals claim: 0.95, or less where a median behind them has
  // fewer than 6 samples (common/cell-text ratioLevel).
  [
    'speedup_ci_level',
    (r, c) => (c.speedupCi && !c.serial ? ratio(ratioLevel(c, r.cells) ?? CONFIDENCE) : null),
  ],
  ['efficiency', (_, c) => ratio(c.efficiency)],
  ['efficiency_ci95_low', (_, c) => ratio(c.efficiencyCi?.low)],
  ['efficiency_ci95_high', (_, c) => ratio(c.efficiencyCi?.high)],
  ['karp_flatt', (_, c) => ratio(c.karpFlatt)],
  ['karp_flatt_ci95_low', (_, c) => ratio(c.karpFlattCi?.low)],
  ['karp_flatt_ci95_high', (_, c) => ratio(c.karpFlattCi?.high)],
  ['flags', (_, c) => c.flags.map((f) => f.kind).join(';')],
  ['stop_reason', (_, c) => c.stopReason],
  ['busy_cpu_fraction', (_, c) => ratio(c.busyCpuFraction)],
  // physical units: the matrix read per second, assign's GFLOP/s, and the share of the probe's ceiling
  ['gb_per_s', (r, c) => ratio(units(r, c).gbPerS)],
  ['gflop_per_s', (r, c) => ratio(units(r, c).gflopsPerS)],
  [
    'pct_of_ceiling',
    (r, c) => {
      const of = units(r, c).ofCeiling
      return of === null ? null : ratio(of * 100)
    },
  ],
  // what pct_of_ceiling holds the cell against: memory, the cache its matrix stays in (L1/L2/L3), or compute
  ['ceiling', (r, c) => units(r, c).ceiling],
  // where the median sample's wall time went (ms)
  ['dispatch_ms', (_, c) => ms(c.breakdown?.dispatchMs)],
  ['transfer_ms', (_, c) => ms(c.breakdown?.transferMs)],
  ['kernel_busiest_ms', (_, c) => ms(c.breakdown?.kernelMs)],
  ['reduce_ms', (_, c) => ms(c.breakdown?.reduceMs)],
  ['result', (_, c) => c.result],
  ['rel_error', (_, c) => c.relError],
  ['error', (_, c) => c.error],
]

export const SUMMARY_CSV_HEADER = summaryColumns.map(([header]) => header)
export const SAMPLES_CSV_HEADER = [
  'run_id',
  'n',
  'pool',
  'chunk_rows',
  // Two chunk settings can give the same rows (auto and 64 at N=128 on 2 workers): the setting tells them apart.
  'chunk_spec',
  'serial',
  // Which fresh process took the sample (1 without --processes): what a two-level bootstrap resamples first.
  'process',
  'rep',
  // The sample's time: our timed region, or a program's own report where its time is read from its output.
  'wall_ms',
  'kernel_ms',
  // A program of the user's: the whole process, start-up included (empty for our kernels).
  'process_ms',
]

/** Rows per stringify call: lines come out in pieces this size, so no export is ever held whole in memory. */
const ROWS_PER_PIECE = 2000

/**
 * Numbers go through String(), never toLocaleString(); escape_formulas keeps a run name such as "=cmd()" from
 * being executed by a spreadsheet (negative numbers are left alone); text shows control characters as pictures
 * (␛), so a program's escape sequence quoted in a cell's error never acts on the terminal that `cat`s the file.
 */
const OPTIONS = {
  escape_formulas: true,
  cast: { number: (value: number) => String(value), string: (value: string) => printable(value) },
}

/** Rows as CSV text in pieces of whole lines, ROWS_PER_PIECE at a time; joined, they are the rows' lines. */
function* lines(rows: Iterable<Row>): Generator<string> {
  let piece: Row[] = []
  for (const row of rows) {
    piece.push(row)
    if (piece.length >= ROWS_PER_PIECE) {
      yield stringify(piece, OPTIONS)
      piece = []
    }
  }
  if (piece.length > 0) yield stringify(piece, OPTIONS)
}

function* summaryRows(run: Run): Generator<Row> {
  for (const cell of run.cells) yield summaryColumns.map(([, value]) => value(run, cell))
}

function* sampleRows(run: Run): Generator<Row> {
  for (const cell of run.cells) {
    // The samples are in process order, processSamples[i] of them from process i + 1.
    const counts = cell.processSamples ?? [cell.samplesMs.length]
    let process = 0
    let left = 0
    for (let rep = 0; rep < cell.samplesMs.length; rep++) {
      while (left === 0 && process < counts.length) left = counts[process++]
      left--
      yield [
        run.id,
        cell.n,
        poolLabel(cell),
        chunkRowsLabel(run, cell),
        chunkSpecLabel(run, cell),
        bool(cell.serial),
        process,
        rep,
        ms(cell.samplesMs[rep]),
        ms(cell.kernelMs[rep]),
        ms(cell.processMs?.[rep]),
      ]
    }
  }
}

/** The header line, then one summary row per cell, run by run. */
export const summaryCsvLayout: ExportLayout = {
  head: () => [stringify([SUMMARY_CSV_HEADER], OPTIONS)],
  run: (run) => lines(summaryRows(run)),
  tail: () => '',
}

/** The header line, then one row per measured repetition, run by run: the export that grows with the samples. */
export const samplesCsvLayout: ExportLayout = {
  head: () => [stringify([SAMPLES_CSV_HEADER], OPTIONS)],
  run: (run) => lines(sampleRows(run)),
  tail: () => '',
}

export const runsToCsv = (runs: Run[]): string => layoutText(summaryCsvLayout, runs)

export const samplesToCsv = (runs: Run[]): string => layoutText(samplesCsvLayout, runs)

// A cell named in words, the same in the terminal, the reports and the app: its chunk setting and its flag notes.
import type { AmdahlFit, Cell, CellFlag, ChunkRows, FlagKind, SweepSpec } from './contract'
import { CONFIDENCE } from './stats'

/** Which of our settings a run used: a command runs none of them, a module runs our pools but its own kernel. */
export function usedSettings(spec: Pick<SweepSpec, 'workload'>): {
  kernel: boolean
  executor: boolean
  transfer: boolean
} {
  if (spec.workload === 'command') return { kernel: false, executor: false, transfer: false }
  return { kernel: spec.workload !== 'module', executor: true, transfer: true }
}

/** A setting as a list or a table shows it: its value where the run used it, "—" where it did not. */
export function settingText(
  spec: Pick<SweepSpec, 'workload' | 'kernel' | 'executor' | 'transfer'>,
  key: 'kernel' | 'executor' | 'transfer',
): string {
  return usedSettings(spec)[key] ? spec[key] : '—'
}

/** 12345 → "12,345". */
export const groupThousands = (value: number): string => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

/**
 * Whether a run's rows per task reached what it measured: our workloads split by them; a program only sees them
 * through `{chunk}` in its template (the tutorial's Python program does not, and read "500 (auto)" as if it did),
 * or through AMDAHL_CHUNK in its environment, which a sweep of several chunk settings asked for must mean: its
 * cells are told apart by them (with "—" for each, two rows of one pool read alike, as if measured twice).
 */
export function chunkUsed(spec: Pick<SweepSpec, 'workload' | 'command' | 'chunkRows'>): boolean {
  if (spec.workload !== 'command') return true
  if (spec.chunkRows.length > 1) return true
  return [spec.command?.template, spec.command?.serialTemplate].some((t) => t?.includes('{chunk}') === true)
}

/**
 * Rows per task given as a number: "64"; "1 (16 asked)" where N had fewer rows than asked, so each task took all N
 * of them (a student who swept chunk 16 over N = 1 reads what the cells really did, and why it is not 16).
 */
const givenRows = (rows: number, asked: number): string =>
  rows === asked ? String(rows) : `${rows} (${asked} asked)`

/**
 * Rows per task: "all" for the serial baseline, "64 (auto)" where auto chose them, "64" where they were given, "1
 * (16 asked)" where N was smaller; "—" where the run's program never saw them (chunkUsed).
 */
export function chunkLabel(cell: Pick<Cell, 'serial' | 'chunkRows' | 'chunkSpec'>, used = true): string {
  if (cell.serial) return 'all'
  if (!used) return '—'
  return cell.chunkSpec === 'auto' ? `${cell.chunkRows} (auto)` : givenRows(cell.chunkRows, cell.chunkSpec)
}

/**
 * A chunk setting of one N, as the fit tables name it: "auto" (its rows differ from pool to pool), "16", or "1 (16
 * asked)" where N had fewer rows, as the cells table says that setting's cells; "—" where the run's program never
 * saw the rows (chunkUsed). `rows` is what the setting gave its cells at that N.
 */
export function chunkSettingLabel(chunkSpec: ChunkRows, rows: number, used = true): string {
  if (!used) return '—'
  return chunkSpec === 'auto' ? 'auto' : givenRows(rows, chunkSpec)
}

/**
 * Which notes come first: those that change how a figure reads (a speedup beyond p, a target not met, other
 * programs or a slow machine) before those the table's flags already say.
 */
const FLAG_ORDER: FlagKind[] = [
  'superlinear',
  'unstable',
  'busy-machine',
  'slow-machine',
  'partial',
  'single-sample',
  'oversubscribed',
  'no-warmup',
]

type NotedCell = Pick<Cell, 'n' | 'serial' | 'pool' | 'chunkRows' | 'chunkSpec'> & {
  flags: readonly CellFlag[]
}

/**
 * Every flag's note, one line each ("N=1,000 p=2 chunk 500 (auto): unstable: …"), the most telling first. A cell of
 * a program that never saw the rows per task (`chunksUsed` false, see chunkUsed) is named by N and p alone.
 */
export function flagNotes(cells: readonly NotedCell[], chunksUsed = true): string[] {
  const notes = cells.flatMap((c, i) => c.flags.map((f) => ({ c, f, i })))
  notes.sort((a, b) => FLAG_ORDER.indexOf(a.f.kind) - FLAG_ORDER.indexOf(b.f.kind) || a.i - b.i)
  const where = (c: NotedCell) =>
    c.serial ? 'serial' : chunksUsed ? `p=${c.pool} chunk ${chunkLabel(c)}` : `p=${c.pool}`
  return notes.map(({ c, f }) => `N=${groupThousands(c.n)} ${where(c)}: ${f.kind}: ${f.note}`)
}

/**
 * The confidence a cell's speedup (and efficiency) interval can claim, where it is below 95%: the lower of its
 * two medians' levels. Under 6 samples a median's interval is its samples' [min, max] at 50–94%, and a ratio
 * bootstrapped from so few holds no more (simulated: 66% at 2 samples each, 92% at 3, against the 50% and 75%
 * said). Null where both medians reach 95%, or there is no interval.
 */
export function ratioLevel(
  cell: Pick<Cell, 'n' | 'serial' | 'stats' | 'speedupCi'>,
  cells: readonly Pick<Cell, 'n' | 'serial' | 'stats'>[],
): number | null {
  if (cell.serial || !cell.stats || !cell.speedupCi) return null
  const base = cells.find((c) => c.serial && c.n === cell.n && c.stats)
  const level = Math.min(cell.stats.ciLevel, base?.stats?.ciLevel ?? 1)
  return level < CONFIDENCE ? level : null
}

/**
 * The confidence a fit's f interval can claim, where below 95%: f is refitted on the bootstrap of the speedups it
 * stands on, so it claims no more than the weakest of them (ratioLevel). Null where they all reach 95%.
 */
export function fitLevel(
  fit: Pick<AmdahlFit, 'n' | 'chunkSpec' | 'pools'>,
  cells: readonly Pick<Cell, 'n' | 'serial' | 'stats' | 'speedupCi' | 'chunkSpec' | 'pool'>[],
): number | null {
  let lowest: number | null = null
  for (const c of cells) {
    if (c.serial || c.n !== fit.n || c.chunkSpec !== fit.chunkSpec || !fit.pools.includes(c.pool)) continue
    const level = ratioLevel(c, cells)
    if (level !== null && (lowest === null || level < lowest)) lowest = level
  }
  return lowest
}

/**
 * A confidence level as every table, tooltip and report prints it: "93%" for 0.9375, rounded down, so a level is
 * never claimed higher than it is.
 */
export const levelPercent = (level: number): string => `${Math.floor(level * 100)}%`

/** " 88%" after an interval that claims less than 95%, as the terminal writes it; '' otherwise. */
export const levelAfter = (level: number | null): string =>
  level !== null && level < CONFIDENCE ? ` ${levelPercent(level)}` : ''

/** " (50%)" after an interval that claims less than 95%, as the reports say it of a median; '' otherwise. */
export const levelSuffix = (level: number | null): string =>
  level === null ? '' : ` (${levelPercent(level)})`

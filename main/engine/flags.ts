// Plausibility flags of one cell (pure): each says what was seen and what to suspect, and each is rare on a quiet
// machine by construction, so a flag is worth reading when it appears.
import type { Cell, CellFlag, StopReason } from '../../common/contract'
import { levelPercent } from '../../common/cell-text'

/**
 * Above this share of the machine's CPU time taken by other processes while a cell was timed, the cell is flagged
 * busy-machine. 10% is 0.2 cores on a 2-core machine: enough to take a whole core from a pool of 2 for a fifth of
 * the time, far above the background of an idle desktop (well under 2%).
 */
export const BUSY_CPU_THRESHOLD = 0.1

/**
 * Linux's USER_HZ: /proc reports CPU time in ticks of 1/100 s on every architecture Node runs on (the kernel
 * converts to this fixed unit whatever its internal HZ; `getconf CLK_TCK` says 100).
 */
export const TICKS_PER_SECOND = 100

/** How sure a busy-machine flag must be: others' share stands above the threshold by this many standard errors. */
const BUSY_Z = 2.58

/**
 * Whether others' share of the CPU says "busy" beyond the noise of how it was read. /proc/stat charges each 10 ms
 * tick of each core whole to whatever runs when it lands, so over a cell's short samples the busy time read is a
 * count of a few ticks: roughly Poisson, with a variance of 10 ms times the busy time (all of it, ours included,
 * at most (share + 1) × sampledMs × cores). The share must stand above the threshold by BUSY_Z of those standard
 * errors (one-sided, 0.5%): a cell timed for 15 ms on 2 cores can never tell, one timed for a second needs about
 * 31%, for ten seconds 15%. Measured here, quiet N = 1000 cells read 30–100% "busy" from the 3–5 ticks of 15 ms.
 * Without `sampledMs` (the load average, or runs recorded before it was kept) the threshold alone decides.
 */
export function busyBeyondNoise(
  fraction: number | null | undefined,
  sampledMs: number | null | undefined,
  cores: number,
): boolean {
  if (typeof fraction !== 'number' || !(fraction > BUSY_CPU_THRESHOLD)) return false
  if (typeof sampledMs !== 'number') return true
  const capacityMs = sampledMs * Math.max(1, cores)
  if (!(capacityMs > 0)) return false
  const tickMs = 1000 / TICKS_PER_SECOND
  const standardError = Math.sqrt((tickMs * (fraction + 1)) / capacityMs)
  return fraction - BUSY_CPU_THRESHOLD > BUSY_Z * standardError
}

/** Stop reasons that mean the precision target was not reached. */
const BUDGET_SPENT: readonly StopReason[] = ['budget-time', 'budget-count']

/** What flagging a cell needs to know about its run. */
export interface FlagContext {
  logicalCores: number
  /** Precision target of the run (relative half-width), 0 = none. */
  targetRelSpread: number
  /** Warm-up runs every cell had before its first timed sample (the protocol's, else the spec's). */
  warmups: number
  /** How the rows reach the workers (spec.transfer): with copy, the base case copies the matrix in one piece. */
  transfer?: 'shared' | 'copy'
}

/** What the cell's figures must already hold: its samples, status, speedup interval and the protocol's record. */
export type FlaggedCell = Pick<
  Cell,
  | 'command'
  | 'n'
  | 'entries'
  | 'pool'
  | 'tasks'
  | 'serial'
  | 'status'
  | 'samplesMs'
  | 'stats'
  | 'speedup'
  | 'speedupCi'
  | 'stopReason'
  | 'busyCpuFraction'
> &
  Partial<Pick<Cell, 'busySampledMs' | 'processSamples'>>

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`

/**
 * Why a cell is unstable, or null. One process's cell is unstable when its sampling spent a budget before the
 * target. A cell measured in several processes is judged on the interval printed for it, the one over processes:
 * each process may have met the target while their medians differ (the machine's speed moved between them), and
 * one process may have spent its budget while the interval over all of them is within the target.
 */
function unstableNote(cell: FlaggedCell, target: number): string | null {
  const { stats } = cell
  if (!stats) return null
  const n = cell.samplesMs.length
  const spent = cell.stopReason ? BUDGET_SPENT.includes(cell.stopReason) : false
  const budget = cell.stopReason === 'budget-time' ? 'time' : 'sample'
  const processes = cell.processSamples && cell.processSamples.length > 1 ? cell.processSamples.length : 0
  const level = stats.ciLevel
  // Too few samples for a 95% interval at all: "±0.0% after 1 samples" read as if the target were met. Over
  // processes, the level says how many processes there were (common/stats processesLevel), which the user chose:
  // the interval's width is what is judged, and its level is printed beside it.
  const reached =
    n === 1
      ? 'one sample, so no interval at all'
      : level < 0.95 && !processes
        ? `${n} samples, too few for a 95% interval (their min–max holds ${levelPercent(level)})`
        : `interval ±${pct(stats.relSpread)} after ${n} samples${processes ? ` in ${processes} processes` : ''}`
  if (!processes || !(target > 0)) {
    return spent ? `${reached}, target ±${pct(target)}: the ${budget} budget ran out first` : null
  }
  if (stats.relSpread <= target) return null
  return spent
    ? `${reached}, target ±${pct(target)}: the ${budget} budget ran out first in at least one process`
    : `${reached}, target ±${pct(target)}: each process met the target alone, but their medians differ (the machine's speed moved between them)`
}

/**
 * The flags of one cell, in a fixed order:
 * - unstable: sampling stopped on its time or count budget before the median's interval met the target; measured
 *   in several processes, the interval over them misses the target (unstableNote).
 * - superlinear: speedup above the parallelism, min(p, tasks), even at the low end of its interval (not noise:
 *   the base case or the cell differs in warm-up, cache fit, load or clock); says which to suspect first. A cell
 *   of one task (N = 1 on any pool) can only match the base case, so any speedup beyond 1 is raised.
 * - oversubscribed: more workers than logical cores, so workers take turns on a core.
 * - single-sample: one sample has no spread: the interval is the sample itself.
 * - no-warmup: the first timed sample also paid for JIT/wasm compile and cold caches.
 * - busy-machine: other processes took more than BUSY_CPU_THRESHOLD of the CPU while it was timed, beyond the
 *   noise of reading it in 10 ms ticks (busyBeyondNoise).
 * - partial: the sweep was cancelled while this cell was measured; its figures stand on fewer samples.
 */
export function cellFlags(cell: FlaggedCell, ctx: FlagContext): CellFlag[] {
  const flags: CellFlag[] = []
  const n = cell.samplesMs.length
  const unstable = unstableNote(cell, ctx.targetRelSpread)
  if (unstable) flags.push({ kind: 'unstable', note: unstable })
  if (!cell.serial && cell.speedupCi && cell.speedup !== null && cell.speedupCi.low > parallelism(cell)) {
    flags.push({ kind: 'superlinear', note: superlinearNote(cell, ctx.warmups, ctx.transfer) })
  }
  if (cell.pool > ctx.logicalCores) {
    flags.push({
      kind: 'oversubscribed',
      note: `${cell.pool} workers on ${ctx.logicalCores} logical cores: workers take turns on a core`,
    })
  }
  if (n === 1) {
    flags.push({
      kind: 'single-sample',
      note: 'one sample: no spread to estimate, the interval is the sample itself',
    })
  }
  if (ctx.warmups === 0 && n > 0) {
    flags.push({
      kind: 'no-warmup',
      // A program of the user's has no kernel of ours to compile: its first run reads it and its files cold.
      note:
        cell.command !== undefined
          ? 'no warm-up: the first run also paid for cold caches (the program and its files read from disk)'
          : 'no warm-up: the first sample also paid for compiling the kernel and cold caches',
    })
  }
  if (
    typeof cell.busyCpuFraction === 'number' &&
    busyBeyondNoise(cell.busyCpuFraction, cell.busySampledMs, ctx.logicalCores)
  ) {
    const cores = cell.busyCpuFraction * ctx.logicalCores
    flags.push({
      kind: 'busy-machine',
      note: `other programs used ${cores.toFixed(1)} of ${ctx.logicalCores} cores while it was measured`,
    })
  }
  if (cell.status === 'cancelled' && n > 0) {
    flags.push({
      kind: 'partial',
      note: `cancelled after ${n} sample${n === 1 ? '' : 's'}: figures from those only`,
    })
  }
  return flags
}

/** Workers that can be busy at once: no more than the pool, nor than the tasks the cell's rows were cut into. */
const parallelism = (cell: Pick<FlaggedCell, 'pool' | 'tasks'>) =>
  Math.max(1, Math.min(cell.pool, cell.tasks))

/** Bytes of the N×N float64 matrix: below a few MB it may fit the workers' caches together but not one core's. */
const CACHE_SIZED_BYTES = 32 * 1024 * 1024

function superlinearNote(cell: FlaggedCell, warmups: number, transfer?: 'shared' | 'copy'): string {
  const low = cell.speedupCi?.low ?? 0
  const p = parallelism(cell)
  const tasks = p < cell.pool ? ` with ${cell.tasks} task${cell.tasks === 1 ? '' : 's'}` : ''
  const head = `speedup ≥ ${low.toFixed(2)}× on ${cell.pool} worker${cell.pool === 1 ? '' : 's'}${tasks}`
  if (warmups === 0) return `${head}: suspect warm-up (the base case ran cold; add warm-ups)`
  // Transfer copy: the base case copies the whole matrix as one piece, inside its timed region. Measured here at
  // N = 3000, that one 72 MB copy took 46 ms where 47 copies of 64 rows took 8 ms: one worker on 64-row chunks
  // ran 2.8× faster than the base case, and "a busy machine, other clocks" sent the reader the wrong way.
  if (transfer === 'copy' && cell.tasks > 1 && cell.command === undefined) {
    return (
      `${head}: suspect the copies: the base case copies the whole matrix to its worker in one piece, this cell ` +
      `in ${cell.tasks} smaller ones, which can cost far less per byte (the time breakdown shows each cell's copies)`
    )
  }
  // One worker doing the base case's work faster: the two are not measured alike, or the clock moved.
  if (p === 1) {
    return `${head}: suspect a base case measured differently (a busy machine, other clocks) from this cell`
  }
  // A program of the user's: we know nothing of its data, only that each of its workers may hold less of it.
  if (cell.command) {
    return `${head}: suspect the program's own data fitting its workers' caches once split, turbo clocks, or a base case that does other work`
  }
  if (cell.entries * 8 <= CACHE_SIZED_BYTES) {
    return `${head}: suspect caches (the matrix splits into parts that fit the workers' caches) or turbo clocks`
  }
  return `${head}: suspect turbo clocks or a base case slowed by something else running`
}

// How fast the machine itself ran while a run measured: a fixed reference check (a compute loop and a stream over a
// cache-sized buffer) timed between samples, held against this machine's usual speed.
//
// Why: on a virtual machine the host can run ours 1.5× slower for minutes (other guests, power limits) without a
// trace in /proc/stat (no steal, no other process): every cell of such a run is slower alike, each with a tight
// interval, and the run disagrees with the next one. Seen here: the same sweep's serial N=10,000 cell took 40 ms
// in some processes and 64 ms in others, on a "quiet" machine (scripts/bench/repro.ts). A fixed piece of work
// timed now and then says how fast the machine was: pyperf calibrates in the same spirit.
import { MAX_SPEED_CHECKS, type Cell, type CellFlag, type Run, type SpeedCheck } from '../../common/contract'
import { median } from '../../common/stats'
import { machineVerdict } from './load'
import { streamBuffer, timeSpeedCheck } from '../../common/speed-check'

/**
 * A check is taken before a pool's sample once this much wall time has passed since that pool's last one. A check
 * costs about 6–7 ms (three tries of each part), so this is ~1.5% of a run per pool being measured (a sweep of
 * pools 1 and 2: ~3%), outside every timed sample. Every 2 s missed slow spells of a second or two here: a whole
 * N = 3000 size ran 1.4× slower between two checks that read normal.
 */
export const CHECK_EVERY_MS = 500
/**
 * A cell whose checks ran this much slower than the machine's usual speed is flagged slow-machine. The check's own
 * spread on a quiet machine is about ±10% per check (the fastest of three); a cell's median of its checks, against
 * the machine's fast end, sits within 10% of it when nothing happened. 1.25 is well clear of that and below the
 * 1.5× slowdowns seen.
 */
export const SLOW_MACHINE_THRESHOLD = 1.25

/** Where checks come from; tests pass their own. */
export interface SpeedSource {
  /** One check: the fastest of a few tries of each part, ms. */
  check(): SpeedCheck
  now(): number
}

/** The real check, on this thread (between samples no worker of ours runs, so it shares the machine with nothing of ours). */
export function systemSpeedSource(now: () => number = () => performance.now()): SpeedSource {
  let buffer: Float64Array | null = null
  return {
    now,
    check() {
      buffer ??= streamBuffer()
      return timeSpeedCheck(buffer, now)
    },
  }
}

/** A pool's own check, taken on its workers at once (WorkerPool.speed); null when they cannot take one. */
export interface PoolCheck {
  /** The pool's size: checks are kept apart per pool. */
  key: number
  /** Null (or a rejection) when its workers cannot take a check; a WorkerDied rejection when one of them died. */
  check(): Promise<SpeedCheck | null>
}

/**
 * A pool's worker died while it took a check: not a check it cannot take, but a fault of the pool's cells, said
 * as a death in a sample is (its replacement would otherwise take the next sample unprepared, and silently).
 */
export class WorkerDied extends Error {
  override name = 'WorkerDied'
}

/** Key of the checks taken on the engine's own thread. */
const ENGINE = -1

/**
 * The checks of one run: one at the start on the engine's thread (after warming the loops), then, before a sample
 * whenever CHECK_EVERY_MS has passed for its pool, one on that pool's workers (common/speed-check.ts says why
 * there), or on the engine's thread where the workers cannot take one. Each measured sample notes the check in
 * effect for its pool, so a cell's speed is read on its own threads over the very stretch of time its samples took.
 */
export class SpeedChecker {
  readonly checks: SpeedCheck[] = []
  private readonly lastAt = new Map<number, number>()
  private readonly latestOf = new Map<number, number>()

  constructor(
    private readonly source: SpeedSource = systemSpeedSource(),
    private readonly everyMs = CHECK_EVERY_MS,
    private readonly maxChecks = MAX_SPEED_CHECKS,
  ) {}

  /** The first check of a run: the loops run once untimed so the compiler's tiers settle first. */
  start(): void {
    this.source.check()
    this.keep(ENGINE, this.source.check())
  }

  /**
   * Takes a check if one is due (for the pool, when given); never inside a timed sample. Rejects with WorkerDied
   * when a worker of the pool died during its check.
   */
  async maybe(pool?: PoolCheck): Promise<void> {
    const key = pool?.key ?? ENGINE
    if (this.source.now() - (this.lastAt.get(key) ?? -Infinity) < this.everyMs) return
    if (this.checks.length >= this.maxChecks) return
    const onWorkers = pool
      ? await pool.check().catch((err: unknown) => {
          if (err instanceof WorkerDied) throw err
          return null
        })
      : null
    this.keep(key, onWorkers ?? this.source.check())
  }

  /** Index of the check in effect for a pool's samples: its own newest, else the engine thread's; -1 before any. */
  latestFor(key?: number): number {
    return (key === undefined ? undefined : this.latestOf.get(key)) ?? this.latestOf.get(ENGINE) ?? -1
  }

  private keep(key: number, check: SpeedCheck): void {
    if (this.checks.length >= this.maxChecks) return
    this.checks.push(check)
    this.latestOf.set(key, this.checks.length - 1)
    this.lastAt.set(key, this.source.now())
  }
}

/** A cell's speed: the median of each part over the checks its measured samples ran under; null without any. */
export function cellSpeed(checks: readonly SpeedCheck[], used: readonly number[]): SpeedCheck | null {
  const seen = used.filter((i) => i >= 0 && i < checks.length).map((i) => checks[i])
  if (seen.length === 0) return null
  return { computeMs: median(seen.map((c) => c.computeMs)), memoryMs: median(seen.map((c) => c.memoryMs)) }
}

/**
 * The kind of a check or recorded speed: 1 for one thread alone (the engine's, or a pool of one's worker), else
 * the size of the pool whose workers took it at once.
 */
export const kindOf = (check: SpeedCheck): number => check.pool ?? 1

/**
 * The checks a pool's cells are held against: a pool of one (and the engine thread) against every one-thread
 * check; a larger pool only against its own, taken with all its workers running as in a sample.
 */
export function checksOfPool(checks: readonly SpeedCheck[], pool = 1): SpeedCheck[] {
  return checks.filter((c) => kindOf(c) === Math.max(pool, 1))
}

/** The larger pools (above one) that took any of these checks, smallest first. */
export function largerPools(checks: readonly SpeedCheck[]): number[] {
  return [...new Set(checks.map(kindOf))].filter((p) => p > 1).sort((a, b) => a - b)
}

/** Each larger pool's speed in these checks (runSpeed of its own), tagged with its size: what a record keeps. */
export function poolSpeeds(checks: readonly SpeedCheck[]): SpeedCheck[] {
  return largerPools(checks).flatMap((pool) => {
    const speed = runSpeed(checks, pool)
    return speed ? [{ ...speed, pool }] : []
  })
}

/** Speeds of larger pools by size, for judgeSpeed's `recordedPools`. */
export function byPool(speeds: readonly SpeedCheck[]): Map<number, SpeedCheck[]> {
  return new Map(largerPools(speeds).map((pool) => [pool, checksOfPool(speeds, pool)]))
}

/**
 * A run's speed in one check: the median of each part over its one-thread checks (what the machine's record
 * keeps), or over a larger pool's own checks.
 */
export function runSpeed(checks: readonly SpeedCheck[], pool = 1): SpeedCheck | null {
  const own = checksOfPool(checks, pool)
  return cellSpeed(
    own,
    own.map((_, i) => i),
  )
}

/**
 * The machine's usual speed, the fast end of what it has shown: of the run medians it recorded (oldest first), the
 * tenth-percentile one per part, so one freak-fast run does not make every later run look slow; and never slower
 * than this run's own fastest check (a run faster than any before it is its own reference).
 */
export function speedReference(
  recorded: readonly SpeedCheck[],
  runChecks: readonly SpeedCheck[],
): SpeedCheck | null {
  const pick = (values: number[]) => {
    const sorted = values.filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b)
    return sorted.length === 0 ? Infinity : sorted[Math.floor(sorted.length / 10)]
  }
  const fastest = (values: number[]) =>
    Math.min(Infinity, ...values.filter((v) => Number.isFinite(v) && v > 0))
  const computeMs = Math.min(
    pick(recorded.map((c) => c.computeMs)),
    fastest(runChecks.map((c) => c.computeMs)),
  )
  const memoryMs = Math.min(pick(recorded.map((c) => c.memoryMs)), fastest(runChecks.map((c) => c.memoryMs)))
  return Number.isFinite(computeMs) && Number.isFinite(memoryMs) ? { computeMs, memoryMs } : null
}

/** How much slower a cell's checks ran than the reference: the larger of the two parts' ratios. */
export function slowdownOf(speed: SpeedCheck, reference: SpeedCheck): number {
  return Math.max(speed.computeMs / reference.computeMs, speed.memoryMs / reference.memoryMs)
}

const times = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)}×`

/**
 * Holds every cell of the run against the reference (the machine's record, else the run's own fastest check): sets
 * each cell's slowdown and its slow-machine flag, and the run's verdict. Pure and idempotent: the engine calls it
 * with no record, whoever keeps the machine's record calls it again with it.
 */
export function judgeSpeed(
  run: Run,
  recorded: readonly SpeedCheck[],
  cores: number,
  recordedPools: ReadonlyMap<number, readonly SpeedCheck[]> = new Map(),
): Run {
  const checks = run.speed?.checks ?? []
  const reference = speedReference(recorded, checksOfPool(checks))
  const source: 'machine' | 'run' = recorded.length > 0 ? 'machine' : 'run'
  // A larger pool whose workers took checks is held against the fastest of its own (and of the same pool in
  // other processes or earlier runs, when given); one that took none (checks scripted, or a worker script without
  // them) against the one-thread reference, as before.
  const poolReference = new Map(
    largerPools(checks).map((pool) => {
      const others = recordedPools.get(pool) ?? []
      const held: { reference: SpeedCheck | null; source: 'machine' | 'run' } = {
        reference: speedReference(others, checksOfPool(checks, pool)),
        source: others.length > 0 ? 'machine' : 'run',
      }
      return [pool, held] as const
    }),
  )
  const referenceFor = (pool: number) => poolReference.get(pool) ?? { reference, source }
  const cells = run.cells.map((cell): Cell => {
    const flags = (cell.flags ?? []).filter((f) => f.kind !== 'slow-machine')
    const held = referenceFor(cell.serial ? 1 : cell.pool)
    if (!held.reference || !cell.speedCheck) return { ...cell, slowdown: null, flags }
    const slowdown = slowdownOf(cell.speedCheck, held.reference)
    if (slowdown > SLOW_MACHINE_THRESHOLD)
      flags.push(slowFlag(cell.speedCheck, held.reference, slowdown, held.source))
    return { ...cell, slowdown, flags }
  })
  const judged: Run = {
    ...run,
    cells,
    speed: { checks, reference: reference ? { ...reference, source } : null },
  }
  judged.verdict = cells.length > 0 ? runVerdict(cells, cores, source) : (run.verdict ?? null)
  return judged
}

function slowFlag(speed: SpeedCheck, ref: SpeedCheck, slowdown: number, source: 'machine' | 'run'): CellFlag {
  const part =
    speed.computeMs / ref.computeMs >= speed.memoryMs / ref.memoryMs
      ? `a fixed compute loop took ${speed.computeMs.toFixed(2)} ms against ${ref.computeMs.toFixed(2)} ms`
      : `a fixed memory stream took ${speed.memoryMs.toFixed(2)} ms against ${ref.memoryMs.toFixed(2)} ms`
  const usual = source === 'machine' ? 'its usual speed' : 'its fastest in this run'
  return {
    kind: 'slow-machine',
    note: `the machine ran ${times(slowdown)} slower than ${usual} (${part}): its times are inflated by about that much`,
  }
}

/**
 * The run's one line: how busy other programs kept the machine (load.ts), and how much slower than usual it ran in
 * the cells flagged slow-machine, e.g. "machine quiet; the machine itself ran 1.52× slower than usual during 9 of 9 cells".
 */
export function runVerdict(
  cells: readonly (Pick<Cell, 'busyCpuFraction' | 'slowdown' | 'flags'> &
    Partial<Pick<Cell, 'busySampledMs' | 'samplesMs'>>)[],
  cores: number,
  source: 'machine' | 'run' = 'machine',
): string {
  const busy = machineVerdict(cells, cores)
  const slow = cells.filter((c) => c.flags?.some((f) => f.kind === 'slow-machine'))
  if (slow.length === 0) return busy
  const factor = median(slow.map((c) => c.slowdown ?? 1))
  const than = source === 'machine' ? 'than usual' : 'than at its fastest in this run'
  return `${busy}; the machine itself ran ${times(factor)} slower ${than} during ${slow.length} of ${cells.length} cells`
}

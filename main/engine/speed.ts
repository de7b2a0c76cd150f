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

/** Iterations of the compute loop: about 0.7 ms here. */
const COMPUTE_ITERATIONS = 400_000
/** 32 MB of float64: streamed once in about 1.5 ms here; larger than most L2s, so it reaches the shared caches. */
const STREAM_DOUBLES = 4 * 1024 * 1024
/** Each part of a check is the fastest of this many tries: a check is a lower bound, like a probe's peak. */
const TRIES = 3
/**
 * A check is taken before a sample once this much wall time has passed since the last one. A check costs about
 * 6–7 ms (three tries of each part), so this is ~1.5% of a run, outside every timed sample. Every 2 s missed slow
 * spells of a second or two here: a whole N = 3000 size ran 1.4× slower between two checks that read normal.
 */
export const CHECK_EVERY_MS = 500
/**
 * A cell whose checks ran this much slower than the machine's usual speed is flagged slow-machine. The check's own
 * spread on a quiet machine is about ±10% per check (the fastest of three); a cell's median of its checks, against
 * the machine's fast end, sits within 10% of it when nothing happened. 1.25 is well clear of that and below the
 * 1.5× slowdowns seen.
 */
export const SLOW_MACHINE_THRESHOLD = 1.25

function computeLoop(n: number): number {
  let x = 0x9e3779b9 | 0
  let y = 1
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) | 0
    y = y * 0.9999999 + (x & 1023)
  }
  return y + x
}

function streamSum(a: Float64Array): number {
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  for (let i = 0; i < a.length; i += 4) {
    s0 += a[i]
    s1 += a[i + 1]
    s2 += a[i + 2]
    s3 += a[i + 3]
  }
  return s0 + s1 + s2 + s3
}

/** Where checks come from; tests pass their own. */
export interface SpeedSource {
  /** One check: the fastest of a few tries of each part, ms. */
  check(): SpeedCheck
  now(): number
}

/** The real check, on this thread (between samples no worker of ours runs, so it shares the machine with nothing of ours). */
export function systemSpeedSource(now: () => number = () => performance.now()): SpeedSource {
  let buffer: Float64Array | null = null
  let sink = 0
  return {
    now,
    check() {
      buffer ??= new Float64Array(STREAM_DOUBLES).fill(1)
      let computeMs = Infinity
      let memoryMs = Infinity
      for (let t = 0; t < TRIES; t++) {
        const a = now()
        sink += computeLoop(COMPUTE_ITERATIONS)
        computeMs = Math.min(computeMs, now() - a)
      }
      for (let t = 0; t < TRIES; t++) {
        const a = now()
        sink += streamSum(buffer)
        memoryMs = Math.min(memoryMs, now() - a)
      }
      // The sums feed nothing but must not be optimised away.
      if (sink === -1) buffer = null
      return { computeMs, memoryMs }
    },
  }
}

/**
 * The checks of one run: one at the start (after warming the loops), then one before a sample whenever
 * CHECK_EVERY_MS has passed. Each measured sample notes the check in effect (the latest), so a cell's speed is
 * read over the very stretch of time its samples took.
 */
export class SpeedChecker {
  readonly checks: SpeedCheck[] = []
  private lastAt = -Infinity

  constructor(
    private readonly source: SpeedSource = systemSpeedSource(),
    private readonly everyMs = CHECK_EVERY_MS,
    private readonly maxChecks = MAX_SPEED_CHECKS,
  ) {}

  /** The first check of a run: the loops run once untimed so the compiler's tiers settle first. */
  start(): void {
    this.source.check()
    this.take()
  }

  /** Takes a check if one is due; never inside a timed sample. */
  maybe(): void {
    if (this.source.now() - this.lastAt >= this.everyMs) this.take()
  }

  /** Index of the check in effect, or -1 before the first. */
  get latest(): number {
    return this.checks.length - 1
  }

  private take(): void {
    if (this.checks.length >= this.maxChecks) return
    this.checks.push(this.source.check())
    this.lastAt = this.source.now()
  }
}

/** A cell's speed: the median of each part over the checks its measured samples ran under; null without any. */
export function cellSpeed(checks: readonly SpeedCheck[], used: readonly number[]): SpeedCheck | null {
  const seen = used.filter((i) => i >= 0 && i < checks.length).map((i) => checks[i])
  if (seen.length === 0) return null
  return { computeMs: median(seen.map((c) => c.computeMs)), memoryMs: median(seen.map((c) => c.memoryMs)) }
}

/** A run's speed in one check: the median of each part over its checks (what the machine's record keeps). */
export function runSpeed(checks: readonly SpeedCheck[]): SpeedCheck | null {
  return cellSpeed(
    checks,
    checks.map((_, i) => i),
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
export function judgeSpeed(run: Run, recorded: readonly SpeedCheck[], cores: number): Run {
  const checks = run.speed?.checks ?? []
  const reference = speedReference(recorded, checks)
  const source: 'machine' | 'run' = recorded.length > 0 ? 'machine' : 'run'
  const cells = run.cells.map((cell): Cell => {
    const flags = (cell.flags ?? []).filter((f) => f.kind !== 'slow-machine')
    if (!reference || !cell.speedCheck) return { ...cell, slowdown: null, flags }
    const slowdown = slowdownOf(cell.speedCheck, reference)
    if (slowdown > SLOW_MACHINE_THRESHOLD) flags.push(slowFlag(cell.speedCheck, reference, slowdown, source))
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
    note: `the machine ran ${times(slowdown)} slower than ${usual} (${part}): its times are inflated alike`,
  }
}

/**
 * The run's one line: how busy other programs kept the machine (load.ts), and how much slower than usual it ran in
 * the cells flagged slow-machine, e.g. "machine quiet; the machine itself ran 1.52× slower than usual during 9 of 9 cells".
 */
export function runVerdict(
  cells: readonly (Pick<Cell, 'busyCpuFraction' | 'slowdown' | 'flags'> &
    Partial<Pick<Cell, 'busySampledMs'>>)[],
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

// A/B comparison of two runs: per common cell, the change in time and in speedup with a 95% bootstrap interval
// and a verdict, as criterion.rs's change detection and pyperf's compare_to report it. Pure; seeded.
//
// Method. A cell of the baseline run A and one of the candidate run B are the same cell when N, pool and the
// requested chunk rows agree (the serial baselines match by N). For each pair we draw `resamples` bootstrap
// replicates: every sample list involved (the cell's samples in A and in B and, for speedup, the serial
// baseline's samples of the same N in A and in B) is resampled with replacement, independently, and the
// replicate's ratios of medians are recorded:
//   time ratio     = median(B cell) / median(A cell)                     (< 1: B is faster)
//   speedup ratio  = (median(B serial) / median(B cell)) / (median(A serial) / median(A cell))
// The 95% interval is the 2.5th–97.5th percentile of the replicates (percentile bootstrap); the point
// estimate is the ratio of the observed medians. Medians and a resampling interval assume no normality
// (Hoefler & Belli). The verdict follows criterion.rs (compare_to_threshold): "faster" or "slower" only when
// the whole interval of the time ratio lies beyond the noise band 1 ± noise (1%) on one side, otherwise
// "no change": an interval that excludes 1 but reaches into the band allows a change too small to count.
// Cells with fewer than two samples on a side get "too few samples": one sample has no spread to resample.
//
// The machine's own change. Each cell of a run carries the reference check the engine timed between its samples
// (a fixed compute loop and memory stream: main/engine/speed.ts). A pair of cells with checks on both sides gets
// `machine`, the candidate's check ÷ the baseline's (of the part that moved more): the drift of the machine itself
// between the runs, which no resampling of either run holds. A faster or slower verdict whose time interval
// reaches that ratio, or lies beyond it on the verdict's side, is `withinMachine`: the machine itself moved as far
// the same way, so the difference may be the machine's and not the program's. (One-sided on purpose: a cell 20%
// faster on a machine 30% faster is explained by the machine, though divided by it the cell reads slower.)
//
// Several processes. A cell measured in several processes (--processes: Cell.processSamples) is resampled as its
// own interval is, over its processes first and then each drawn process's samples: a process that ran a few
// percent apart throughout is the spread that matters between runs, and pooling its samples would hide it.
import type { Cell, ChunkRows, FlagKind, Run, SpeedCheck } from './contract'
import { groupedBootstrapMedians, median, medianOfCounts, mulberry32, processGroups } from './stats'
import { chunkUsed, settingText } from './cell-text'

export const COMPARE_CONFIDENCE = 0.95
export const DEFAULT_RESAMPLES = 2000
export const DEFAULT_NOISE = 0.01
export const DEFAULT_COMPARE_SEED = 1
/** Fewer samples than this on either side: nothing to resample. */
export const MIN_COMPARE_SAMPLES = 2

export type Verdict = 'faster' | 'slower' | 'no change' | 'too few samples'

export interface RatioInterval {
  /** Point estimate: the ratio of the observed medians. */
  ratio: number
  low: number
  high: number
}

export interface CellSide {
  medianMs: number
  samples: number
  /** The cell's own flags in its run (unstable, busy-machine, …): a verdict on a flagged cell may not hold. */
  flags: FlagKind[]
  /** Serial median / this cell's median in the same run; null for a serial cell or without a serial median. */
  speedup: number | null
}

export interface CellComparison {
  n: number
  entries: number
  serial: boolean
  pool: number
  chunkSpec: ChunkRows
  /**
   * The rows each task took, as the run's cells table names them (chunkLabel): fewer than a setting above N ("1
   * (16 asked)"), auto's choice for the pool. The baseline's; a run is only read or imported where its cells'
   * rows are what their setting gives their N and pool, so the candidate's are the same.
   */
  chunkRows: number
  baseline: CellSide
  candidate: CellSide
  /** Candidate time / baseline time; below 1 the candidate is faster. */
  time: RatioInterval
  /** Candidate speedup / baseline speedup; null for serial cells or when a side has no serial baseline. */
  speedup: RatioInterval | null
  verdict: Verdict
  /**
   * The level the row's intervals reach: COMPARE_CONFIDENCE, or lower where a median behind them rests on too few
   * samples or processes to reach it (the lowest Stats.ciLevel of the cells compared), as a run's own speedup
   * interval says its level.
   */
  level: number
  /** Candidate's reference check ÷ baseline's (see above); null unless both cells carry one. */
  machine: number | null
  /** A faster or slower verdict that the machine's own change between the runs accounts for. */
  withinMachine: boolean
}

export interface CompareOptions {
  resamples?: number
  seed?: number
  noise?: number
}

/**
 * What a comparison's intervals do not hold, said wherever a verdict is shown: each run's own sampling noise is in
 * them, the machine's drift between the two runs is not (issue 8: one host ran the same cell 1.3× slower for
 * minutes at a time).
 */
export const DRIFT_NOTE =
  'The intervals hold each run’s own sampling noise, not the machine’s drift between the two runs: on a busy or virtual machine, sweep the baseline again to see how far a run moves by itself.'

export interface RunComparison {
  /** The run "faster" and "slower" are measured against (A), and when it started: the older is the natural A. */
  baseline: { id: string; name: string; createdAt: string }
  candidate: { id: string; name: string; createdAt: string }
  method: {
    kind: 'percentile bootstrap of the ratio of medians'
    confidence: number
    resamples: number
    seed: number
    noise: number
  }
  /** Spec and machine fields that differ between the runs (kernel, executor, …): what the comparison is about. */
  differences: { field: string; baseline: string; candidate: string }[]
  cells: CellComparison[]
  /** Whether either run's work saw the rows per task (chunkUsed): a program without {chunk} did not. */
  chunksUsed: boolean
  /** Measured cells of one run that have no measured partner in the other. */
  onlyInBaseline: number
  onlyInCandidate: number
  counts: Record<Verdict, number>
  /** The machine's own change over the cells that carry checks on both sides; null where none does. */
  machine: { low: number; high: number; cells: number } | null
  /** How many faster or slower verdicts the machine's own change accounts for. */
  withinMachine: number
}

/**
 * A ratio as a signed change: 0.52 → "−48%", 1.031 → "+3.1%"; `unit` is what follows the number (the app
 * writes " %").
 */
export function signedChange(ratio: number, unit = '%'): string {
  const change = (ratio - 1) * 100
  const digits = Math.abs(change) < 10 ? 1 : 0
  const text = Math.abs(change).toFixed(digits)
  return `${change < 0 && Number(text) !== 0 ? '−' : '+'}${text}${unit}`
}

/** What a verdict the machine's own change accounts for is called, beside the verdict. */
export const WITHIN_MACHINE = 'the machine too'

/**
 * The machine's own change between the runs in one sentence, and which verdicts it may account for; null when no
 * cell carries checks on both sides (then DRIFT_NOTE alone says what the intervals leave out).
 */
export function machineNote(cmp: RunComparison): string | null {
  const m = cmp.machine
  if (m === null) return null
  // Ends that print alike are one figure: "−97% … −97%" said the same thing twice (float noise of a ratio).
  const [low, high] = [signedChange(m.low), signedChange(m.high)]
  const range = low === high ? low : `${low} … ${high}`
  const verdicts = cmp.counts.faster + cmp.counts.slower
  const cells = `over the ${m.cells} cell${m.cells === 1 ? '' : 's'} checked in both runs`
  const check = 'a fixed compute loop and memory stream, timed between samples'
  // Two machines: their checks differ as the machines do, and so may every verdict.
  const twoMachines = cmp.differences.some((d) => d.field === 'ssh target' || d.field === 'machine')
  const head = twoMachines
    ? `The runs were measured on different machines: their own checks (${check}) differ by ${range} from A to B ${cells}`
    : `The machine's own check (${check}) changed by ${range} from A to B ${cells}`
  if (cmp.withinMachine === 0) return `${head}.`
  return (
    `${head}: ${cmp.withinMachine} of the ${verdicts} faster or slower verdicts lie within that change ` +
    `(marked "${WITHIN_MACHINE}"), so they may be the machine's and not the program's.`
  )
}

/**
 * The candidate's reference check ÷ the baseline's, of whichever part (compute loop, memory stream) moved more;
 * null unless both sides were checked.
 */
export function machineRatio(
  a: SpeedCheck | null | undefined,
  b: SpeedCheck | null | undefined,
): number | null {
  if (!a || !b) return null
  const compute = b.computeMs / a.computeMs
  const memory = b.memoryMs / a.memoryMs
  return Math.abs(Math.log(compute)) >= Math.abs(Math.log(memory)) ? compute : memory
}

/** Whether a faster or slower verdict's time interval reaches the machine's own change (see above). */
export function isWithinMachine(verdict: Verdict, time: RatioInterval, machine: number | null): boolean {
  if (machine === null) return false
  if (verdict === 'faster') return time.high >= machine
  if (verdict === 'slower') return time.low <= machine
  return false
}

/**
 * Medians of resamples (with replacement) of xs, each drawn with the rng it is handed. A draw picks an index of the
 * samples as they were recorded, so a seed gives the intervals it always gave, and is counted at that sample's
 * rank: the median is read off the counts (stats.ts medianOfCounts), O(n) a resample. Sorting every resample made
 * a comparison of two default sweeps take a quarter of a second, and swapping A and B in the app half a second.
 */
export function medianResampler(xs: readonly number[]): (rng: () => number) => number {
  const n = xs.length
  const order = Array.from(xs.keys()).sort((i, j) => xs[i] - xs[j])
  const sorted = Float64Array.from(order, (i) => xs[i])
  const rankOf = new Uint32Array(n)
  order.forEach((i, rank) => (rankOf[i] = rank))
  const counts = new Uint32Array(n)
  return (rng) => {
    counts.fill(0)
    for (let i = 0; i < n; i++) counts[rankOf[Math.floor(rng() * n)]]++
    return medianOfCounts(sorted, counts, n)
  }
}

/** The value at quantile q of sorted values (linear interpolation between order statistics). */
function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

function interval(point: number, replicates: Float64Array): RatioInterval {
  const sorted = Float64Array.from(replicates).sort()
  const tail = (1 - COMPARE_CONFIDENCE) / 2
  return { ratio: point, low: quantile(sorted, tail), high: quantile(sorted, 1 - tail) }
}

/**
 * criterion.rs's rule: the whole interval beyond the noise band, below 1 − noise (faster) or above 1 + noise
 * (slower). Excluding 1 is not enough: [0.98, 0.998] allows a change of 0.2%, inside the band.
 */
export function verdictOf(time: RatioInterval, noise = DEFAULT_NOISE): Verdict {
  if (time.high < 1 - noise) return 'faster'
  if (time.low > 1 + noise) return 'slower'
  return 'no change'
}

const measured = (c: Cell): boolean => c.status === 'ok' && c.samplesMs.length > 0

/** Which cell of the other run is the same cell: N, serial or pool, and the chunk rows the spec asked for. */
export function cellKey(c: Pick<Cell, 'n' | 'serial' | 'pool' | 'chunkSpec'>): string {
  return c.serial ? `${c.n}/serial` : `${c.n}/${c.pool}/${c.chunkSpec}`
}

function serialByN(run: Run): Map<number, Cell> {
  const out = new Map<number, Cell>()
  for (const c of run.cells) if (c.serial && measured(c)) out.set(c.n, c)
  return out
}

function differences(a: Run, b: Run): RunComparison['differences'] {
  const fields: [string, (r: Run) => string][] = [
    ['workload', (r) => r.spec.workload],
    // What ran: a program of the user's (and how its time was read) or a module, else our kernel and pools.
    ['command', (r) => r.spec.command?.template ?? '—'],
    ['serial command', (r) => r.spec.command?.serialTemplate ?? '—'],
    [
      'time read',
      (r) =>
        !r.spec.command
          ? '—'
          : r.spec.command.timeRegex
            ? `/${r.spec.command.timeRegex}/ in ${r.spec.command.timeUnit}`
            : 'whole process',
    ],
    ['module', (r) => r.spec.module?.path ?? '—'],
    ['kernel', (r) => settingText(r.spec, 'kernel')],
    ['executor', (r) => settingText(r.spec, 'executor')],
    ['transfer', (r) => settingText(r.spec, 'transfer')],
    // How each run measured: a warm-up or a looser target changes times as much as a kernel does.
    ['min samples', (r) => String(r.spec.repetitions)],
    ['warm-ups', (r) => String(r.spec.warmups)],
    ['target', (r) => `±${+(r.spec.target * 100).toFixed(2)}%`],
    ['max samples', (r) => String(r.spec.maxSamples)],
    ['max time', (r) => `${r.spec.maxTimeMs} ms`],
    ['processes', (r) => String(r.spec.processes ?? 1)],
    ['seed', (r) => String(r.spec.seed)],
    // Where: two nodes of one CPU model read as one machine by the field below. (An import may come from any
    // machine, this one included: only a target is known for sure.)
    ['ssh target', (r) => r.target ?? '—'],
    ['machine', (r) => `${r.machine.cpuModel}, ${r.machine.logicalCores} cores`],
    ['node', (r) => r.machine.node],
  ]
  return fields
    .map(([field, get]) => ({ field, baseline: get(a), candidate: get(b) }))
    .filter((d) => d.baseline !== d.candidate)
}

/** Compares candidate run B against baseline run A, cell by cell. */
export function compareRuns(a: Run, b: Run, options: CompareOptions = {}): RunComparison {
  const resamples = Math.max(100, Math.min(100_000, Math.floor(options.resamples ?? DEFAULT_RESAMPLES)))
  const seed = (options.seed ?? DEFAULT_COMPARE_SEED) >>> 0
  const noise = options.noise ?? DEFAULT_NOISE
  // Seeded, so a comparison prints the same interval every time it is made.
  const rng = mulberry32(seed)
  const serialA = serialByN(a)
  const serialB = serialByN(b)
  const bCells = new Map(b.cells.filter(measured).map((c) => [cellKey(c), c]))
  const aMeasured = a.cells.filter(measured)
  // One resampler per cell: a size's serial cell is behind every pool's row of that size.
  const resamplers = new Map<Cell, (rng: () => number) => number>()
  const resampler = (c: Cell) => {
    let made = resamplers.get(c)
    if (!made) resamplers.set(c, (made = medianResampler(c.samplesMs)))
    return made
  }

  const cells: CellComparison[] = []
  for (const ca of aMeasured) {
    const cb = bCells.get(cellKey(ca))
    if (cb === undefined) continue
    const sa = ca.serial ? undefined : serialA.get(ca.n)
    const sb = cb.serial ? undefined : serialB.get(cb.n)
    const withSpeedup = sa !== undefined && sb !== undefined
    const side = (c: Cell, s: Cell | undefined): CellSide => ({
      medianMs: median(c.samplesMs),
      samples: c.samplesMs.length,
      flags: c.flags.map((f) => f.kind),
      speedup: s === undefined ? null : median(s.samplesMs) / median(c.samplesMs),
    })
    const baseline = side(ca, sa)
    const candidate = side(cb, sb)
    const timePoint = candidate.medianMs / baseline.medianMs
    const speedupPoint =
      baseline.speedup !== null && candidate.speedup !== null ? candidate.speedup / baseline.speedup : null
    // The cells whose medians the row's intervals rest on.
    const behind = withSpeedup ? [ca, cb, sa, sb] : [ca, cb]
    const few = behind.some((c) => c.samplesMs.length < MIN_COMPARE_SAMPLES)
    const machine = machineRatio(ca.speedCheck, cb.speedCheck)
    const level = Math.min(COMPARE_CONFIDENCE, ...behind.map((c) => c.stats?.ciLevel ?? COMPARE_CONFIDENCE))
    const base = {
      n: ca.n,
      entries: ca.entries,
      serial: ca.serial,
      pool: ca.pool,
      chunkSpec: ca.chunkSpec,
      chunkRows: ca.chunkRows,
      baseline,
      candidate,
      level,
    }
    if (few) {
      const point = (ratio: number): RatioInterval => ({ ratio, low: ratio, high: ratio })
      cells.push({
        ...base,
        time: point(timePoint),
        speedup: speedupPoint === null ? null : point(speedupPoint),
        verdict: 'too few samples',
        machine,
        withinMachine: false,
      })
      continue
    }
    const times = new Float64Array(resamples)
    const speedups = new Float64Array(withSpeedup ? resamples : 0)
    // Cells of several processes: their medians resampled over processes, then samples (seeded from this rng).
    const grouped = (c: Cell | undefined): Float64Array | null => {
      const groups = c ? processGroups(c.samplesMs, c.processSamples) : null
      return groups ? groupedBootstrapMedians(groups, Math.floor(rng() * 2 ** 32), resamples) : null
    }
    const [ga, gb, gsa, gsb] = [grouped(ca), grouped(cb), grouped(sa), grouped(sb)]
    const [ra, rb] = [resampler(ca), resampler(cb)]
    const [rsa, rsb] = withSpeedup ? [resampler(sa), resampler(sb)] : [null, null]
    for (let r = 0; r < resamples; r++) {
      const ma = ga ? ga[r] : ra(rng)
      const mb = gb ? gb[r] : rb(rng)
      times[r] = mb / ma
      if (rsa && rsb) {
        const msa = gsa ? gsa[r] : rsa(rng)
        const msb = gsb ? gsb[r] : rsb(rng)
        speedups[r] = msb / mb / (msa / ma)
      }
    }
    const time = interval(timePoint, times)
    const verdict = verdictOf(time, noise)
    cells.push({
      ...base,
      time,
      speedup: withSpeedup && speedupPoint !== null ? interval(speedupPoint, speedups) : null,
      verdict,
      machine,
      withinMachine: isWithinMachine(verdict, time, machine),
    })
  }
  const aKeys = new Set(aMeasured.map(cellKey))
  const counts: Record<Verdict, number> = { faster: 0, slower: 0, 'no change': 0, 'too few samples': 0 }
  for (const c of cells) counts[c.verdict] += 1
  const ratios = cells.flatMap((c) => (c.machine === null ? [] : [c.machine]))
  const machine =
    ratios.length > 0 ? { low: Math.min(...ratios), high: Math.max(...ratios), cells: ratios.length } : null
  return {
    baseline: { id: a.id, name: a.name, createdAt: a.createdAt },
    candidate: { id: b.id, name: b.name, createdAt: b.createdAt },
    method: {
      kind: 'percentile bootstrap of the ratio of medians',
      confidence: COMPARE_CONFIDENCE,
      resamples,
      seed,
      noise,
    },
    differences: differences(a, b),
    cells,
    chunksUsed: chunkUsed(a.spec) || chunkUsed(b.spec),
    onlyInBaseline: aMeasured.length - cells.length,
    onlyInCandidate: [...bCells.keys()].filter((k) => !aKeys.has(k)).length,
    counts,
    machine,
    withinMachine: cells.filter((c) => c.withinMachine).length,
  }
}

/** The flags of either side of a compared cell, "A: unstable · B: busy-machine"; '' when neither has any. */
export function flagsText(c: Pick<CellComparison, 'baseline' | 'candidate'>): string {
  const sides: [string, FlagKind[]][] = [
    ['A', c.baseline.flags],
    ['B', c.candidate.flags],
  ]
  return sides
    .filter(([, kinds]) => kinds.length > 0)
    .map(([side, kinds]) => `${side}: ${kinds.join(', ')}`)
    .join(' · ')
}

// An imported run's figures held against its own samples. The engine derives every cell's statistics, base case,
// speedup and efficiency from its samples (engine/analysis.ts); a run from elsewhere whose figures say otherwise (a
// median outside its own interval, a speedup its times do not give, a stop on a target its interval misses) was
// edited or forged, and is refused rather than shown beside runs measured here. What a file cannot be checked on
// cheaply (the seeded bootstraps behind the speedup, efficiency and Karp–Flatt intervals, the interval over
// processes, the Amdahl fits) is derived again from the samples, with the run's seed, as the engine derived it
// (withDerivedFigures); so are the flags and the verdict, so a warning taken out of the file comes back. Pure.
import type { z } from 'zod'
import type { Cell, Run } from '../../common/contract'
import {
  CONFIDENCE,
  mean,
  median,
  medianInterval,
  processGroups,
  relativeHalfWidth,
  stddev,
} from '../../common/stats'
import { analyzeCells } from '../engine/analysis'
import { passes, resultCheck } from '../engine/check'
import { unplannedCell } from '../engine/plan'
import { runVerdict } from '../engine/speed'

/** Relative slack for figures recomputed in floating point (the engine's own arithmetic, redone here). */
const SLACK = 1e-9

const differs = (a: number, b: number): boolean =>
  Math.abs(a - b) > SLACK * Math.max(Math.abs(a), Math.abs(b))
const shown = (x: number): string => String(Number(x.toPrecision(6)))
/** Inside [low, high], an end met within the slack: a point on its interval's end, recomputed, may round past it. */
const within = (x: number, low: number, high: number): boolean =>
  x >= low - SLACK * Math.abs(low) && x <= high + SLACK * Math.abs(high)

/**
 * The first figure of the run that its samples contradict, as an issue at that field (its message words as the
 * import's refusals do: "is …" after the field's name, or a whole sentence); null when all agree.
 */
export function figureIssue(run: Run): z.core.$ZodIssue | null {
  // Where a cell stands comes first: a figure can only be held against a cell its sweep could have measured.
  const unplanned = unplannedCell(run.spec, run.cells)
  if (unplanned) {
    const { index, field, message } = unplanned
    return { code: 'custom', path: ['cells', index, ...(field ? [field] : [])], message, input: undefined }
  }
  const negative = negativeRunTime(run)
  if (negative) {
    const [path, message] = negative
    return { code: 'custom', path, message, input: undefined }
  }
  // Each size's serial cell: its median (the base of the speedups) and its result (what the others are checked to).
  const bases = new Map<number, number>()
  const serialResults = new Map<number, number>()
  for (const cell of run.cells) {
    if (!cell.serial) continue
    if (cell.samplesMs.length > 0) bases.set(cell.n, median(cell.samplesMs))
    if (cell.result !== null) serialResults.set(cell.n, cell.result)
  }
  for (let i = 0; i < run.cells.length; i++) {
    const found =
      cellIssue(run.cells[i], bases, measuredTarget(run)) ??
      resultIssue(run.spec, run.cells[i], serialResults)
    if (found) {
      const [path, message] = found
      return { code: 'custom', path: ['cells', i, ...path], message, input: undefined }
    }
  }
  return null
}

type Found = [path: (string | number)[], message: string] | null

/** The engine's clocks only count up: a time below 0 anywhere in a run was written by hand. */
const isNegative = (ms: number | null | undefined): ms is number => ms !== null && ms !== undefined && ms < 0

/** The run's own times (its duration, its pools' start-up) that are negative, the first one. */
function negativeRunTime(run: Run): Found {
  if (isNegative(run.durationMs)) return [['durationMs'], `is negative (${shown(run.durationMs)} ms)`]
  for (const [i, startup] of run.poolStartup.entries()) {
    for (const key of ['coldMs', 'roundTripMs'] as const) {
      const ms = startup[key]
      if (isNegative(ms)) return [['poolStartup', i, key], `is negative (${shown(ms)} ms)`]
    }
  }
  return null
}

/**
 * A cell's times besides its samples: the kernel and process times, one per sample or none (a program that reports
 * no time of its own has none; a cell whose time regex misses fails), so a shorter list left empty `kernel_ms`
 * fields in the samples CSV; and none of them, nor the breakdown's parts, below 0. The first one that is not so.
 */
function cellTimeIssue(cell: Cell): Found {
  const samples = cell.samplesMs.length
  for (const [key, what] of [
    ['kernelMs', 'kernel'],
    ['processMs', 'process'],
  ] as const) {
    const times = cell[key]
    if (times && times.length > 0 && times.length !== samples)
      return [
        [key],
        `${times.length} ${what} time${times.length === 1 ? '' : 's'} for ${samples} sample${samples === 1 ? '' : 's'}: a cell holds one per sample, or none`,
      ]
    const ms = times?.find((t) => t < 0)
    if (isNegative(ms)) return [[key], `a ${what} time is negative (${shown(ms)} ms)`]
  }
  for (const [key, ms] of Object.entries(cell.breakdown ?? {}))
    if (isNegative(ms))
      return [
        ['breakdown', key],
        `the breakdown's ${key.replace(/Ms$/, '')} time is negative (${shown(ms)} ms)`,
      ]
  return null
}

/**
 * The precision target the run was measured with: its protocol's record (what `history show` prints), else the
 * spec's. A file whose spec was edited to a looser target keeps the target its cells were judged against.
 */
const measuredTarget = (run: Run): number => run.protocol?.targetRelSpread ?? run.spec.target

function cellIssue(cell: Cell, bases: Map<number, number>, target: number): Found {
  const negative = cell.samplesMs.findIndex((ms) => ms < 0)
  if (negative >= 0)
    return [['samplesMs'], `a sample time is negative (${shown(cell.samplesMs[negative])} ms)`]
  const otherTimes = cellTimeIssue(cell)
  if (otherTimes) return otherTimes
  const { stats } = cell
  if (stats === null) return null
  if (cell.samplesMs.length === 0) return [['stats'], 'statistics are given for a cell without samples']
  const own = median(cell.samplesMs)
  if (differs(stats.median, own))
    return [
      ['stats', 'median'],
      `is ${shown(stats.median)} ms, not the median of its samples (${shown(own)})`,
    ]
  if (differs(stats.min, Math.min(...cell.samplesMs)) || differs(stats.max, Math.max(...cell.samplesMs)))
    return [['stats'], 'the fastest or slowest time is not among its samples']
  if (differs(stats.mean, mean(cell.samplesMs)))
    return [
      ['stats', 'mean'],
      `is ${shown(stats.mean)} ms, not the mean of its samples (${shown(mean(cell.samplesMs))})`,
    ]
  if (differs(stats.stddev, stddev(cell.samplesMs)))
    return [
      ['stats', 'stddev'],
      `is ${shown(stats.stddev)} ms, not the standard deviation of its samples (${shown(stddev(cell.samplesMs))})`,
    ]
  const counted = cell.processSamples?.reduce((sum, k) => sum + k, 0)
  if (counted !== undefined && counted !== cell.samplesMs.length)
    return [
      ['processSamples'],
      `count ${counted} samples over the processes, not the ${cell.samplesMs.length} the cell holds`,
    ]
  // One process's interval is its samples' order statistics, exactly; over processes it is a seeded bootstrap
  // (not redone here), held to the checks below.
  if (processGroups(cell.samplesMs, cell.processSamples) === null) {
    const order = medianInterval(cell.samplesMs)
    if (
      differs(stats.ci95Low, order.low) ||
      differs(stats.ci95High, order.high) ||
      differs(stats.ciLevel, order.level)
    )
      return [
        ['stats', 'ci95Low'],
        `the 95% interval ${shown(stats.ci95Low)}–${shown(stats.ci95High)} ms (at ${shown(stats.ciLevel)}) is not the one its samples give (${shown(order.low)}–${shown(order.high)}, at ${shown(order.level)})`,
      ]
  }
  const half = relativeHalfWidth(stats.median, { low: stats.ci95Low, high: stats.ci95High })
  if (differs(stats.relSpread, half))
    return [
      ['stats', 'relSpread'],
      `is ${shown(stats.relSpread)}, not the half-width of its own interval (${shown(half)})`,
    ]
  if (!within(stats.median, stats.ci95Low, stats.ci95High))
    return [
      ['stats', 'median'],
      `the median time lies outside its own 95% interval (${shown(stats.ci95Low)}–${shown(stats.ci95High)})`,
    ]
  if (stats.ci95Low < stats.min || stats.ci95High > stats.max)
    return [['stats', 'ci95Low'], 'the 95% interval reaches beyond the fastest and slowest samples']
  // A cell of one process stops on its target only when its median's 95% interval is within it (sampling.ts):
  // a file that says so of a wider interval took its unstable flag away.
  const missed = stats.ciLevel < CONFIDENCE || stats.relSpread > target * (1 + SLACK)
  if (
    cell.stopReason === 'target' &&
    target > 0 &&
    missed &&
    !processGroups(cell.samplesMs, cell.processSamples)
  )
    return [
      ['stopReason'],
      `its stop reason says it met the ±${shown(target * 100)}% target, but its interval is ±${shown(stats.relSpread * 100)}%${stats.ciLevel < CONFIDENCE ? ` at ${shown(stats.ciLevel * 100)}%` : ''}`,
    ]
  return speedupIssue(cell, stats.median, bases.get(cell.n) ?? null)
}

function speedupIssue(cell: Cell, own: number, base: number | null): Found {
  if (cell.baseMs !== null && (base === null || differs(cell.baseMs, base)))
    return [['baseMs'], `is ${shown(cell.baseMs)} ms, not the median of this size's serial samples`]
  if (cell.speedup === null) return null
  if (base === null || differs(cell.speedup, base / own))
    return [
      ['speedup'],
      `is ${shown(cell.speedup)}, not what its times give (${base === null ? 'no base case' : shown(base / own)})`,
    ]
  if (cell.efficiency !== null && differs(cell.efficiency, cell.speedup / cell.pool))
    return [
      ['efficiency'],
      `is ${shown(cell.efficiency)}, not the speedup over the pool size (${shown(cell.speedup / cell.pool)})`,
    ]
  const ci = cell.speedupCi
  if (ci !== null && !within(cell.speedup, ci.low, ci.high))
    return [['speedup'], `the speedup lies outside its own 95% interval (${shown(ci.low)}–${shown(ci.high)})`]
  return null
}

/**
 * A cell that did not fail passed its workload's result check (engine/check.ts resultCheck): its result error, and
 * its result against its size's serial result, are within the check's tolerance. A file that marks a wrong result
 * as passed (an error of 0.5, a sum off the serial sum) would show it beside results that are right.
 */
function resultIssue(spec: Run['spec'], cell: Cell, serialResults: Map<number, number>): Found {
  if (cell.status === 'failed') return null
  const check = resultCheck(spec, cell.n)
  const beyond = `beyond the ${shown(check.tolerance)} its result check allows a cell that did not fail`
  if (cell.relError !== null && cell.relError < 0)
    return [['relError'], `is negative (${shown(cell.relError)})`]
  if (cell.relError !== null && !passes(check, cell.relError))
    return [['relError'], `is ${shown(cell.relError)}, ${beyond}`]
  const base = serialResults.get(cell.n)
  if (cell.serial || cell.result === null || base === undefined) return null
  const off = check.error(base, cell.result)
  if (!passes(check, off))
    return [
      ['result'],
      `is ${cell.result}, off its size's serial result (${base}) by ${shown(off)}, ${beyond}`,
    ]
  return null
}

/**
 * Samples an import derives its figures from at most: the bootstraps take about 36 ms per 1,000-sample cell on a
 * 2-core VM, so an import is checked in well under a minute (a whole history of 50 runs of 9 cells × 1,000 samples:
 * 450,000), where a crafted file of 8 million samples would take five. A larger import is refused in one line; its
 * runs can be imported a few at a time.
 */
export const MAX_REDERIVED_SAMPLES = 1_000_000

/**
 * The run with every derived figure derived again from its samples, as the engine derived them (the same seed,
 * cores, target and warm-ups, so a run measured here comes back unchanged): the speedup, efficiency and Karp–Flatt
 * intervals, an interval over processes, the fits, the flags (a slow-machine flag was judged against the
 * measuring machine's record, which the file does not hold: the file's own is kept) and the verdict. Run after
 * figureIssue, on figures it accepted.
 */
export function withDerivedFigures(run: Run): Run {
  const { cells: analysed, fits } = analyzeCells(run.cells, {
    seed: run.spec.seed,
    logicalCores: run.machine.logicalCores,
    targetRelSpread: measuredTarget(run),
    warmups: run.protocol?.warmups ?? run.spec.warmups,
    transfer: run.spec.transfer,
  })
  const cells = analysed.map((cell, i) => ({
    ...cell,
    flags: [...cell.flags, ...run.cells[i].flags.filter((f) => f.kind === 'slow-machine')],
  }))
  const source = run.speed?.reference?.source ?? 'machine'
  return {
    ...run,
    cells,
    fits,
    // A run recorded before verdicts were kept has none, and gets none here; one that records where its load was
    // read (as every run since verdicts does) gets it said again even where the file left it out.
    ...((run.verdict || run.protocol?.loadSource !== undefined) && cells.length > 0
      ? { verdict: runVerdict(cells, run.machine.logicalCores, source) }
      : {}),
  }
}

// A sweep measured in several fresh processes (spec.processes, `--processes K`), as pyperf measures in many: the
// whole sweep runs K times, one fresh engine process after another, each with its own cell order, and the runs
// are merged into one whose cells keep which process took which sample. A single process's interval says how
// precisely that process measured; it says nothing of the next process, which may run 5–10% apart throughout
// (memory placement, thread placement, the host's mood: scripts/bench/repro.ts). The merged cell's interval is
// bootstrapped over processes, then over samples (common/stats.ts groupedBootstrapMedians), so it holds that too.
import type { Cell, Progress, Run, SpeedCheck, StopReason } from '../../common/contract'
import { MAX_SPEED_CHECKS } from '../../common/contract'
import { randomInt } from 'node:crypto'
import { median, mixSeed } from '../../common/stats'
import { analyzeCells, type MeasuredCell } from './analysis'
import type { RunOptions } from './options'
import { newRunId } from './run-record'
import { judgeSpeed } from './speed'
import type { SweepEngine } from './sweep-engine'

const cellKey = (c: Pick<Cell, 'n' | 'pool' | 'chunkSpec' | 'serial'>) =>
  `${c.n}|${c.serial ? 'serial' : `${c.pool}|${c.chunkSpec}`}`

/** Worst first: the merged cell stops for the worst reason any of its processes stopped for. */
const STOP_ORDER: readonly StopReason[] = ['failed', 'cancelled', 'budget-time', 'budget-count', 'target']

function worstStop(reasons: readonly (StopReason | null | undefined)[]): StopReason | null {
  for (const reason of STOP_ORDER) if (reasons.includes(reason)) return reason
  return null
}

/**
 * The slowest of the processes' checks of one cell, part by part (each already the median over its samples): a
 * process the host ran slower is part of the cell's samples, so the cell is flagged slow-machine if any process
 * was. A median here hid it: two processes of four ran a cell 1.4× slower, and the merged cell read 1.04×.
 */
function slowestCheck(checks: readonly (SpeedCheck | null | undefined)[]): SpeedCheck | null {
  const known = checks.filter((c): c is SpeedCheck => !!c)
  if (known.length === 0) return null
  return {
    computeMs: Math.max(...known.map((c) => c.computeMs)),
    memoryMs: Math.max(...known.map((c) => c.memoryMs)),
  }
}

/** Weighted by how long each process's share was read; null where no process could read it. */
function pooledShare(
  cells: readonly Cell[],
  share: (c: Cell) => number | null | undefined,
): { share: number | null; sampledMs: number | null } {
  let weight = 0
  let total = 0
  let known = 0
  for (const c of cells) {
    const x = share(c)
    if (typeof x !== 'number') continue
    known++
    const w = typeof c.busySampledMs === 'number' ? c.busySampledMs : 1
    weight += w
    total += x * w
  }
  if (known === 0) return { share: null, sampledMs: null }
  const sampled = cells.every((c) => typeof c.busySampledMs === 'number')
    ? cells.reduce((s, c) => s + (c.busySampledMs ?? 0), 0)
    : null
  return { share: weight > 0 ? total / weight : 0, sampledMs: sampled }
}

/** One cell from the same cell of each process, in process order. */
function mergeCell(parts: readonly Cell[]): MeasuredCell {
  const first = parts[0]
  const failed = parts.find((c) => c.status === 'failed')
  const status: Cell['status'] = failed
    ? 'failed'
    : parts.some((c) => c.status === 'cancelled')
      ? 'cancelled'
      : 'ok'
  const busy = pooledShare(parts, (c) => c.busyCpuFraction)
  const steal = pooledShare(parts, (c) => c.stealFraction)
  // A breakdown is one sample's, not an average: that of the process whose median sample lies nearest the median
  // of all the samples (the middle process's was up to 18% off it when one process took most of the samples).
  const pooled = median(parts.flatMap((c) => c.samplesMs))
  let typical = first
  let nearest = Infinity
  for (const c of parts) {
    const off = c.breakdown && c.stats ? Math.abs(c.stats.median - pooled) : Infinity
    if (off < nearest) [typical, nearest] = [c, off]
  }
  const errors = parts.map((c) => c.relError).filter((e): e is number => e !== null)
  const measured = stripDerived(first)
  delete measured.error
  return {
    ...measured,
    status,
    ...(failed?.error ? { error: failed.error } : {}),
    samplesMs: parts.flatMap((c) => c.samplesMs),
    kernelMs: parts.flatMap((c) => c.kernelMs),
    // A command's whole-process times, per sample like samplesMs (absent for our kernels).
    ...(parts.some((c) => c.processMs) ? { processMs: parts.flatMap((c) => c.processMs ?? []) } : {}),
    processSamples: parts.map((c) => c.samplesMs.length),
    result: failed ? failed.result : first.result,
    relError: errors.length > 0 ? Math.max(...errors) : null,
    stopReason: worstStop(parts.map((c) => c.stopReason)),
    batch: Math.max(...parts.map((c) => c.batch ?? 1)),
    busyCpuFraction: busy.share,
    ...(busy.sampledMs !== null ? { busySampledMs: busy.sampledMs } : {}),
    stealFraction: steal.share,
    speedCheck: slowestCheck(parts.map((c) => c.speedCheck)),
    slowdown: null,
    breakdown: typical.breakdown ?? null,
  }
}

/**
 * The runs of one spec, each measured in its own process, as one run: the first's identity, every cell's samples
 * from all processes (processSamples says whose), analysed again over processes, and the speed checks of all.
 * A cell that only some processes reached (a cancel) is merged over those.
 */
export function mergeProcessRuns(
  parts: readonly Run[],
  status: Run['status'],
  error?: string,
  /** 0 for checkpoints: no bootstrap (no speedup intervals, no fits), as the runner's own checkpoints. */
  resamples?: number,
): Run {
  if (parts.length === 0) throw new Error('no process ran')
  const first = parts[0]
  if (parts.length === 1) return { ...first, status }
  const order: string[] = []
  const byKey = new Map<string, Cell[]>()
  for (const run of parts) {
    for (const cell of run.cells) {
      const key = cellKey(cell)
      if (!byKey.has(key)) order.push(key)
      byKey.set(key, [...(byKey.get(key) ?? []), cell])
    }
  }
  const merged = order.map((key) => {
    const cells = byKey.get(key) as Cell[]
    return cells.length === 1 ? stripDerived(cells[0]) : mergeCell(cells)
  })
  const { spec } = first
  const analysed = analyzeCells(merged, {
    seed: spec.seed,
    logicalCores: first.machine.logicalCores,
    targetRelSpread: spec.target,
    warmups: first.protocol?.warmups ?? spec.warmups,
    transfer: spec.transfer,
    ...(resamples === undefined ? {} : { resamples }),
  })
  const checks = parts.flatMap((r) => r.speed?.checks ?? []).slice(0, MAX_SPEED_CHECKS)
  const run: Run = {
    ...first,
    status,
    durationMs: parts.reduce((s, r) => s + r.durationMs, 0),
    // Start-up is recorded once per pool size, as a single process does: the first process's.
    poolStartup: first.poolStartup,
    cells: analysed.cells,
    fits: analysed.fits,
    speed: { checks, reference: null },
    verdict: null,
  }
  if (error === undefined) delete run.error
  else run.error = error.slice(0, 2000)
  // Held against the fastest check of all processes here; the driver judges it again with the machine's record.
  return judgeSpeed(run, [], run.machine.logicalCores)
}

/** The spec with the order seed the user gave, or none (a fresh one per run, which the protocol records). */
function withOrderSeed(spec: Run['spec'], orderSeed: number | undefined): Run['spec'] {
  const { orderSeed: _mixed, ...rest } = spec
  return orderSeed === undefined ? rest : { ...rest, orderSeed }
}

/** A cell only one process reached, as measured (its figures are derived again with the others'). */
function stripDerived(cell: Cell): MeasuredCell {
  const {
    stats: _stats,
    speedup: _s,
    efficiency: _e,
    karpFlatt: _k,
    baseMs: _b,
    speedupCi: _sc,
    efficiencyCi: _ec,
    karpFlattCi: _kc,
    flags: _f,
    ...measured
  } = cell
  return measured
}

/** Progress of process k of K as progress of the whole: the cells and the fraction of all K sweeps. */
export function progressOf(p: Progress, k: number, processes: number, runId: string): Progress {
  return {
    ...p,
    runId,
    cellsDone: k * p.cellsTotal + p.cellsDone,
    cellsTotal: processes * p.cellsTotal,
    fraction: (k + p.fraction) / processes,
    etaMs: p.etaMs === null ? null : p.etaMs + (processes - 1 - k) * (p.elapsedMs + p.etaMs),
  }
}

/**
 * An engine that measures a spec of `processes` K > 1 as K sweeps on `fresh`, an engine that starts a new process
 * per sweep (hostEngine), and merges them. Each process gets its own order seed (derived from the spec's, if it
 * has one, so a replay replays). A cancel ends the current process and keeps what all processes measured; a
 * failed process fails the run with its error, keeping the processes before it.
 */
export function inFreshProcesses(fresh: SweepEngine): SweepEngine {
  return {
    close: () => fresh.close(),
    freshProcess: true,
    async runSweep(spec, opts: RunOptions = {}) {
      const processes = spec.processes ?? 1
      if (processes <= 1) return fresh.runSweep(spec, opts)
      const parts: Run[] = []
      // One id for every process: checkpoints and the saved run are one run in the history.
      const runId = opts.runId ?? newRunId()
      // One seed for the whole run (the one given, else a fresh one), mixed with k for process k: recorded as
      // the run's order seed, it replays every process's order (--order-seed S --processes K).
      const base = spec.orderSeed ?? randomInt(0, 2 ** 32)
      const recorded = (run: Run): Run => ({
        ...run,
        spec: withOrderSeed(run.spec, spec.orderSeed),
        ...(run.protocol ? { protocol: { ...run.protocol, orderSeed: base } } : {}),
      })
      const merged = (...args: Parameters<typeof mergeProcessRuns>) => recorded(mergeProcessRuns(...args))
      for (let k = 0; k < processes; k++) {
        const orderSeed = mixSeed(base, k)
        const part = await fresh.runSweep(
          { ...spec, orderSeed },
          {
            ...opts,
            runId,
            onProgress: opts.onProgress && ((p) => opts.onProgress?.(progressOf(p, k, processes, runId))),
            onCell:
              opts.onCell &&
              ((partial) => opts.onCell?.(merged([...parts, partial], partial.status, partial.error, 0))),
          },
        )
        parts.push(part)
        if (part.status !== 'complete') {
          return merged(parts, part.status, part.error)
        }
        if (opts.signal?.aborted) return merged(parts, 'cancelled')
      }
      return merged(parts, 'complete')
    },
  }
}

// A sweep of a command workload: every cell's program run once per sample, interleaved as for our kernels, one
// process at a time (the program brings its own parallelism), each result checked against the base case.
import type { Cell, CommandSpec, Run, SweepSpec } from '../../../common/contract'
import { machineInfo } from '../machine'
import { defaultName, interleave, planSweep, type PlannedCell, type SizePlan } from '../plan'
import { ProgressTracker } from '../progress'
import { fitAmdahl, karpFlatt, summarize } from '../../../common/stats'
import type { RunOptions } from '../options'
import { newRunId, INTERRUPTED } from '../runner'
import { cellInvocation, runCommandSample } from './sample'
import { resultError } from './report'
import { TemplateError } from './template'

interface CellState {
  plan: PlannedCell
  display: string
  samplesMs: number[]
  reportedMs: number[]
  processMs: number[]
  /** Time spent in this cell's processes so far: the per-cell timeout is a budget for all of them. */
  spentMs: number
  result: number | null
  relError: number | null
  failed: string | null
  stepsLeft: number
}

function finishCell(state: CellState, status: Cell['status'], baseMedian: number | null): Cell {
  const { plan } = state
  const stats = state.samplesMs.length > 0 ? summarize(state.samplesMs) : null
  const ok = status === 'ok' && stats !== null
  const speedup = ok && baseMedian !== null && stats.median > 0 ? baseMedian / stats.median : null
  return {
    n: plan.n,
    entries: plan.n * plan.n,
    pool: plan.pool,
    chunkSpec: plan.chunkSpec,
    chunkRows: plan.chunkRows,
    tasks: plan.tasks,
    serial: plan.serial,
    status,
    ...(state.failed ? { error: state.failed.slice(0, 2000) } : {}),
    samplesMs: state.samplesMs,
    kernelMs: state.reportedMs,
    processMs: state.processMs,
    command: state.display,
    stats,
    result: state.result,
    relError: state.relError,
    speedup,
    efficiency: speedup !== null ? speedup / plan.pool : null,
    karpFlatt: speedup !== null ? karpFlatt(speedup, plan.pool) : null,
  }
}

/** A run that ends before any cell, with one line saying why (a workload this build cannot run yet). */
export function refusedRun(spec: SweepSpec, why: string, opts: RunOptions = {}): Run {
  return {
    schema: 1,
    id: opts.runId ?? newRunId(),
    createdAt: new Date().toISOString(),
    name: spec.name || defaultName(spec),
    spec,
    machine: machineInfo(),
    status: 'failed',
    error: why,
    durationMs: 0,
    poolStartup: [],
    fits: [],
    cells: [],
  }
}

export async function runCommandSweep(spec: SweepSpec, opts: RunOptions = {}): Promise<Run> {
  const started = performance.now()
  const run: Run = {
    schema: 1,
    id: opts.runId ?? newRunId(),
    createdAt: new Date().toISOString(),
    name: spec.name || defaultName(spec),
    spec,
    machine: machineInfo(),
    status: 'failed',
    error: INTERRUPTED,
    durationMs: 0,
    poolStartup: [],
    fits: [],
    cells: [],
  }
  const finished = new Map<number, Cell>()
  const plans = planSweep(spec)
  const progress = new ProgressTracker(run.id, plans, spec, opts.onProgress && safe(opts.onProgress))
  const signal = opts.signal
  const snapshot = (): Run => ({
    ...run,
    durationMs: performance.now() - started,
    cells: [...finished.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c),
  })
  const complete = (status: Run['status'], error?: string): Run => {
    run.status = status
    if (error === undefined) delete run.error
    else run.error = error.slice(0, 2000)
    if (status !== 'failed') progress.done()
    return snapshot()
  }

  const command = spec.command
  if (!command) return complete('failed', 'the command workload needs a command')
  try {
    // A template that cannot be split fails the run before any process starts, in one line.
    for (const plan of plans) for (const cell of plan.cells) cellInvocation(spec, command, cell)
  } catch (err) {
    if (err instanceof TemplateError) return complete('failed', err.message)
    throw err
  }
  try {
    for (const plan of plans) {
      if (signal?.aborted) break
      await measureSize(plan, command)
    }
    return signal?.aborted ? complete('cancelled') : complete('complete')
  } finally {
    progress.stop()
  }

  async function measureSize(plan: SizePlan, command: CommandSpec): Promise<void> {
    const perCell = spec.warmups + spec.repetitions
    const states: CellState[] = plan.cells.map((c) => ({
      plan: c,
      display: cellInvocation(spec, command, c).display,
      samplesMs: [],
      reportedMs: [],
      processMs: [],
      spentMs: 0,
      result: null,
      relError: null,
      failed: null,
      stepsLeft: perCell,
    }))
    const base = states[0]
    let baseMedian: number | null = null
    const close = (state: CellState, status: Cell['status']) => {
      state.stepsLeft = 0
      if (state === base && status === 'ok') baseMedian = summarize(state.samplesMs).median
      finished.set(state.plan.index, finishCell(state, status, baseMedian))
      progress.cellDone(state.plan, status)
      if (opts.onCell) safe(opts.onCell)(snapshot())
    }
    const fail = (state: CellState, why: string) => {
      state.failed = why
      close(state, 'failed')
      if (state === base)
        for (const other of states.slice(1))
          if (other.stepsLeft > 0) fail(other, `the base case failed, nothing to check against: ${why}`)
    }

    for (const step of interleave(plan.cells.length, spec.warmups, spec.repetitions)) {
      const state = states[step.cell]
      if (state.stepsLeft === 0) continue
      if (signal?.aborted) break
      const cell = state.plan
      progress.phase({ n: cell.n, pool: cell.pool, chunkRows: cell.chunkRows, serial: cell.serial, phase: step.kind })
      const budget = command.timeoutMs - state.spentMs
      const s = await runCommandSample(cellInvocation(spec, command, cell), command, budget, signal)
      state.spentMs += s.outcome.wallMs
      if (signal?.aborted) break
      if (!s.ok) {
        fail(state, s.failure)
        continue
      }
      const { reading } = s
      if (reading.result !== null) {
        if (state === base) {
          state.result ??= reading.result
          state.relError = 0
        } else if (base.result === null) {
          fail(state, 'the base case has no result to check against')
          continue
        } else {
          state.result = reading.result
          state.relError = resultError(base.result, reading.result)
          if (state.relError > command.resultTolerance) {
            fail(
              state,
              `wrong result: ${reading.result} differs from the base case's ${base.result} by ` +
                `${state.relError.toPrecision(3)} (tolerance ${command.resultTolerance})`,
            )
            continue
          }
        }
      }
      if (step.kind === 'measure') {
        state.samplesMs.push(reading.timeMs)
        state.processMs.push(reading.wallMs)
        if (reading.reportedMs !== null) state.reportedMs.push(reading.reportedMs)
      }
      state.stepsLeft--
      progress.sampleDone(cell)
      if (state.stepsLeft === 0) close(state, 'ok')
    }
    if (signal?.aborted) {
      for (const state of states) if (state.stepsLeft > 0) close(state, 'cancelled')
      return
    }
    const fit = fitAmdahl(plan.n, bestPerPool(plan.cells.map((c) => finished.get(c.index))))
    if (fit) run.fits.push(fit)
  }
}

/** A listener that throws must not take the measurement down with it. */
function safe<T>(listener: (value: T) => void): (value: T) => void {
  return (value) => {
    try {
      listener(value)
    } catch (err) {
      console.error(`amdahl engine: a listener failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
}

/** Per pool size > 1, the ok cell with the lowest median: the points of the Amdahl fit (as for our kernels). */
function bestPerPool(cells: Array<Cell | undefined>): { pool: number; speedup: number }[] {
  const best = new Map<number, Cell>()
  for (const c of cells) {
    if (!c || c.serial || c.status !== 'ok' || c.pool <= 1 || !c.stats || c.speedup === null) continue
    const current = best.get(c.pool)
    if (!current || (current.stats && c.stats.median < current.stats.median)) best.set(c.pool, c)
  }
  return [...best.values()].map((c) => ({ pool: c.pool, speedup: c.speedup as number }))
}

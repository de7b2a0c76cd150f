// Runs a sweep: memory check, pools, fill, interleaved samples, result checks, statistics, progress and cancel.
import type { Cell, Run, SweepSpec } from '../../common/contract'
import type { WorkspaceRef } from '../../common/protocol'
import { fillWorkspace } from './fill'
import { machineInfo, logicalCores } from './machine'
import { Workspaces, views } from './matrix'
import { checkLabels, checkSum } from './check'
import { allocationRefused, centroidsOf, checkFits } from './memory'
import { defaultName, planSweep, poolSizes, type PlannedCell, type SizePlan } from './plan'
import { closePools, errorLine, resolveWorkerScript, startPool, type WorkerPool } from './pool'
import { ProgressTracker } from './progress'
import { cellBreakdown, type SampleParts } from './breakdown'
import { runSample, type Cancellable, type SampleContext } from './sample'
import { fitAmdahl, karpFlatt, summarize } from '../../common/stats'
import type { RunOptions } from './index'

/** The bench and others read the tolerance from here too. */

export const INTERRUPTED = 'interrupted before it finished'

/** A random-looking id that sorts by time: 20261125T101500Z-k3j9x2. */
export function newRunId(): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  return `${stamp}-${Math.random().toString(36).slice(2, 8)}`
}

interface CellState {
  plan: PlannedCell
  samplesMs: number[]
  kernelMs: number[]
  /** Per measured sample, where its wall time went. */
  parts: SampleParts[]
  result: number | null
  relError: number | null
  failed: string | null
  stepsLeft: number
}

const finiteOrNull = (x: number | null) => (x !== null && Number.isFinite(x) ? x : null)

function finishCell(state: CellState, status: Cell['status'], serialMedian: number | null): Cell {
  const { plan } = state
  const stats = state.samplesMs.length > 0 ? summarize(state.samplesMs) : null
  const ok = status === 'ok' && stats !== null
  const speedup = ok && serialMedian !== null && stats.median > 0 ? serialMedian / stats.median : null
  const efficiency = speedup !== null ? speedup / plan.pool : null
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
    kernelMs: state.kernelMs,
    stats,
    // A broken kernel may answer NaN: the cell has failed saying so, and the record stays valid JSON.
    result: finiteOrNull(state.result),
    relError: finiteOrNull(state.relError),
    speedup,
    efficiency,
    karpFlatt: speedup !== null ? karpFlatt(speedup, plan.pool) : null,
    breakdown: cellBreakdown(state.parts),
  }
}

export async function runSweep(spec: SweepSpec, opts: RunOptions = {}): Promise<Run> {
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
  const progress = new ProgressTracker(
    run.id,
    plans,
    spec,
    opts.onProgress && ((p) => notify(opts.onProgress, p)),
  )
  const signal = opts.signal
  const inFlight = new Set<Cancellable>()
  const onAbort = () => {
    // workerpool rejects a cancelled task at once and replaces the busy worker, so control comes back at once.
    for (const p of inFlight) p.cancel()
  }
  signal?.addEventListener('abort', onAbort)
  const pools = new Map<number, WorkerPool>()
  let fillPool: WorkerPool | null = null
  const workspaces = new Workspaces(spec.sizes, centroidsOf(spec))

  const snapshot = (): Run => ({
    ...run,
    durationMs: performance.now() - started,
    cells: [...finished.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c),
  })
  const complete = (status: Run['status'], error?: string): Run => {
    run.status = status
    if (error === undefined) delete run.error
    else run.error = error.slice(0, 2000)
    // The last event of a complete or cancelled run; a cancelled one reports only the work really done.
    if (status !== 'failed') progress.done()
    return snapshot()
  }

  try {
    if (spec.executor === 'process' && spec.transfer === 'shared') {
      return complete('failed', 'the process executor cannot share memory: use transfer "copy"')
    }
    const refusal = checkFits(spec)
    if (refusal) return complete('failed', refusal)

    const script = resolveWorkerScript(opts.workerScript)
    // Pools of a cancelled run may still be ending: their dying workers must not share the machine with ours.
    await closePools()
    if (signal?.aborted) return complete('cancelled')
    // Every pool lives for the whole run: interleaving needs all pool sizes of an N at hand, and restarting them
    // per N would only repeat the start-up this records once per pool size. None of it is ever inside a sample.
    for (const size of poolSizes(spec)) {
      if (signal?.aborted) return complete('cancelled')
      progress.phase({ n: spec.sizes[0], pool: size, chunkRows: 0, serial: false, phase: 'startup' })
      const pool = await startPool(script, spec.executor, size, opts.startupTimeoutMs, signal)
      pools.set(size, pool)
      run.poolStartup.push(pool.startup)
      if (!pool.kernels.includes(spec.kernel)) {
        return complete('failed', `${spec.kernel} kernels are not available in this build or on this runtime`)
      }
    }
    // The fill always runs in threads: only they can write into the shared workspace, whatever the executor.
    fillPool = spec.executor === 'thread' ? (pools.get(Math.max(...pools.keys())) ?? null) : null
    if (!fillPool || fillPool.size < Math.min(logicalCores(), 2)) {
      fillPool = await startPool(script, 'thread', logicalCores(), opts.startupTimeoutMs, signal)
    }

    for (const plan of plans) {
      if (signal?.aborted) break
      let ref: WorkspaceRef
      try {
        ref = workspaces.forSize(plan.n)
      } catch (err) {
        if (err instanceof RangeError) return complete('failed', allocationRefused(spec, plan.n, err))
        throw err
      }
      progress.phase({ n: plan.n, pool: fillPool.size, chunkRows: 0, serial: false, phase: 'fill' })
      const fillMs = await fillWorkspace(fillPool, ref, spec.seed, (task) => inFlight.add(task))
      inFlight.clear()
      notify(opts.onFill, { n: plan.n, ms: fillMs })
      const outcome = await measureSize(plan, ref)
      if (outcome === 'cancelled') break
    }
    if (signal?.aborted) return complete('cancelled')
    return complete('complete')
  } catch (err) {
    if (signal?.aborted) return complete('cancelled')
    return complete('failed', errorLine(err))
  } finally {
    progress.stop()
    signal?.removeEventListener('abort', onAbort)
    workspaces.release()
    const ending = [...pools.values()]
    if (fillPool && !ending.includes(fillPool)) ending.push(fillPool)
    const terminated = Promise.all(ending.map((p) => p.terminate()))
    // A cancel promises control back at once, and an idle child process holding a large copy takes most of a
    // second to exit: its pools end in the background, tracked by closePools(). A complete or failed run
    // resolves only once its workers are gone, so it never leaves anything running behind its result.
    if (run.status !== 'cancelled') await terminated
  }

  /** Runs every step of one size; cells end up in `finished`, the size's fit in run.fits. */
  async function measureSize(plan: SizePlan, ref: WorkspaceRef): Promise<'done' | 'cancelled'> {
    const ctx: SampleContext = {
      spec,
      ref,
      views: views(ref),
      inFlight,
      stopped: () => signal?.aborted ?? false,
    }
    const perCell = spec.warmups + spec.repetitions
    const states: CellState[] = plan.cells.map((c) => ({
      plan: c,
      samplesMs: [],
      kernelMs: [],
      parts: [],
      result: null,
      relError: null,
      failed: null,
      stepsLeft: perCell,
    }))
    const serial = states[0]
    let serialLabels: Int32Array | null = null
    let serialMedian: number | null = null

    const close = (state: CellState, status: Cell['status']) => {
      state.stepsLeft = 0
      if (state === serial && status === 'ok') serialMedian = summarize(state.samplesMs).median
      finished.set(state.plan.index, finishCell(state, status, serialMedian))
      progress.cellDone(state.plan, perCell, status)
      if (opts.onCell) notify(opts.onCell, snapshot())
    }
    const fail = (state: CellState, why: string) => {
      state.failed = why
      close(state, 'failed')
      if (state === serial) {
        for (const other of states.slice(1)) {
          if (other.stepsLeft > 0) fail(other, `the serial baseline failed, nothing to check against: ${why}`)
        }
      }
    }

    for (const step of plan.steps) {
      const state = states[step.cell]
      if (state.stepsLeft === 0) continue
      if (signal?.aborted) break
      const cell = state.plan
      const pool = pools.get(cell.pool)
      if (!pool) throw new Error(`no pool of ${cell.pool}`)
      progress.phase({
        n: cell.n,
        pool: cell.pool,
        chunkRows: cell.chunkRows,
        serial: cell.serial,
        phase: step.kind,
      })
      // Stale labels from an earlier sample must not hide a task that wrote nothing.
      if (spec.workload === 'assign') ctx.views.labels.fill(-1)
      const s = await runSample(pool, cell, ctx)
      if (signal?.aborted) break
      // Outside the timed region: free the rows the child processes were sent before the next sample.
      if (spec.transfer === 'copy' && pool.executor === 'process') await pool.collect()
      if (s.failure) {
        fail(state, s.failure)
        continue
      }
      const problem = checkResult(state, s.value)
      if (problem) {
        fail(state, problem)
        continue
      }
      if (step.kind === 'measure') {
        state.samplesMs.push(s.wallMs)
        state.kernelMs.push(s.kernelMs)
        state.parts.push(s.parts)
      }
      state.stepsLeft--
      progress.sampleDone(cell)
      if (state.stepsLeft === 0) close(state, 'ok')
    }

    if (signal?.aborted) {
      // Cells of this size still under way are kept, marked 'cancelled' with the samples they had: the
      // record shows what was measured. Sizes not yet started are left out of the run altogether.
      for (const state of states) if (state.stepsLeft > 0) close(state, 'cancelled')
      return 'cancelled'
    }
    const fit = fitAmdahl(plan.n, bestPerPool(plan.cells.map((c) => finished.get(c.index))))
    if (fit) run.fits.push(fit)
    return 'done'

    /** Checks a sample's result against the serial result; returns why it is wrong, or null. */
    function checkResult(state: CellState, value: number): string | null {
      const isSerial = state === serial
      if (!Number.isFinite(value)) return `wrong result: the kernel returned ${value}`
      if (spec.workload === 'sum') {
        if (isSerial) {
          state.result = value
          state.relError = 0
          return null
        }
        if (serial.result === null) return 'the serial baseline has no result to check against'
        const { relError, problem } = checkSum(serial.result, value, ref.layout.n)
        state.result = value
        state.relError = relError
        return problem
      }
      const labels = ctx.views.labels
      if (isSerial) {
        serialLabels ??= labels.slice()
        state.result = value
        state.relError = 0
        return null
      }
      if (!serialLabels) return 'the serial baseline has no labels to check against'
      const { relError, problem } = checkLabels(serialLabels, labels, { expected: serial.result, got: value })
      state.result = value
      state.relError = relError
      return problem
    }
  }
}

/** A listener that throws (a full disk under a checkpoint, say) must not take the measurement down with it. */
function notify<T>(listener: ((value: T) => void) | undefined, value: T): void {
  try {
    listener?.(value)
  } catch (err) {
    console.error(`amdahl engine: a listener failed: ${errorLine(err)}`)
  }
}

/** Per pool size > 1, the ok cell with the lowest median (the best chunking): the points of the Amdahl fit. */
function bestPerPool(cells: Array<Cell | undefined>): { pool: number; speedup: number }[] {
  const best = new Map<number, Cell>()
  for (const c of cells) {
    if (!c || c.serial || c.status !== 'ok' || c.pool <= 1 || !c.stats || c.speedup === null) continue
    const current = best.get(c.pool)
    if (!current || (current.stats && c.stats.median < current.stats.median)) best.set(c.pool, c)
  }
  return [...best.values()].map((c) => ({ pool: c.pool, speedup: c.speedup as number }))
}

// One timed sample of one cell: dispatch every task (copying rows first for transfer 'copy'), wait, reduce.
import type { SweepSpec } from '../../common/contract'
import type { TaskReply, WorkspaceRef, WorkTask } from '../../common/protocol'
import { combinePartials, type ModuleRef, type UserModule } from '../../common/user-module'
import { errorLine } from '../../common/one-line'
import type { views } from './matrix'
import { busiestKernelMs, type SampleParts } from './breakdown'
import { allocationRefused } from './memory'
import type { PlannedCell } from './plan'
import type { Lane } from './lane'
import { poolErrorLine, type TaskPromise, type WorkerPool } from './pool'

/** What one sample of one cell needs besides the pool. */
export interface SampleContext {
  spec: SweepSpec
  ref: WorkspaceRef
  views: ReturnType<typeof views>
  /** Tasks under way, for a cancel to stop them. */
  inFlight: Set<Cancellable>
  /** True once the sweep is cancelled: no further task is started. */
  stopped: () => boolean
  /** Workload 'module': what the workers import (sent with every task), and the combine run here. */
  module?: { ref: ModuleRef; combine: Pick<UserModule, 'combine'>; timeoutMs: number }
}

export type Cancellable = { cancel(): unknown }

export interface Sample {
  wallMs: number
  /** Sum of the tasks' kernel times, measured inside the workers. */
  kernelMs: number
  /**
   * Sum of the tasks' values (a module's combine of them), reduced in task order so the same chunking always gives
   * the same bits.
   */
  value: number
  failure: string | null
  /** Where the wall time went (see breakdown.ts). */
  parts: SampleParts
}

/** Copied tasks in flight per worker: one running, one copied and waiting, so a worker never waits for the copy. */
const COPIES_PER_WORKER = 2

/**
 * One timed sample: start the tasks, wait for all, reduce. Shared tasks carry no data and all go to the pool's
 * queue at once. Copied tasks carry their rows (and centroids), copied here inside the timed region — that cost
 * is the lesson — but only a few per worker at a time, so a finely chunked matrix is never copied whole at once.
 * After a failure or a cancel no further task starts; those under way are awaited.
 */
export async function runSample(pool: WorkerPool, cell: PlannedCell, ctx: SampleContext): Promise<Sample> {
  const viaLane = laneFor(pool, ctx)
  if (viaLane?.isOpenFor(ctx.ref, cell.tasks)) return runLaneSample(viaLane, cell, ctx)
  const { spec, ref } = ctx
  const { n, k } = ref.layout
  const copy = spec.transfer === 'copy'
  const lanes = copy ? Math.min(cell.tasks, COPIES_PER_WORKER * pool.size) : cell.tasks
  const values = new Float64Array(cell.tasks)
  const replies: TaskReply[] = []
  let kernelMs = 0
  let transferMs = 0
  let failure: string | null = null
  let next = 0

  const t0 = performance.now()
  await Promise.all(Array.from({ length: lanes }, lane))
  const reduceStart = performance.now()
  let value = 0
  if (!ctx.module) {
    for (let t = 0; t < values.length; t++) value += values[t]
  } else if (failure === null) {
    try {
      value = combinePartials(ctx.module.combine, ctx.module.ref.name, values)
    } catch (err) {
      failure = errorLine(err)
    }
  }
  // The reduce belongs to the timed region (dispatch → compute → reduce).
  const wallMs = performance.now() - t0
  const reduceMs = wallMs - (reduceStart - t0)
  const parts: SampleParts = { wallMs, transferMs, kernelMs: busiestKernelMs(replies), reduceMs }
  return { wallMs, kernelMs, value, failure, parts }

  async function lane(): Promise<void> {
    while (next < cell.tasks && failure === null && !ctx.stopped()) {
      const t = next++
      let promise: TaskPromise<TaskReply>
      try {
        promise = start(t)
      } catch (err) {
        // A copy the system cannot allocate fails the cell in words.
        failure ??= err instanceof RangeError ? allocationRefused(spec, n, err) : poolErrorLine(err)
        return
      }
      ctx.inFlight.add(promise)
      // A module's kernel may never return: its task is stopped at the timeout (a timer set here, of µs).
      if (ctx.module) promise.timeout(ctx.module.timeoutMs)
      try {
        const reply = await promise
        values[t] = reply.value
        kernelMs += reply.kernelMs
        replies.push(reply)
        if (reply.labels) ctx.views.labels.set(reply.labels, t * cell.chunkRows)
      } catch (err) {
        failure ??= poolErrorLine(err, ctx.module)
      } finally {
        ctx.inFlight.delete(promise)
      }
    }
  }

  function start(t: number): TaskPromise<TaskReply> {
    const rowStart = t * cell.chunkRows
    const rowEnd = Math.min(n, rowStart + cell.chunkRows)
    if (!copy) {
      const task: WorkTask = {
        mode: 'shared',
        workload: spec.workload,
        kernel: spec.kernel,
        ref,
        rowStart,
        rowEnd,
        ...(ctx.module ? { module: ctx.module.ref } : {}),
      }
      return pool.exec<TaskReply>('run', [task])
    }
    const copyStart = performance.now()
    const rows = ctx.views.matrix.slice(rowStart * n, rowEnd * n)
    const centroids = spec.workload === 'assign' ? ctx.views.centroids.slice() : null
    transferMs += performance.now() - copyStart
    const task: WorkTask = {
      mode: 'copy',
      workload: spec.workload,
      kernel: spec.kernel,
      n,
      k,
      rowStart,
      rows,
      centroids,
      ...(ctx.module ? { module: ctx.module.ref } : {}),
    }
    // Threads get the copies moved, not cloned a second time; child processes ignore the transfer list.
    const transfer =
      pool.executor === 'thread' ? [rows.buffer, ...(centroids ? [centroids.buffer] : [])] : undefined
    return pool.exec<TaskReply>('run', [task], transfer)
  }
}

/**
 * The pool's lane (lane.ts) when this context's samples go through it: our own kernels on threads, reading the
 * shared workspace in place. Copies, child processes and a user's module (whose kernel may be async, or hang and
 * be stopped by its timeout) go by message.
 */
export function laneFor(pool: WorkerPool, ctx: SampleContext): Lane | null {
  const { workload, transfer } = ctx.spec
  if (!pool.lane || transfer !== 'shared' || ctx.module) return null
  return workload === 'sum' || workload === 'assign' ? pool.lane : null
}

/**
 * Before each timed sample, outside the region: the lane open for this workspace (the first time, and again after
 * any message to the pool, a speed check's say, had its workers leave it). Samples go by message where it cannot.
 */
export async function readyToSample(pool: WorkerPool, cell: PlannedCell, ctx: SampleContext): Promise<void> {
  await laneFor(pool, ctx)?.open(ctx.ref, Math.max(cell.tasks, ctx.ref.layout.n))
}

/** A sample through the lane: the same tasks, values, reduce and parts as by message, without the messages. */
async function runLaneSample(lane: Lane, cell: PlannedCell, ctx: SampleContext): Promise<Sample> {
  const { workload, kernel } = ctx.spec
  const cancel: Cancellable = { cancel: () => lane.stop() }
  ctx.inFlight.add(cancel)
  const t0 = performance.now()
  const out = await lane.dispatch(
    { workload: workload === 'sum' ? 'sum' : 'assign', kernel, tasks: cell.tasks, chunkRows: cell.chunkRows },
    ctx.stopped(),
  )
  const reduceStart = performance.now()
  let value = 0
  for (let t = 0; t < cell.tasks; t++) value += out.values[t]
  const wallMs = performance.now() - t0
  ctx.inFlight.delete(cancel)
  let kernelMs = 0
  for (const r of out.replies) kernelMs += r.kernelMs
  const parts: SampleParts = {
    wallMs,
    transferMs: 0,
    kernelMs: busiestKernelMs(out.replies),
    reduceMs: wallMs - (reduceStart - t0),
  }
  return { wallMs, kernelMs, value, failure: out.failure, parts }
}

/** One run as the timed region (timed.ts) calls it: the clock that counts is the region's, around the batch. */
export const runOnce = runSample
export type RunOutcome = Sample

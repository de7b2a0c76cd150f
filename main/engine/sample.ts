// One timed sample of one cell: dispatch every task (copying rows first for transfer 'copy'), wait, reduce.
import type { SweepSpec } from '../contract'
import type { TaskReply, WorkspaceRef, WorkTask } from '../../workers/protocol'
import type { views } from './matrix'
import { allocationRefused } from './memory'
import type { PlannedCell } from './plan'
import { errorLine, type TaskPromise, type WorkerPool } from './pool'

/** What one sample of one cell needs besides the pool. */
export interface SampleContext {
  spec: SweepSpec
  ref: WorkspaceRef
  views: ReturnType<typeof views>
  inFlight: Set<Cancellable>
}

export type Cancellable = { cancel(): unknown }

/** One timed sample: dispatch every task (copying rows first for transfer 'copy'), wait for all, reduce. */
export async function runSample(
  pool: WorkerPool,
  cell: PlannedCell,
  ctx: SampleContext,
): Promise<{ wallMs: number; kernelMs: number; value: number; failure: string | null }> {
  const { spec, ref } = ctx
  const { n, k } = ref.layout
  const copy = spec.transfer === 'copy'
  const moveCopies = pool.executor === 'thread'
  const promises: TaskPromise<TaskReply>[] = []
  let failure: string | null = null
  const t0 = performance.now()
  try {
    dispatch()
  } catch (err) {
    // A copy the system cannot allocate fails the cell in words, after the tasks already sent have ended.
    failure = err instanceof RangeError ? allocationRefused(spec, n, err) : errorLine(err)
  }
  const settled = await Promise.allSettled(promises)
  let value = 0
  let kernelMs = 0
  settled.forEach((s, t) => {
    if (s.status === 'rejected') {
      failure ??= errorLine(s.reason)
      return
    }
    value += s.value.value
    kernelMs += s.value.kernelMs
    if (s.value.labels) ctx.views.labels.set(s.value.labels, t * cell.chunkRows)
  })
  const wallMs = performance.now() - t0
  for (const p of promises) ctx.inFlight.delete(p)
  return { wallMs, kernelMs, value, failure }

  function dispatch(): void {
    for (let t = 0; t < cell.tasks; t++) {
      const rowStart = t * cell.chunkRows
      const rowEnd = Math.min(n, rowStart + cell.chunkRows)
      let promise: TaskPromise<TaskReply>
      if (!copy) {
        const task: WorkTask = {
          mode: 'shared',
          workload: spec.workload,
          kernel: spec.kernel,
          ref,
          rowStart,
          rowEnd,
        }
        promise = pool.exec<TaskReply>('run', [task])
      } else {
        // The copy is the lesson: it is made here, inside the timed region.
        const rows = ctx.views.matrix.slice(rowStart * n, rowEnd * n)
        const centroids = spec.workload === 'assign' ? ctx.views.centroids.slice() : null
        const task: WorkTask = {
          mode: 'copy',
          workload: spec.workload,
          kernel: spec.kernel,
          n,
          k,
          rows,
          centroids,
        }
        const transfer = moveCopies ? [rows.buffer, ...(centroids ? [centroids.buffer] : [])] : undefined
        promise = pool.exec<TaskReply>('run', [task], transfer as ArrayBuffer[] | undefined)
      }
      promises.push(promise)
      ctx.inFlight.add(promise)
    }
  }
}

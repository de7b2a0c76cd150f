// One timed sum over a workspace with a started pool, dispatched as the engine's runner does (one chunk per
// worker, 'run' tasks over the shared workspace or copies of the rows), for the bench's own interleaving.
import type { Kernel, Transfer } from '../contract'
import type { TaskReply, WorkspaceRef, WorkTask } from '../../workers/protocol'
import { views } from '../engine/matrix'
import { chunkRowsFor } from '../engine/plan'
import type { WorkerPool } from '../engine/pool'

export interface SumSample {
  wallMs: number
  /** Sum of the workers' kernel times. */
  kernelMs: number
  value: number
}

export async function timedSum(
  pool: WorkerPool,
  ref: WorkspaceRef,
  kernel: Kernel,
  transfer: Transfer = 'shared',
): Promise<SumSample> {
  const { n, k } = ref.layout
  const chunk = chunkRowsFor(n, pool.size, 'auto')
  const matrix = transfer === 'copy' ? views(ref).matrix : null
  const replies: Promise<TaskReply>[] = []
  const t0 = performance.now()
  for (let rowStart = 0; rowStart < n; rowStart += chunk) {
    const rowEnd = Math.min(n, rowStart + chunk)
    if (!matrix) {
      const task: WorkTask = { mode: 'shared', workload: 'sum', kernel, ref, rowStart, rowEnd }
      replies.push(pool.exec<TaskReply>('run', [task]))
    } else {
      // As in the runner: the copy is made inside the timed region, then moved to the thread.
      const rows = matrix.slice(rowStart * n, rowEnd * n)
      const task: WorkTask = { mode: 'copy', workload: 'sum', kernel, n, k, rows, centroids: null }
      replies.push(pool.exec<TaskReply>('run', [task], [rows.buffer]))
    }
  }
  const done = await Promise.all(replies)
  const wallMs = performance.now() - t0
  return {
    wallMs,
    kernelMs: done.reduce((s, r) => s + r.kernelMs, 0),
    value: done.reduce((s, r) => s + r.value, 0),
  }
}

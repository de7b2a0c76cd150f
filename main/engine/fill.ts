// Fills a workspace in the workers (never on the main thread): the seeded matrix, and the centroids for assign.
import type { FillTask, WorkspaceRef } from '../../common/protocol'
import type { TaskPromise, WorkerPool } from './pool'

/** Enough chunks to keep every worker busy and balance uneven ones, few enough to cost nothing. */
function chunks(rows: number, workers: number): Array<[number, number]> {
  const count = Math.min(rows, Math.max(1, workers * 4))
  const size = Math.ceil(rows / count)
  const out: Array<[number, number]> = []
  for (let start = 0; start < rows; start += size) out.push([start, Math.min(rows, start + size)])
  return out
}

/**
 * Fills matrix and centroids of the workspace with the seeded values; resolves with the wall time in ms.
 * `track` sees every task's promise, so a cancel can stop a long fill too.
 */
export async function fillWorkspace(
  pool: WorkerPool,
  ref: WorkspaceRef,
  seed: number,
  track: (task: TaskPromise<number>) => void = () => undefined,
): Promise<number> {
  const t0 = performance.now()
  const tasks: FillTask[] = chunks(ref.layout.n, pool.size).map(([rowStart, rowEnd]) => ({
    ref,
    target: 'matrix',
    seed,
    rowStart,
    rowEnd,
  }))
  if (ref.layout.k > 0) tasks.push({ ref, target: 'centroids', seed, rowStart: 0, rowEnd: ref.layout.k })
  await Promise.all(
    tasks.map((task) => {
      const promise = pool.exec<number>('fill', [task])
      track(promise)
      return promise
    }),
  )
  return performance.now() - t0
}

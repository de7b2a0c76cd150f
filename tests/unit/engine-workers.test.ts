// The workers' own tasks: a seeded fill that is the same bit for bit whatever the pool, and labels written in place.
import { afterAll, describe, expect, it } from 'vitest'
import { allocateWorkspace, views } from '../../main/engine/matrix'
import { fillWorkspace } from '../../main/engine/fill'
import { resolveWorkerScript, startPool, type WorkerPool } from '../../main/engine/pool'
import { assignRows, fillRows, STREAM_CENTROIDS, STREAM_MATRIX } from '../../workers/kernels'
import type { TaskReply, WorkTask } from '../../common/protocol'

const pools: WorkerPool[] = []
afterAll(async () => {
  await Promise.all(pools.map((p) => p.terminate()))
})

async function filledWorkspace(poolSize: number, n: number, k: number, seed: number) {
  const pool = await startPool(resolveWorkerScript(), 'thread', poolSize)
  pools.push(pool)
  const ref = allocateWorkspace(n, k)
  await fillWorkspace(pool, ref, seed)
  return { pool, ref }
}

async function filledBy(poolSize: number, n: number, k: number, seed: number) {
  return views((await filledWorkspace(poolSize, n, k, seed)).ref)
}

describe('fillWorkspace', () => {
  it('gives the same matrix and centroids bit for bit on pools of 1, 2 and 3 workers', async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map((p) => filledBy(p, 123, 4, 42)))
    for (const other of [b, c]) {
      expect(
        Buffer.from(other.matrix.buffer, 0, 123 * 123 * 8).equals(
          Buffer.from(a.matrix.buffer, 0, 123 * 123 * 8),
        ),
      ).toBe(true)
      expect(other.centroids).toEqual(a.centroids)
    }
  })

  it('writes exactly what fillRows computes on the main side', async () => {
    const n = 50
    const k = 3
    const filled = await filledBy(2, n, k, 7)
    const matrix = new Float64Array(n * n)
    fillRows(matrix, 0, n, 0, n, 7, STREAM_MATRIX)
    const centroids = new Float64Array(k * n)
    fillRows(centroids, 0, n, 0, k, 7, STREAM_CENTROIDS)
    expect(filled.matrix).toEqual(matrix)
    expect(filled.centroids).toEqual(centroids)
  })

  it('gives a different matrix for a different seed', async () => {
    const [a, b] = await Promise.all([filledBy(2, 40, 0, 1), filledBy(2, 40, 0, 2)])
    expect(a.matrix).not.toEqual(b.matrix)
  })
})

describe('assign tasks', () => {
  it('write into the shared labels exactly the labels a direct computation gives, chunk by chunk', async () => {
    const n = 70
    const k = 5
    const { pool, ref } = await filledWorkspace(3, n, k, 11)
    const v = views(ref)
    v.labels.fill(-1)
    const chunk = 9
    const replies = await Promise.all(
      Array.from({ length: Math.ceil(n / chunk) }, (_, t) => {
        const task: WorkTask = {
          mode: 'shared',
          workload: 'assign',
          kernel: 'js',
          ref,
          rowStart: t * chunk,
          rowEnd: Math.min(n, (t + 1) * chunk),
        }
        return pool.exec<TaskReply>('run', [task])
      }),
    )
    const expected = new Int32Array(n)
    assignRows(v.matrix.slice(), n, 0, n, v.centroids.slice(), k, expected, 0)
    expect([...v.labels]).toEqual([...expected])
    expect(replies.reduce((a, r) => a + r.value, 0)).toBe(expected.reduce((a, b) => a + b, 0))
  })

  it('return the labels of copied rows for the main side to write', async () => {
    const n = 30
    const k = 3
    const { pool, ref } = await filledWorkspace(2, n, k, 12)
    const v = views(ref)
    const task: WorkTask = {
      mode: 'copy',
      workload: 'assign',
      kernel: 'js',
      n,
      k,
      rows: v.matrix.slice(10 * n, 20 * n),
      centroids: v.centroids.slice(),
    }
    const reply = await pool.exec<TaskReply>('run', [task])
    const expected = new Int32Array(10)
    assignRows(v.matrix.slice(), n, 10, 20, v.centroids.slice(), k, expected, 0)
    expect([...(reply.labels ?? [])]).toEqual([...expected])
  })
})

// The seeded fill done by the workers: the same seed gives the same matrix bit for bit whatever the pool size.
import { afterAll, describe, expect, it } from 'vitest'
import { allocateWorkspace, views } from '../../main/engine/matrix'
import { fillWorkspace } from '../../main/engine/fill'
import { resolveWorkerScript, startPool, type WorkerPool } from '../../main/engine/pool'
import { fillRows, STREAM_CENTROIDS, STREAM_MATRIX } from '../../workers/kernels'

const pools: WorkerPool[] = []
afterAll(async () => {
  await Promise.all(pools.map((p) => p.terminate()))
})

async function filledBy(poolSize: number, n: number, k: number, seed: number) {
  const pool = await startPool(resolveWorkerScript(), 'thread', poolSize)
  pools.push(pool)
  const ref = allocateWorkspace(n, k)
  await fillWorkspace(pool, ref, seed)
  return views(ref)
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

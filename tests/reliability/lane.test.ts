// The lane under attack (main/engine/lane.ts, workers/worker.ts `lane`): random cells give through it what
// they give by message, bit for bit; messages, samples, opens, leaves and cancels racing each other at random
// moments never hang, never leave a worker or a promise behind, and the lane's next sample is right.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SweepSpecSchema, type Kernel, type Workload } from '../../common/contract'
import type { WorkspaceRef } from '../../common/protocol'
import { fillWorkspace } from '../../main/engine/fill'
import { allocateWorkspace, views } from '../../main/engine/matrix'
import type { PlannedCell } from '../../main/engine/plan'
import { Lane } from '../../main/engine/lane'
import { poolErrorLine, resolveWorkerScript, startPool, type WorkerPool } from '../../main/engine/pool'
import { laneFor, readyToSample, runSample, type SampleContext } from '../../main/engine/sample'

/** Pools of 1 to 4 threads, started once: a fresh pool per case would be most of each case's time. */
const pools = new Map<number, WorkerPool>()

beforeAll(async () => {
  for (const size of [1, 2, 3, 4]) pools.set(size, await startPool(resolveWorkerScript(), 'thread', size))
})
afterAll(async () => {
  await Promise.all([...pools.values()].map((p) => p.terminate()))
})

const poolOf = (size: number): WorkerPool => {
  const p = pools.get(size)
  if (!p) throw new Error(`no pool of ${size}`)
  return p
}

/** What `p` gives, or 'hung' once `ms` pass: a hang fails an assertion instead of the test's time-out. */
const within = <T>(p: Promise<T>, ms: number): Promise<T | 'hung'> => {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)))
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}

/**
 * `p` with a lane of its own over the same workers, which calls `onSent` in the microtask after it has sent
 * the workers their lane tasks: the moment of a join, caught every time (a timer catches it now and then).
 */
function withJoinHook(p: WorkerPool, onSent: () => void): WorkerPool {
  let sent = 0
  const lane = new Lane(
    (method, params) => {
      const task = p.exec(method, params)
      if (method === 'lane' && ++sent % p.size === 0) queueMicrotask(onSent)
      return task
    },
    p.size,
    poolErrorLine,
  )
  const exec: WorkerPool['exec'] = (method, params, transfer) => {
    lane.leave()
    return p.exec(method, params, transfer)
  }
  return { ...p, lane, exec }
}

interface Rig {
  p: WorkerPool
  ref: WorkspaceRef
  ctx: SampleContext
  cell: PlannedCell
}

async function rig(
  size: number,
  n: number,
  chunkRows: number,
  o: { workload?: Workload; kernel?: Kernel; k?: number; seed?: number } = {},
): Promise<Rig> {
  const p = poolOf(size)
  const workload = o.workload ?? 'sum'
  const k = workload === 'assign' ? (o.k ?? 4) : 0
  const ref = allocateWorkspace(n, k)
  await fillWorkspace(p, ref, o.seed ?? 7)
  const spec = SweepSpecSchema.parse({
    workload,
    kernel: o.kernel ?? 'js',
    sizes: [n],
    pools: [size],
    ...(workload === 'assign' ? { centroids: k } : {}),
  })
  const ctx: SampleContext = { spec, ref, views: views(ref), inFlight: new Set(), stopped: () => false }
  const cell: PlannedCell = {
    index: 0,
    n,
    pool: size,
    chunkSpec: chunkRows,
    chunkRows,
    tasks: Math.ceil(n / chunkRows),
    serial: false,
  }
  return { p, ref, ctx, cell }
}

/** The cell's value by message (the lane left first, as any message has it), with the labels it wrote. */
async function byMessage({ p, ctx, cell }: Rig): Promise<{ value: number; labels: Int32Array }> {
  laneFor(p, ctx)?.leave()
  ctx.views.labels.fill(-1)
  const s = await runSample(p, cell, ctx)
  expect(s.failure).toBeNull()
  return { value: s.value, labels: ctx.views.labels.slice() }
}

/** The cell through the lane, opened for it first; fails unless the sample really took the lane. */
async function byLane({ p, ref, ctx, cell }: Rig): Promise<{ value: number; labels: Int32Array }> {
  await readyToSample(p, cell, ctx)
  expect(laneFor(p, ctx)?.isOpenFor(ref, cell.tasks)).toBe(true)
  ctx.views.labels.fill(-1)
  const s = await runSample(p, cell, ctx)
  expect(s.failure).toBeNull()
  return { value: s.value, labels: ctx.views.labels.slice() }
}

describe('a lane raced by what else reaches the pool', () => {
  it('is left by a message sent while the workers join, which is answered; the next open works', async () => {
    const r = await rig(1, 64, 8)
    const expected = await byMessage(r)
    // A task of ~50 ms by message keeps the worker busy: the lane task waits in the pool's queue behind it,
    // so the message below has the lane left before the worker ever reads it.
    const slow = await rig(1, 1000, 1000, { workload: 'assign', k: 64 })
    laneFor(slow.p, slow.ctx)?.leave()
    const busy = runSample(slow.p, slow.cell, slow.ctx)
    let ping: Promise<unknown> | null = null
    const p = withJoinHook(r.p, () => (ping ??= Promise.resolve(p.exec('ping', []))))
    const opening = readyToSample(p, r.cell, r.ctx)
    expect(await within(busy, 3000)).toMatchObject({ failure: null })
    expect(await within(opening, 3000)).not.toBe('hung')
    expect(ping).not.toBeNull()
    expect(await within(ping!, 3000)).not.toBe('hung')
    const again = await within(byLane({ ...r, p }), 3000)
    // The hooked lane's workers are the pool's: they leave it before the pool's own messages come.
    p.lane?.leave()
    expect(again).toMatchObject({ value: expected.value })
  })

  it('opened twice at once sends the workers one lane, and the samples after it run', async () => {
    const r = await rig(2, 64, 8)
    const other = await rig(2, 48, 6, { seed: 3 })
    const expected = (await byMessage(other)).value
    const both = Promise.all([readyToSample(r.p, r.cell, r.ctx), readyToSample(r.p, other.cell, other.ctx)])
    expect(await within(both, 3000)).not.toBe('hung')
    // The later open wins: the lane is open for its workspace, and its samples run through it.
    expect(r.p.lane?.isOpenFor(other.ref, other.cell.tasks)).toBe(true)
    const s = await within(runSample(r.p, other.cell, other.ctx), 3000)
    expect(s).toMatchObject({ failure: null, value: expected })
    expect(await within(Promise.resolve(r.p.exec('ping', [])), 3000)).not.toBe('hung')
  })

  it('takes no sample before every worker has joined: one begun during the join goes by message', async () => {
    const r = await rig(2, 64, 8)
    const expected = (await byMessage(r)).value
    let sample: Promise<unknown> | null = null
    const p = withJoinHook(r.p, () => (sample ??= runSample(p, r.cell, r.ctx)))
    const opening = readyToSample(p, r.cell, r.ctx)
    expect(await within(opening, 3000)).not.toBe('hung')
    expect(sample).not.toBeNull()
    expect(await within(sample!, 3000)).toMatchObject({ failure: null, value: expected })
    const again = await within(byLane({ ...r, p }), 3000)
    p.lane?.leave()
    expect(again).toMatchObject({ value: expected })
  })

  it('fails a sample whose workers a message had leave mid-way, never answering a part of the tasks', async () => {
    // 500 tasks of two rows of assign (k = 64, N = 1000): ~100 ms, so the message lands among them.
    const r = await rig(1, 1000, 2, { workload: 'assign', k: 64 })
    await readyToSample(r.p, r.cell, r.ctx)
    const sample = runSample(r.p, r.cell, r.ctx)
    await new Promise((resolve) => setTimeout(resolve, 15))
    const ping = r.p.exec('ping', [])
    const s = await within(sample, 3000)
    expect(await within(Promise.resolve(ping), 3000)).not.toBe('hung')
    expect(s).not.toBe('hung')
    // Its workers stopped between tasks and counted themselves done: the value would be a part of the sum.
    expect(s === 'hung' ? 'hung' : String(s.failure)).toMatch(/stopped before all its tasks ran/)
  })

  it('two samples at once on one pool: each is whole or says it failed, never a mix of both', async () => {
    // Several ms each (N = 2500, sums of 3 and of 5 rows a task): the second starts while the first runs.
    const r = await rig(3, 2500, 3)
    const other: PlannedCell = { ...r.cell, chunkRows: 5, tasks: 500 }
    const expected = [(await byMessage(r)).value, (await byMessage({ ...r, cell: other })).value]
    for (let round = 0; round < 5; round++) {
      await readyToSample(r.p, r.cell, r.ctx)
      const both = await within(
        Promise.all([runSample(r.p, r.cell, r.ctx), runSample(r.p, other, r.ctx)]),
        5000,
      )
      expect(both).not.toBe('hung')
      if (both === 'hung') return
      both.forEach((s, i) => {
        if (s.failure === null) expect(s.value).toBe(expected[i])
      })
    }
  })
})

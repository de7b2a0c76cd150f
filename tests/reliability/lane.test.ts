// The lane under attack (main/engine/lane.ts, workers/worker.ts `lane`): random cells give through it what
// they give by message, bit for bit; messages, samples, opens, leaves and cancels racing each other at random
// moments never hang, never leave a worker or a promise behind, and the lane's next sample is right.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SweepSpecSchema, type Kernel, type Workload } from '../../common/contract'
import type { WorkspaceRef } from '../../common/protocol'
import { closePools, runSweep } from '../../main/engine'
import { fillWorkspace } from '../../main/engine/fill'
import { allocateWorkspace, views } from '../../main/engine/matrix'
import type { PlannedCell } from '../../main/engine/plan'
import { Lane } from '../../main/engine/lane'
import { poolErrorLine, resolveWorkerScript, startPool, type WorkerPool } from '../../main/engine/pool'
import { laneFor, readyToSample, runSample, type SampleContext } from '../../main/engine/sample'
import { eventually, threadCount } from './helpers/procs'

/** Pools of 1 to 4 threads, started once: a fresh pool per case would be most of each case's time. */
const pools = new Map<number, WorkerPool>()
let threadsWithPools = 0

beforeAll(async () => {
  for (const size of [1, 2, 3, 4]) pools.set(size, await startPool(resolveWorkerScript(), 'thread', size))
  threadsWithPools = threadCount()
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

describe('random cells through the lane', () => {
  it('give the value and labels they give by message, bit for bit', async () => {
    const cells = fc
      .record({
        n: fc.integer({ min: 1, max: 400 }),
        pool: fc.integer({ min: 1, max: 4 }),
        kernel: fc.constantFrom<Kernel>('js', 'wasm'),
        workload: fc.constantFrom<Workload>('sum', 'assign'),
        k: fc.integer({ min: 2, max: 8 }),
        seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      })
      .chain((c) => fc.record({ c: fc.constant(c), chunkRows: fc.integer({ min: 1, max: c.n }) }))
    await fc.assert(
      fc.asyncProperty(cells, async ({ c, chunkRows }) => {
        const r = await rig(c.pool, c.n, chunkRows, c)
        const message = await byMessage(r)
        // Twice through the lane: the second dispatch finds its workers waiting in it.
        for (let i = 0; i < 2; i++) {
          const lane = await byLane(r)
          expect(Object.is(lane.value, message.value)).toBe(true)
          if (c.workload === 'assign') expect([...lane.labels]).toEqual([...message.labels])
        }
      }),
      { numRuns: 150 },
    )
  })
})

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

describe('the edges of a dispatch', () => {
  it('a cell of more tasks than the lane was opened for goes by message, with the same value', async () => {
    const r = await rig(2, 64, 8)
    const expected = (await byMessage(r)).value
    expect(await r.p.lane!.open(r.ref, 4)).toBe(true)
    expect(r.p.lane!.isOpenFor(r.ref, 8)).toBe(false)
    await expect(
      r.p.lane!.dispatch({ workload: 'sum', kernel: 'js', tasks: 8, chunkRows: 8 }, false),
    ).rejects.toThrow(/not open/)
    expect(await runSample(r.p, r.cell, r.ctx)).toMatchObject({ failure: null, value: expected })
  })

  it('a cell of no tasks gives 0 through the lane as by message', async () => {
    const r = await rig(3, 10, 10)
    const none: PlannedCell = { ...r.cell, tasks: 0 }
    const viaMessage = await byMessage({ ...r, cell: none })
    const viaLane = await byLane({ ...r, cell: none })
    expect(viaMessage.value).toBe(0)
    expect(viaLane.value).toBe(0)
  })

  it('a dispatch while the workers are leaving is refused, and the sample goes by message', async () => {
    const r = await rig(2, 64, 8)
    const expected = (await byMessage(r)).value
    await readyToSample(r.p, r.cell, r.ctx)
    r.p.lane!.leave()
    await expect(
      r.p.lane!.dispatch({ workload: 'sum', kernel: 'js', tasks: 8, chunkRows: 8 }, false),
    ).rejects.toThrow(/not open/)
    expect(await within(runSample(r.p, r.cell, r.ctx), 3000)).toMatchObject({
      failure: null,
      value: expected,
    })
  })
})

/** When an operation starts, counted from the one before: at once, after microtasks, a turn or a timer. */
type Delay =
  { at: 'now' } | { at: 'micro'; ticks: number } | { at: 'immediate' } | { at: 'timer'; ms: number }
const delays: fc.Arbitrary<Delay> = fc.oneof(
  fc.constant<Delay>({ at: 'now' }),
  fc.integer({ min: 1, max: 6 }).map<Delay>((ticks) => ({ at: 'micro', ticks })),
  fc.constant<Delay>({ at: 'immediate' }),
  fc.integer({ min: 0, max: 4 }).map<Delay>((ms) => ({ at: 'timer', ms })),
)
async function pause(d: Delay): Promise<void> {
  if (d.at === 'micro') for (let i = 0; i < d.ticks; i++) await Promise.resolve()
  else if (d.at === 'immediate') await new Promise((resolve) => setImmediate(resolve))
  else if (d.at === 'timer') await new Promise((resolve) => setTimeout(resolve, d.ms))
}

const OPS = ['open', 'sample', 'sample', 'ping', 'speed', 'prepare', 'leave', 'cancel', 'stop'] as const
type Op = { kind: (typeof OPS)[number]; pool: 0 | 1; chunk: 0 | 1; delay: Delay }
const ops: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom(...OPS),
  pool: fc.constantFrom<0 | 1>(0, 1),
  // Two cells of each pool's workspace, chunked apart: a task's value left from the other cell's tasks sums
  // rows other than its own.
  chunk: fc.constantFrom<0 | 1>(0, 1),
  delay: delays,
})

describe('opens, samples, messages, leaves and cancels at random moments on two pools', () => {
  it('never hang, never give a wrong value without a failure, and leave the lane working', async () => {
    // Sums of N = 300, under a millisecond, and of N = 2500, several:
    // long enough for a cancel, a message or a second sample to land inside one.
    const rigs = [await rig(2, 300, 7), await rig(3, 2500, 3)]
    const cells = rigs.map((r) => [r.cell, { ...r.cell, chunkRows: 5, tasks: Math.ceil(r.cell.n / 5) }])
    const expected: number[][] = []
    for (const [i, r] of rigs.entries())
      expected.push([(await byMessage(r)).value, (await byMessage({ ...r, cell: cells[i][1] })).value])
    const prepareOf = (r: Rig) => ({
      mode: 'shared' as const,
      workload: r.ctx.spec.workload,
      kernel: r.ctx.spec.kernel,
      ref: r.ref,
      n: r.ref.layout.n,
      k: r.ref.layout.k,
    })
    await fc.assert(
      fc.asyncProperty(fc.array(ops, { minLength: 1, maxLength: 8 }), async (script) => {
        const pending: Promise<unknown>[] = []
        const samples: { expected: number; sample: Promise<Awaited<ReturnType<typeof runSample>>> }[] = []
        for (const op of script) {
          await pause(op.delay)
          const r = rigs[op.pool]
          const lane = r.p.lane!
          const cell = cells[op.pool][op.chunk]
          if (op.kind === 'open') pending.push(readyToSample(r.p, cell, r.ctx))
          else if (op.kind === 'sample') {
            const sample = runSample(r.p, cell, r.ctx)
            samples.push({ expected: expected[op.pool][op.chunk], sample })
            pending.push(sample)
          } else if (op.kind === 'ping') pending.push(Promise.resolve(r.p.exec('ping', [])))
          else if (op.kind === 'speed') pending.push(r.p.speed(null).catch(() => null))
          else if (op.kind === 'prepare') pending.push(r.p.prepare(prepareOf(r)).catch(() => null))
          else if (op.kind === 'leave') lane.leave()
          else if (op.kind === 'stop') lane.stop()
          else for (const c of r.ctx.inFlight) c.cancel()
        }
        const settled = await within(Promise.allSettled(pending), 10_000)
        expect(settled).not.toBe('hung')
        for (const { expected, sample } of samples) {
          const s = await sample
          // Cancelled or cut short, a sample says so; whole, it is exact.
          if (s.failure === null) expect(s.value).toBe(expected)
        }
        // Whatever happened, the next sample of each pool runs through the lane and is right.
        for (const [i, r] of rigs.entries()) {
          r.ctx.inFlight.clear()
          const after = await within(byLane(r), 5000)
          expect(after).toMatchObject({ value: expected[i][0] })
        }
      }),
      { numRuns: 80 },
    )
    // Workers stopped by a cancel were replaced, and are gone.
    expect(await eventually(() => threadCount() <= threadsWithPools)).toBe(true)
  })
})

describe('a sweep cancelled at a random moment', () => {
  /** Both pools' cells go through the lane (threads, shared); two sizes, so a cancel may land in either. */
  const small = SweepSpecSchema.parse({
    sizes: [200, 600],
    pools: [1, 2],
    chunkRows: ['auto', 5],
    repetitions: 3,
    maxSamples: 6,
    warmups: 1,
  })

  it('hands control back at once, leaves no worker behind, and the next sweep completes', async () => {
    // One sweep first: what the process starts once (libuv's threads) is then in the baseline.
    expect((await runSweep(small)).status).toBe('complete')
    await closePools()
    const threads = threadCount()
    // The abort comes from `delivered`, which the runner awaits after the lane is opened for a sample and
    // before the sample (and before a speed check): at once there, or a random moment later (in the sample,
    // or in the next one's open).
    const moments = fc.record({ call: fc.integer({ min: 1, max: 40 }), delay: delays })
    await fc.assert(
      fc.asyncProperty(moments, async ({ call, delay }) => {
        const controller = new AbortController()
        let calls = 0
        let abortedAt = 0
        const abort = () => {
          abortedAt = performance.now()
          controller.abort()
        }
        const delivered = async () => {
          if (++calls !== call) return
          if (delay.at === 'now') abort()
          else void pause(delay).then(abort)
        }
        const run = await within(runSweep(small, { signal: controller.signal, delivered }), 10_000)
        expect(run).not.toBe('hung')
        if (run === 'hung') return
        if (abortedAt > 0 && run.status === 'cancelled')
          expect(performance.now() - abortedAt).toBeLessThan(1000)
        else expect(run.status).toBe('complete')
        expect(run.cells.every((c) => c.status !== 'failed')).toBe(true)
        await closePools()
        expect(await eventually(() => threadCount() <= threads)).toBe(true)
      }),
      { numRuns: 10 },
    )
    const after = await runSweep(small)
    expect(after.status).toBe('complete')
    expect(after.cells.every((c) => c.status === 'ok')).toBe(true)
  })
})

describe('many lanes in one process', () => {
  it('keep nothing of the workspaces they served: 50 opens and leaves over three pools', async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    // What this side still holds (the workers keep the last workspace each, till their own collection).
    const served: WeakRef<object>[] = []
    const cycle = async (i: number) => {
      const r = await rig(1 + (i % 3), 200 + ((i * 397) % 801), 1 + (i % 7), {
        workload: i % 2 ? 'assign' : 'sum',
      })
      served.push(new WeakRef(r.ref), new WeakRef(r.ref.workspace), new WeakRef(r.ctx))
      const s = await byLane(r)
      expect(Number.isFinite(s.value)).toBe(true)
      // A message has the workers leave; the next cycle opens a new lane for a new workspace.
      await r.p.exec('ping', [])
    }
    await cycle(0)
    const resources = process.getActiveResourcesInfo().length
    for (let i = 1; i <= 50; i++) await cycle(i)
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      gc()
    }
    // Each pool's lane may keep its last lane tasks (and their workspace) until it opens again: three pools.
    expect(served.filter((w) => w.deref() !== undefined).length).toBeLessThanOrEqual(3 * 3)
    expect(process.getActiveResourcesInfo().length).toBeLessThanOrEqual(resources)
    expect(threadCount()).toBe(threadsWithPools)
  })
})

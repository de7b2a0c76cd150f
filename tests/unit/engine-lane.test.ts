// The lane (main/engine/lane.ts, common/lane.ts): a thread pool's samples through shared memory give what the
// same samples give by message, bit for bit; any message has the workers leave it; a cancel, a task that throws
// and a worker script without the lane are each met as the message path meets them.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SweepSpecSchema, type Kernel, type Workload } from '../../common/contract'
import type { WorkspaceRef } from '../../common/protocol'
import { fillWorkspace } from '../../main/engine/fill'
import { allocateWorkspace, views } from '../../main/engine/matrix'
import { chunkRowsFor, type PlannedCell } from '../../main/engine/plan'
import { resolveWorkerScript, startPool, type WorkerPool } from '../../main/engine/pool'
import { laneFor, readyToSample, runSample, type SampleContext } from '../../main/engine/sample'
import { projectTempDir } from '../setup/project-temp'

const pools: WorkerPool[] = []
const temp = projectTempDir('amdahl-lane-')
afterAll(async () => {
  await Promise.all(pools.map((p) => p.terminate()))
  temp.remove()
})

async function pool(size: number, script = resolveWorkerScript()): Promise<WorkerPool> {
  const p = await startPool(script, 'thread', size)
  pools.push(p)
  return p
}

async function workspace(p: WorkerPool, n: number, k: number, seed: number): Promise<WorkspaceRef> {
  const ref = allocateWorkspace(n, k)
  await fillWorkspace(p, ref, seed)
  return ref
}

function context(ref: WorkspaceRef, workload: Workload, kernel: Kernel, poolSize: number): SampleContext {
  const { n, k } = ref.layout
  const spec = SweepSpecSchema.parse({
    workload,
    kernel,
    sizes: [n],
    pools: [poolSize],
    ...(workload === 'assign' ? { centroids: k } : {}),
  })
  return { spec, ref, views: views(ref), inFlight: new Set(), stopped: () => false }
}

function cellOf(n: number, poolSize: number, chunkRows: number): PlannedCell {
  return {
    index: 0,
    n,
    pool: poolSize,
    chunkSpec: chunkRows,
    chunkRows,
    tasks: Math.ceil(n / chunkRows),
    serial: false,
  }
}

/** The same cell by message (the lane left) and through the lane: value, labels and the number of workers. */
async function bothWays(p: WorkerPool, ref: WorkspaceRef, ctx: SampleContext, cell: PlannedCell) {
  const lane = laneFor(p, ctx)
  if (!lane) throw new Error('no lane for this context')
  const labels = ctx.views.labels
  lane.leave()
  labels.fill(-1)
  const byMessage = await runSample(p, cell, ctx)
  const messageLabels = labels.slice()
  await readyToSample(p, cell, ctx)
  expect(lane.isOpenFor(ref, cell.tasks)).toBe(true)
  labels.fill(-1)
  const byLane = await runSample(p, cell, ctx)
  return { byMessage, byLane, messageLabels, laneLabels: labels.slice() }
}

describe('a sample through the lane', () => {
  for (const kernel of ['js', 'wasm'] as const) {
    it(`gives the sum by message bit for bit, on 1, 2 and 3 workers and many tasks each (${kernel})`, async () => {
      for (const size of [1, 2, 3]) {
        const p = await pool(size)
        const ref = await workspace(p, 301, 0, 5)
        const ctx = context(ref, 'sum', kernel, size)
        for (const chunkRows of [chunkRowsFor(301, size, 'auto'), 7, 1]) {
          const cell = cellOf(301, size, chunkRows)
          const { byMessage, byLane } = await bothWays(p, ref, ctx, cell)
          expect(byMessage.failure).toBeNull()
          expect(byLane.failure).toBeNull()
          expect(Object.is(byLane.value, byMessage.value)).toBe(true)
          // The busiest worker's kernel time is a part of the wall time, as by message.
          expect(byLane.parts.kernelMs).toBeGreaterThan(0)
          expect(byLane.parts.kernelMs).toBeLessThanOrEqual(byLane.wallMs)
          expect(byLane.parts.transferMs).toBe(0)
        }
      }
    })
  }

  it('writes the labels of assign in place, the same as by message, and sums them alike', async () => {
    const p = await pool(2)
    const ref = await workspace(p, 90, 6, 9)
    const ctx = context(ref, 'assign', 'js', 2)
    const cell = cellOf(90, 2, 8)
    const { byMessage, byLane, messageLabels, laneLabels } = await bothWays(p, ref, ctx, cell)
    expect(byLane.failure).toBeNull()
    expect(laneLabels.includes(-1)).toBe(false)
    expect([...laneLabels]).toEqual([...messageLabels])
    expect(byLane.value).toBe(byMessage.value)
  })

  it('hands task w to worker w first, as messages hand one task to each idle worker', async () => {
    const p = await pool(3)
    const ref = await workspace(p, 3, 0, 8)
    const ctx = context(ref, 'sum', 'js', 3)
    const cell = cellOf(3, 3, 1)
    await readyToSample(p, cell, ctx)
    // Three tasks of one row: microseconds each. Taken first come, first served, the first worker awake would run
    // all three before the others woke; each worker's own task waits for it instead.
    for (let i = 0; i < 20; i++) {
      const out = await p.lane!.dispatch({ workload: 'sum', kernel: 'js', tasks: 3, chunkRows: 1 }, false)
      expect(out.failure).toBeNull()
      expect(out.replies.map((r) => r.kernelMs > 0)).toEqual([true, true, true])
    }
  })

  it('is left by the workers at any message, which they answer; the next sample opens it again', async () => {
    const p = await pool(2)
    const ref = await workspace(p, 64, 0, 3)
    const ctx = context(ref, 'sum', 'js', 2)
    const cell = cellOf(64, 2, 32)
    await readyToSample(p, cell, ctx)
    const lane = p.lane!
    expect(lane.isOpenFor(ref)).toBe(true)
    const before = await runSample(p, cell, ctx)
    // Both workers are in the lane, reading no message: a ping reaches them only because they leave it.
    const pings = await Promise.all([p.exec('ping', []), p.exec('ping', [])])
    expect(pings).toHaveLength(2)
    expect(lane.isOpenFor(ref)).toBe(false)
    await readyToSample(p, cell, ctx)
    expect(lane.isOpenFor(ref)).toBe(true)
    const after = await runSample(p, cell, ctx)
    expect(Object.is(after.value, before.value)).toBe(true)
  })

  it('opens again for another workspace, whose rows the tasks then read', async () => {
    const p = await pool(2)
    const a = await workspace(p, 50, 0, 1)
    const b = await workspace(p, 50, 0, 2)
    const ctxA = context(a, 'sum', 'js', 2)
    const ctxB = context(b, 'sum', 'js', 2)
    const cell = cellOf(50, 2, 25)
    await readyToSample(p, cell, ctxA)
    const sumA = (await runSample(p, cell, ctxA)).value
    // Through messages the other workspace's sum, as reference.
    p.lane!.leave()
    const expectedB = (await runSample(p, cell, ctxB)).value
    await readyToSample(p, cell, ctxB)
    expect(p.lane!.isOpenFor(a)).toBe(false)
    expect(p.lane!.isOpenFor(b)).toBe(true)
    const sumB = (await runSample(p, cell, ctxB)).value
    expect(sumB).toBe(expectedB)
    expect(sumB).not.toBe(sumA)
  })

  it('comes back at once when cancelled mid-task, and the pool works after it', async () => {
    const p = await pool(1)
    // Most of a second of assign in one task: a cancel that waited for the task would show.
    const ref = await workspace(p, 2000, 64, 4)
    const ctx = context(ref, 'assign', 'js', 1)
    const cell = cellOf(2000, 1, 2000)
    await readyToSample(p, cell, ctx)
    const started = performance.now()
    const sample = runSample(p, cell, ctx)
    setTimeout(() => {
      for (const c of ctx.inFlight) c.cancel()
    }, 50)
    const cancelled = await sample
    const tookMs = performance.now() - started
    expect(cancelled.failure).not.toBeNull()
    expect(tookMs).toBeLessThan(400)
    // workerpool replaced the stopped worker: the next samples run, by message and through a new lane.
    const small = await workspace(p, 40, 3, 4)
    const smallCtx = context(small, 'assign', 'js', 1)
    const smallCell = cellOf(40, 1, 40)
    await readyToSample(p, smallCell, smallCtx)
    expect(p.lane!.isOpenFor(small)).toBe(true)
    expect((await runSample(p, smallCell, smallCtx)).failure).toBeNull()
  })

  it('fails the sample in one line when a task throws, and the next sample opens a working lane', async () => {
    const p = await pool(2)
    const ref = await workspace(p, 40, 0, 6)
    const ctx = context(ref, 'sum', 'js', 2)
    await readyToSample(p, cellOf(40, 2, 20), ctx)
    // Three tasks of 40 rows over a 40-row matrix: the third starts past the end, and its view cannot be made.
    const broken: PlannedCell = { ...cellOf(40, 2, 40), tasks: 3 }
    const failed = await runSample(p, broken, ctx)
    expect(failed.failure).toMatch(/offset|length|range/i)
    expect(failed.failure).not.toContain('\n')
    expect(p.lane!.isOpenFor(ref)).toBe(false)
    const cell = cellOf(40, 2, 20)
    await readyToSample(p, cell, ctx)
    expect(p.lane!.isOpenFor(ref)).toBe(true)
    const ok = await runSample(p, cell, ctx)
    expect(ok.failure).toBeNull()
    p.lane!.leave()
    expect((await runSample(p, cell, ctx)).value).toBe(ok.value)
  })
})

describe('a worker script without the lane', () => {
  it('answers "unknown method", and every sample goes by message', async () => {
    const script = join(temp.dir, 'no-lane-worker.js')
    writeFileSync(
      script,
      [
        "const workerpool = require('workerpool')",
        "const { threadId } = require('node:worker_threads')",
        'workerpool.worker({',
        "  ping: () => ({ worker: `w${threadId}`, kernels: ['js'] }),",
        "  run: (t) => ({ value: t.rowEnd - t.rowStart, kernelMs: 0.001, worker: 'w' }),",
        '})',
      ].join('\n'),
    )
    const p = await pool(2, script)
    const ref = allocateWorkspace(30, 0)
    const ctx = context(ref, 'sum', 'js', 2)
    const cell = cellOf(30, 2, 10)
    expect(await p.lane!.open(ref)).toBe(false)
    await readyToSample(p, cell, ctx)
    expect(p.lane!.isOpenFor(ref)).toBe(false)
    // By message: this script's run answers each task's row count.
    expect((await runSample(p, cell, ctx)).value).toBe(30)
    // Asked once: the next readiness does not send the lane again.
    expect(await p.lane!.open(ref)).toBe(false)
  })
})

describe('which samples take the lane', () => {
  it('our kernels on threads over the shared workspace; never copies, processes or a module', async () => {
    const p = await pool(1)
    const ref = allocateWorkspace(10, 0)
    const ctx = context(ref, 'sum', 'js', 1)
    expect(laneFor(p, ctx)).toBe(p.lane)
    expect(laneFor(p, { ...ctx, spec: { ...ctx.spec, transfer: 'copy' } })).toBeNull()
    const processes = await startPool(resolveWorkerScript(), 'process', 1)
    pools.push(processes)
    expect(processes.lane).toBeNull()
    expect(laneFor(processes, ctx)).toBeNull()
  })
})

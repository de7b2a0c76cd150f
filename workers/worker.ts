// The worker entry registered with workerpool: fill the shared matrix, run one task of a workload (ours or a user's
// JS module's kernel), answer pings.
import { threadId } from 'node:worker_threads'
import workerpool from 'workerpool'
import type { Kernel, SpeedCheck } from '../common/contract'
import { fillRows, jsKernels, STREAM_CENTROIDS, STREAM_MATRIX, type Kernels } from './kernels'
import {
  prepareRows,
  workspaceBuffer,
  type FillTask,
  type PingReply,
  type PrepareTask,
  type ProbeReply,
  type ProbeTask,
  type SharedWasmMemory,
  type TaskReply,
  type WorkspaceRef,
  type WorkTask,
} from '../common/protocol'
import { wasmAvailable, wasmFillFor, wasmKernelFactory } from './wasm'
import { watchParent } from './parent-watch'
import { loadKernelModule, runModuleTask } from './user-kernel'
import { STREAM_DOUBLES, streamBuffer, timeSpeedCheck } from '../common/speed-check'
import {
  LANE,
  LANE_KERNELS,
  LANE_WORKLOADS,
  laneViews,
  type LaneTask,
  type LaneWorkload,
} from '../common/lane'

/**
 * Kernel implementations by name. A factory gets the shared WebAssembly.Memory of the task (null for a plain
 * SharedArrayBuffer workspace or a copied task) and returns kernels over it; it is called once per workspace.
 * The wasm kernels (workers/wasm/) are registered as `wasm` where this runtime can compile them.
 */
type KernelFactory = (memory: SharedWasmMemory | null) => Kernels
const kernelFactories: Partial<Record<Kernel, KernelFactory>> = {
  js: () => jsKernels,
  ...(wasmAvailable ? { wasm: wasmKernelFactory } : {}),
}

/** pid:threadId: answers a ping, and names the worker in every task reply. */
const workerId = `${process.pid}:${threadId}`

const kernelCache = new Map<string, Kernels>()
function kernelsFor(kernel: Kernel, memory: SharedWasmMemory | null, workspaceId: number | null): Kernels {
  const key = `${kernel}:${workspaceId ?? 'copy'}`
  const cached = kernelCache.get(key)
  if (cached) return cached
  const factory = kernelFactories[kernel]
  if (!factory) throw new Error(`${kernel} kernels are not available in this build or on this runtime`)
  const made = factory(memory)
  // One workspace at a time lives in the engine; drop kernels bound to older ones.
  if (workspaceId !== null) kernelCache.clear()
  kernelCache.set(key, made)
  return made
}

function ping(): PingReply {
  return { worker: workerId, kernels: Object.keys(kernelFactories) as Kernel[] }
}

function fill(task: FillTask): number {
  const t0 = performance.now()
  const { n, k, matrixOffset, centroidsOffset } = task.ref.layout
  const buffer = workspaceBuffer(task.ref.workspace)
  // The wasm fill writes the very same values (tested bit for bit) about 2.5× faster; a plain SAB keeps the JS one.
  const fillInto =
    task.ref.workspace instanceof SharedArrayBuffer ? fillRows : wasmFillFor(task.ref.workspace)
  const rows = task.rowEnd - task.rowStart
  if (task.target === 'matrix') {
    const view = new Float64Array(buffer, matrixOffset + task.rowStart * n * 8, rows * n)
    fillInto(view, 0, n, task.rowStart, task.rowEnd, task.seed, STREAM_MATRIX)
  } else {
    const view = new Float64Array(buffer, centroidsOffset, k * n)
    fillInto(view, task.rowStart * n, n, task.rowStart, task.rowEnd, task.seed, STREAM_CENTROIDS)
  }
  return performance.now() - t0
}

/**
 * Runs one task. Views cover only the task's rows, so indices stay small whatever N is. Every reply names its
 * worker: the engine's time breakdown sums kernel time per worker.
 */
function run(task: WorkTask): TaskReply | Promise<TaskReply> | InstanceType<typeof workerpool.Transfer> {
  if (task.workload === 'module') return runModule(task)
  if (task.mode === 'shared') return runShared(task, task.workload === 'sum' ? 'sum' : 'assign', task.kernel)
  const { n, k, rows: m } = task
  const kernels = kernelsFor(task.kernel, null, null)
  const rows = m.length / n
  if (task.workload === 'sum') {
    const t0 = performance.now()
    const value = kernels.sum(m, n, 0, rows)
    return { value, kernelMs: performance.now() - t0, worker: workerId }
  }
  if (!task.centroids) throw new Error('assign task without centroids')
  const labels = new Int32Array(rows)
  const t0 = performance.now()
  const value = kernels.assign(m, n, 0, rows, task.centroids, k, labels, 0)
  const reply: TaskReply = { value, kernelMs: performance.now() - t0, labels, worker: workerId }
  // Threads get the labels moved back, not cloned; child processes ignore the transfer list.
  return new workerpool.Transfer(reply, [labels.buffer])
}

/** One task of our kernels over rows of the shared workspace, read in place (a message's task, or a lane's). */
function runShared(
  at: { ref: WorkspaceRef; rowStart: number; rowEnd: number },
  workload: LaneWorkload,
  kernel: Kernel,
): TaskReply {
  const { ref, rowStart, rowEnd } = at
  const { n, k, matrixOffset, centroidsOffset, labelsOffset } = ref.layout
  const buffer = workspaceBuffer(ref.workspace)
  const memory = ref.workspace instanceof SharedArrayBuffer ? null : ref.workspace
  const kernels = kernelsFor(kernel, memory, ref.id)
  const rows = rowEnd - rowStart
  const m = new Float64Array(buffer, matrixOffset + rowStart * n * 8, rows * n)
  if (workload === 'sum') {
    const t0 = performance.now()
    const value = kernels.sum(m, n, 0, rows)
    return { value, kernelMs: performance.now() - t0, worker: workerId }
  }
  const centroids = new Float64Array(buffer, centroidsOffset, k * n)
  const labels = new Int32Array(buffer, labelsOffset + rowStart * 4, rows)
  const t0 = performance.now()
  const value = kernels.assign(m, n, 0, rows, centroids, k, labels, 0)
  return { value, kernelMs: performance.now() - t0, worker: workerId }
}

/**
 * Serves a lane (common/lane.ts) until it is left: waits for a dispatch, takes task numbers until none is left,
 * writes their values and its kernel time, counts itself done, and waits again. Spins up to `spinMs` before it
 * sleeps, and only while its own lane dispatched last: a worker of an idle pool never competes with a busy one.
 * A task that throws ends the lane for this worker with the error, after saying so in FAILED.
 */
function lane(task: LaneTask): number {
  const { ints, kernelMs, values } = laneViews(task.control, task.workers)
  const current = new Int32Array(task.current)
  const { n } = task.ref.layout
  // GEN is read before this worker counts itself in: the main side dispatches once all have, and must not be missed.
  let seen = Atomics.load(ints, LANE.GEN)
  const me = Atomics.add(ints, LANE.JOINED, 1)
  Atomics.notify(ints, LANE.JOINED)
  // A lane left before this worker came to it (a message sent during the join, a join that timed out while
  // this worker was busy) bumped GEN before it was read above: no further bump comes, so LEAVE is read here.
  if (Atomics.load(ints, LANE.LEAVE) === 1) return me
  for (;;) {
    let gen = Atomics.load(ints, LANE.GEN)
    if (gen === seen && task.spinMs > 0) {
      const until = performance.now() + task.spinMs
      while (
        (gen = Atomics.load(ints, LANE.GEN)) === seen &&
        Atomics.load(current, 0) === task.id &&
        performance.now() < until
      );
    }
    while ((gen = Atomics.load(ints, LANE.GEN)) === seen) Atomics.wait(ints, LANE.GEN, seen)
    seen = gen
    if (Atomics.load(ints, LANE.LEAVE) === 1) return me
    const tasks = ints[LANE.TASKS]
    const chunkRows = ints[LANE.CHUNK_ROWS]
    const workload = LANE_WORKLOADS[ints[LANE.WORKLOAD]]
    const kernel = LANE_KERNELS[ints[LANE.KERNEL]]
    try {
      // Task `me` first, then the next untaken one: the order workerpool's messages give (lane.ts, dispatch).
      for (let t = me; t < tasks; t = Atomics.add(ints, LANE.NEXT, 1)) {
        if (Atomics.load(ints, LANE.STOP) === 1) {
          // Task t is taken and will not run: said, since this worker still counts itself done.
          Atomics.store(ints, LANE.CUT, 1)
          break
        }
        const rowStart = t * chunkRows
        const work: WorkTask = {
          mode: 'shared',
          workload,
          kernel,
          ref: task.ref,
          rowStart,
          rowEnd: Math.min(n, rowStart + chunkRows),
        }
        // Through the registered `run`, as a message's task goes: what wraps it (a test's crash switch) wraps both.
        const reply = handlers.run(work) as TaskReply
        values[t] = reply.value
        kernelMs[me] += reply.kernelMs
      }
    } catch (err) {
      Atomics.store(ints, LANE.FAILED, 1)
      throw err
    } finally {
      Atomics.add(ints, LANE.DONE, 1)
      Atomics.notify(ints, LANE.DONE)
    }
  }
}

/** One task of a user's module: its kernel over the task's rows, a view of the shared matrix or the copy sent. */
function runModule(task: WorkTask): TaskReply | Promise<TaskReply> {
  if (!task.module) throw new Error('a module task without its module')
  let args
  if (task.mode === 'shared') {
    const { ref, rowStart, rowEnd } = task
    const { n, matrixOffset } = ref.layout
    const rows = new Float64Array(
      workspaceBuffer(ref.workspace),
      matrixOffset + rowStart * n * 8,
      (rowEnd - rowStart) * n,
    )
    args = { rows, n, rowStart, rowEnd }
  } else {
    const { n, rowStart = 0, rows } = task
    args = { rows, n, rowStart, rowEnd: rowStart + rows.length / n }
  }
  const answer = runModuleTask(task.module, args)
  const reply = (a: { value: number; kernelMs: number }): TaskReply => ({ ...a, worker: workerId })
  return answer instanceof Promise ? answer.then(reply) : reply(answer)
}

/** One probe task (main/probe): the same kernels as a sweep, repeated `passes` times over a part of the matrix. */
function probe(task: ProbeTask): ProbeReply {
  const { ref, start, count, passes } = task
  const { n, k, matrixOffset, centroidsOffset, labelsOffset } = ref.layout
  const buffer = workspaceBuffer(ref.workspace)
  const memory = ref.workspace instanceof SharedArrayBuffer ? null : ref.workspace
  const kernels = kernelsFor(task.kernel, memory, ref.id)
  const at = (entry: number, len: number) => new Float64Array(buffer, matrixOffset + entry * 8, len)
  let value = 0
  const t0 = performance.now()
  if (task.op === 'sum') {
    const m = at(start, count)
    value = kernels.sumRepeated(m, count, passes)
  } else if (task.op === 'triad') {
    const a = at(start, count)
    const b = at(task.b ?? 0, count)
    const c = at(task.c ?? 0, count)
    for (let i = 0; i < passes; i++) kernels.triad(a, b, c, 0.5)
    value = a[0]
  } else {
    const m = at(start * n, count * n)
    const centroids = new Float64Array(buffer, centroidsOffset, k * n)
    const labels = new Int32Array(buffer, labelsOffset + start * 4, count)
    for (let i = 0; i < passes; i++) value = kernels.assign(m, n, 0, count, centroids, k, labels, 0)
  }
  return { kernelMs: performance.now() - t0, value }
}

/**
 * Brings the JS kernels to optimised code on small arrays (a few ms), so the first measured call over a large
 * matrix does not run in the interpreter: the engine calls it once per worker, after timing the start-up.
 */
function warm(): number {
  const t0 = performance.now()
  const k = 4
  let sink = 0
  // 64 wide and 63 wide in turn: the unrolled loops and their tails (63 × 63 leaves one entry, a 63-wide row three)
  // both have their feedback when V8 first optimizes. Warmed on 64 only, the first tiny size (N = 1: the tail
  // alone) deoptimized the sum, and V8 optimized it again for tails: N = 1,000 then read 7 ms instead of 1.5 in
  // a sweep of sizes 1 and 1,000, for every pool (measured here, and in plain Node: 3 of 8 processes).
  const shapes = [64, 63].map((n) => {
    const m = new Float64Array(n * n)
    fillRows(m, 0, n, 0, n, 1, STREAM_MATRIX)
    return { n, m, centroids: m.slice(0, k * n), labels: new Int32Array(n) }
  })
  for (let r = 0; r < 300; r++) for (const { n, m } of shapes) sink += jsKernels.sum(m, n, 0, n)
  for (let r = 0; r < 30; r++)
    for (const { n, m, centroids, labels } of shapes)
      sink += jsKernels.assign(m, n, 0, n, centroids, k, labels, 0)
  return Number.isFinite(sink) ? performance.now() - t0 : -1
}

/** Each prepare runs the kernel at least this often and this long (ms), at most the cap: enough for V8 to tier up. */
const PREPARE_MIN_CALLS = 20
const PREPARE_MIN_MS = 5
const PREPARE_MAX_CALLS = 2000
const PREPARE_MAX_MS = 200

/** See PrepareTask: the kernels bound and hot on this worker before a size's first timed sample. */
function prepare(task: PrepareTask): PingReply | Promise<PingReply> {
  // A module is imported first (once per worker), so that no task ever waits for it inside a timed sample.
  if (task.module) return loadKernelModule(task.module).then(() => warmOn(task))
  return warmOn(task)
}

function warmOn(task: PrepareTask): PingReply {
  const { n, k } = task
  const rows = prepareRows(n)
  let work: WorkTask
  if (task.mode === 'shared') {
    if (!task.ref) throw new Error('a shared prepare needs the workspace')
    work = {
      mode: 'shared',
      workload: task.workload,
      kernel: task.kernel,
      ref: task.ref,
      rowStart: 0,
      rowEnd: rows,
      module: task.module,
    }
  } else {
    let m = task.rows
    if (!m) {
      m = new Float64Array(rows * n)
      fillRows(m, 0, n, 0, rows, 1, STREAM_MATRIX)
    }
    const centroids = task.workload === 'assign' ? new Float64Array(k * n) : null
    if (centroids) fillRows(centroids, 0, n, 0, k, 1, STREAM_CENTROIDS)
    work = {
      mode: 'copy',
      workload: task.workload,
      kernel: task.kernel,
      n,
      k,
      rowStart: 0,
      rows: m,
      centroids,
      module: task.module,
    }
  }
  const t0 = performance.now()
  for (let calls = 0; calls < PREPARE_MAX_CALLS; calls++) {
    run(work)
    const ms = performance.now() - t0
    if ((calls + 1 >= PREPARE_MIN_CALLS && ms >= PREPARE_MIN_MS) || ms >= PREPARE_MAX_MS) break
  }
  return ping()
}

/**
 * Collects garbage now, when the engine asks between samples: a child process otherwise keeps every copy of its
 * rows it received (and the chunks they arrived in) until its own heap fills, which never happens on a small heap,
 * so copies pile up across samples and pools. Only child processes run with --expose-gc; elsewhere a no-op.
 */
function collect(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  return gc !== undefined
}

/** A child process's own stream buffer (threads are handed the engine's shared one). */
let ownStream: Float64Array | null = null
let speedWarmed = false
/**
 * The machine's speed check on this worker's thread (common/speed-check.ts): between samples, never inside one.
 * The first call runs it once untimed, so the loops are compiled before they are timed.
 */
function speed(buffer?: unknown): SpeedCheck {
  const shared =
    buffer instanceof SharedArrayBuffer &&
    buffer.byteLength >= STREAM_DOUBLES * Float64Array.BYTES_PER_ELEMENT
  const stream = shared ? streamBuffer(buffer) : (ownStream ??= streamBuffer())
  if (!speedWarmed) {
    timeSpeedCheck(stream)
    speedWarmed = true
  }
  return timeSpeedCheck(stream)
}

/** What workerpool calls by name; the lane calls `run` through it too. */
const handlers = { ping, fill, run, warm, prepare, collect, probe, speed, lane }

watchParent()
workerpool.worker(handlers)

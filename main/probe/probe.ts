// The machine probe: read and triad bandwidth, cache-sized read bandwidth, assign's compute peak and the timer,
// measured with the sweeps' own pools, workers and kernels, for 1 … cores workers, in interleaved rounds.
import os from 'node:os'
import type { Kernel } from '../../common/contract'
import {
  assignFlops,
  gbPerS,
  sumBytes,
  triadBytes,
  type CacheLevel,
  type Caches,
  type PoolFigure,
  type ProbeResult,
} from '../../common/ceilings'
import type { ProbeReply, ProbeTask, WorkspaceRef } from '../../common/protocol'
import { fillWorkspace } from '../engine/fill'
import { logicalCores, machineInfo } from '../engine/machine'
import { allocateWorkspace } from '../engine/matrix'
import { closePools, resolveWorkerScript, startPool, type TaskPromise, type WorkerPool } from '../engine/pool'
import { readCaches } from './caches'
import { figureInterval } from './interval'

export interface ProbeOptions {
  workerScript?: string
  /** Default wasm where the workers offer it, else js. */
  kernel?: Kernel
  /** Largest pool probed (default: logical cores). */
  maxPool?: number
  /** Timed samples per figure (default 7), after one untimed warm-up. */
  samples?: number
  /** Override the memory buffer (tests: a small one); default 4× the last-level cache, 64 MiB … 1 GiB. */
  memoryBytes?: number
  /** Override the cache sizes (tests); default readCaches(). */
  caches?: Caches
  signal?: AbortSignal
  /** One line per step, for a progress display. */
  onStep?: (line: string) => void
}

export const MIN_MEMORY_BYTES = 64 * 2 ** 20
export const MAX_MEMORY_BYTES = 2 ** 30
/** The smallest buffer a caller may ask for: assign's region must fit at its start. */
const MIN_TEST_BYTES = 2 ** 20
/** Bytes each worker reads per cache-sized sample: enough passes that a sample lasts a few ms. */
const CACHE_BYTES_PER_SAMPLE = 256 * 2 ** 20
/** assign's cache-resident matrix: 256 × 256 doubles (512 KiB), 8 centroids. */
const ASSIGN_N = 256
const ASSIGN_K = 8
const ASSIGN_PASSES = 48
/** Task boundaries on 128-byte multiples: two workers never share a cache line (nor a wasm 128-byte turn). */
const ALIGN_ENTRIES = 16

/** The memory buffer: 4× the largest cache reported, within [64 MiB, 1 GiB] and half the free memory. */
export function memoryBufferBytes(caches: Caches, freeBytes: number): { bytes: number; capped: boolean } {
  const last = caches.L3 ?? caches.L2 ?? caches.L1 ?? 0
  const wanted = Math.max(MIN_MEMORY_BYTES, 4 * last)
  const limit = Math.min(MAX_MEMORY_BYTES, Math.max(MIN_MEMORY_BYTES, Math.floor(freeBytes / 2)))
  return { bytes: Math.min(wanted, limit), capped: wanted > limit }
}

/** Splits `count` entries into p aligned slices [start, start + len). */
export function slices(count: number, p: number): Array<{ start: number; count: number }> {
  const per = Math.floor(count / p / ALIGN_ENTRIES) * ALIGN_ENTRIES
  return Array.from({ length: p }, (_, i) => ({ start: i * per, count: per }))
}

/**
 * Bytes per worker of a cache-level buffer: half the level (room for everything else), split among the workers
 * when the level is shared; never more than the memory buffer holds.
 */
export function cacheSliceBytes(size: number, shared: boolean, p: number, memoryBytes: number): number {
  const per = shared ? size / 2 / p : size / 2
  return Math.max(
    ALIGN_ENTRIES * 8,
    Math.min(Math.floor(per / 128) * 128, Math.floor(memoryBytes / p / 128) * 128),
  )
}

/** Smallest step of performance.now(), µs (the finest wall time any sample can resolve). */
export function timerResolutionUs(): number {
  let smallest = Infinity
  let last = performance.now()
  for (let steps = 0; steps < 1000;) {
    const t = performance.now()
    if (t !== last) {
      smallest = Math.min(smallest, t - last)
      last = t
      steps++
    }
  }
  return smallest * 1000
}

/** One timed sample: the p tasks run at once; the wall time covers dispatch to the last reply. */
async function timed(pool: WorkerPool, tasks: ProbeTask[]): Promise<number> {
  const t0 = performance.now()
  const replies = await Promise.all(tasks.map((t) => pool.exec<ProbeReply>('probe', [t])))
  const ms = performance.now() - t0
  if (!replies.every((r) => Number.isFinite(r.value))) throw new Error('a probe kernel returned no number')
  return ms
}

/**
 * Fills the buffer, and stops the fill's tasks as soon as `signal` aborts: filling a 1 GiB buffer takes seconds,
 * which a Ctrl-C or an app shutting down should not wait for.
 */
async function fillCancellably(pool: WorkerPool, ref: WorkspaceRef, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw new Error('cancelled')
  const tasks = new Set<TaskPromise<number>>()
  const stop = () => tasks.forEach((t) => t.cancel())
  signal?.addEventListener('abort', stop, { once: true })
  try {
    await fillWorkspace(pool, ref, 1, (task) => tasks.add(task))
  } catch (error) {
    throw signal?.aborted ? new Error('cancelled') : error
  } finally {
    signal?.removeEventListener('abort', stop)
  }
}

interface Measure {
  name: string
  tasks: ProbeTask[]
  /** Bytes (or flops) one sample moves in total. */
  amount: number
  /** Figure from amount and ms: GB/s or GFLOP/s. */
  figures: number[]
}

/** Runs the probe; rejects when a pool cannot start, or with 'cancelled' once `signal` aborts. */
export async function runProbe(options: ProbeOptions = {}): Promise<ProbeResult> {
  const step = options.onStep ?? (() => undefined)
  const script = resolveWorkerScript(options.workerScript)
  const cores = logicalCores()
  const maxPool = Math.max(1, Math.min(options.maxPool ?? cores, 256))
  const samples = Math.max(1, Math.min(options.samples ?? 7, 100))
  const loadAverage = os.loadavg()[0]
  const caches = options.caches ?? readCaches()
  const memory = options.memoryBytes
    ? { bytes: Math.max(MIN_TEST_BYTES, options.memoryBytes), capped: false }
    : memoryBufferBytes(caches, os.freemem())
  const levels = (['L1', 'L2', 'L3'] as CacheLevel[]).filter((l) => caches[l] !== null)
  const checkCancel = () => {
    if (options.signal?.aborted) throw new Error('cancelled')
  }

  step(`timer resolution`)
  const timerUs = timerResolutionUs()

  const side = Math.ceil(Math.sqrt(memory.bytes / 8))
  const big: WorkspaceRef = allocateWorkspace(side, 0)
  // assign's rows, centroids and labels live at the start of the same memory: one workspace keeps one wasm
  // instance per worker (a second would be bound anew at every switch, inside the timed region).
  const assignAt = ASSIGN_N * ASSIGN_N * 8
  const small: WorkspaceRef = {
    id: big.id,
    workspace: big.workspace,
    layout: {
      n: ASSIGN_N,
      k: ASSIGN_K,
      matrixOffset: 0,
      centroidsOffset: assignAt,
      labelsOffset: assignAt + ASSIGN_K * ASSIGN_N * 8,
      totalBytes: assignAt + ASSIGN_K * ASSIGN_N * 8 + ASSIGN_N * 4,
    },
  }
  const entries = Math.floor(memory.bytes / 8)
  const read: PoolFigure[] = []
  const triad: PoolFigure[] = []
  const assign: PoolFigure[] = []
  const cacheRead = new Map<CacheLevel, { bytes: number; read: PoolFigure[] }>()
  let kernel: Kernel | null = null

  try {
    for (let p = 1; p <= maxPool; p++) {
      checkCancel()
      step(`pool of ${p}: starting`)
      const pool = await startPool(script, 'thread', p, undefined, options.signal)
      try {
        if (kernel === null) {
          kernel = options.kernel ?? (pool.kernels.includes('wasm') ? 'wasm' : 'js')
          if (!pool.kernels.includes(kernel)) throw new Error(`the workers offer no ${kernel} kernels`)
          step(`filling ${Math.round(memory.bytes / 2 ** 20)} MiB`)
          await fillCancellably(pool, big, options.signal)
        }
        const k: Kernel = kernel
        const measures: Measure[] = []
        const task = (op: ProbeTask['op'], ref: WorkspaceRef, start: number, count: number, passes: number) =>
          ({ op, kernel: k, ref, start, count, passes }) satisfies ProbeTask

        const readSlices = slices(entries, p)
        measures.push({
          name: 'read',
          tasks: readSlices.map((s) => task('sum', big, s.start, s.count, 1)),
          amount: sumBytes(readSlices.reduce((a, s) => a + s.count, 0)),
          figures: [],
        })
        const third = Math.floor(entries / 3 / ALIGN_ENTRIES) * ALIGN_ENTRIES
        const triadSlices = slices(third, p)
        measures.push({
          name: 'triad',
          tasks: triadSlices.map((s) => ({
            ...task('triad', big, s.start, s.count, 1),
            b: third + s.start,
            c: 2 * third + s.start,
          })),
          amount: triadBytes(triadSlices.reduce((a, s) => a + s.count, 0)),
          figures: [],
        })
        for (const level of levels) {
          const per = cacheSliceBytes(caches[level] ?? 0, caches.shared[level], p, memory.bytes) / 8
          const passes = Math.max(1, Math.round(CACHE_BYTES_PER_SAMPLE / (per * 8)))
          measures.push({
            name: level,
            tasks: Array.from({ length: p }, (_, i) => task('sum', big, i * per, per, passes)),
            amount: sumBytes(per * passes * p),
            figures: [],
          })
        }
        const rowSlices = slices(ASSIGN_N, p).map((s, i, all) =>
          // rows need no cache-line alignment of their own (a row is 2 KiB); the last worker takes the rest
          i === all.length - 1 ? { start: s.start, count: ASSIGN_N - s.start } : s,
        )
        measures.push({
          name: 'assign',
          tasks: rowSlices
            .filter((s) => s.count > 0)
            .map((s) => task('assign', small, s.start, s.count, ASSIGN_PASSES)),
          amount: assignFlops(ASSIGN_N * ASSIGN_N, ASSIGN_K) * ASSIGN_PASSES,
          figures: [],
        })

        // one warm-up round, then interleaved rounds: a burst of load hits every figure alike
        for (let round = 0; round <= samples; round++) {
          checkCancel()
          step(`pool of ${p}: round ${round} of ${samples}`)
          for (const m of measures) {
            const ms = await timed(pool, m.tasks)
            if (round > 0) m.figures.push(gbPerS(m.amount, ms))
          }
        }
        const figure = (name: string): PoolFigure => ({
          pool: p,
          value: figureInterval(measures.find((m) => m.name === name)?.figures ?? [0]),
        })
        read.push(figure('read'))
        triad.push(figure('triad'))
        assign.push(figure('assign'))
        for (const level of levels) {
          const entry = cacheRead.get(level) ?? { bytes: caches[level] ?? 0, read: [] }
          entry.read.push(figure(level))
          cacheRead.set(level, entry)
        }
      } finally {
        await pool.terminate()
      }
    }
  } finally {
    await closePools()
  }

  const machine = machineInfo()
  return {
    schema: 1,
    measuredAt: new Date().toISOString(),
    cpuModel: machine.cpuModel,
    logicalCores: machine.logicalCores,
    kernel: kernel ?? 'js',
    loadAverage,
    timerResolutionUs: timerUs,
    caches,
    memoryBytes: memory.bytes,
    memoryCapped: memory.capped,
    read,
    triad,
    cacheRead: levels.map((level) => ({ level, ...(cacheRead.get(level) ?? { bytes: 1, read: [] }) })),
    assign,
  }
}

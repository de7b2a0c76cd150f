// A pool of p workers over workerpool: start it, measure its start-up apart from the work, run tasks, end it.
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import workerpool from 'workerpool'
import {
  SpeedCheckSchema,
  type Executor,
  type Kernel,
  type PoolStartup,
  type SpeedCheck,
} from '../../common/contract'
import { slowestOf } from '../../common/speed-check'
import { WorkerDied } from './speed'
import type { PingReply, PrepareTask } from '../../common/protocol'
import { errorLine } from '../../common/one-line'
import { formatTimeout } from './command/report'
import { median } from '../../common/stats'
import { Lane } from './lane'

/** workerpool's own promise: cancel() rejects it and makes the pool replace the worker running it. */
export type TaskPromise<T> = workerpool.Promise<T>

export interface WorkerPool {
  readonly executor: Executor
  readonly size: number
  readonly startup: PoolStartup
  /** Kernels the worker script offers (from its ping reply). */
  readonly kernels: readonly Kernel[]
  /** Sends one task (a worker in the lane leaves it first: see lane). */
  exec<T>(method: string, params: unknown[], transfer?: ArrayBuffer[]): TaskPromise<T>
  /** Threads only: where a sample's tasks go through shared memory instead of messages (lane.ts). */
  readonly lane: Lane | null
  /** Pids of the worker processes (process executor; empty for threads, whose CPU time is our own). */
  readonly pids: readonly number[]
  /**
   * Readies every worker for a size (see PrepareTask); resolves once each one has answered. `track` is given each
   * task sent, so that a cancel (or a module's timeout) can stop one that does not return.
   */
  prepare(task: PrepareTask, track?: (task: TaskPromise<unknown>) => void): Promise<void>
  /** Asks every worker to collect its garbage (child processes only do); never fails. */
  collect(): Promise<void>
  /**
   * The machine's speed check (common/speed-check.ts) on every worker at once (at most one per core), as a sample
   * runs them: the slowest worker's time of each part, tagged with the pool's size. Threads stream `buffer`
   * (shared); child processes their own. Null when the workers cannot take one (a worker script of one's own) or
   * answer nonsense; rejects only with WorkerDied, when a worker died during it.
   */
  speed(buffer: SharedArrayBuffer | null): Promise<SpeedCheck | null>
  terminate(): Promise<void>
}

/** How long a pool may take to answer before it counts as not starting (covers a slow disk and many workers). */
export const STARTUP_TIMEOUT_MS = 20_000
/**
 * A worker asked to stop is killed after this long. An idle worker stops well within it; a busy one never reads
 * the request, so this is what a cancel waits for: keep it short.
 */
const TERMINATE_GRACE_MS = 50
const ROUND_TRIPS = 200

/** opts.workerScript ?? AMDAHL_WORKER ?? worker.js beside the bundle, taken from app.asar.unpacked when packaged. */
export function resolveWorkerScript(explicit?: string): string {
  const script = explicit ?? process.env.AMDAHL_WORKER ?? besideBundle()
  return script.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`)
}

/** worker.js sits beside the entry bundles; the engine itself may have been split into a chunks/ folder below. */
function besideBundle(): string {
  const candidates = [path.join(__dirname, 'worker.js'), path.join(__dirname, '..', 'worker.js')]
  return (
    candidates.find((c) => existsSync(c.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`))) ??
    candidates[0]
  )
}

/** Pools asked to end whose workers have not all gone yet (see closePools). */
const closing = new Set<Promise<void>>()

function track(ending: Promise<void>): Promise<void> {
  closing.add(ending)
  void ending.finally(() => closing.delete(ending))
  return ending
}

/**
 * Resolves once every pool the engine has asked to end is gone (workers exited or killed). A cancelled sweep
 * resolves before its pools are gone, so whoever is about to exit, or to measure again, awaits this first.
 */
export async function closePools(): Promise<void> {
  while (closing.size > 0) await Promise.all(closing)
}

/** errorLine, with workerpool's multi-line exit report and its dead-worker wordings squeezed into one line. */
export function poolErrorLine(err: unknown, kernel?: { ref: { name: string }; timeoutMs: number }): string {
  // A module's kernel task past its timeout (workerpool's TimeoutError; its worker is ended as a cancelled one's).
  if (kernel && err instanceof workerpool.Promise.TimeoutError)
    return `${kernel.ref.name}: a kernel task ran for over ${formatTimeout(kernel.timeoutMs)} and was stopped (its worker with it)`
  const first = errorLine(err)
  if (first.startsWith('Workerpool Worker terminated Unexpectedly')) {
    const lines = (err instanceof Error ? err.message : String(err)).split('\n').map((l) => l.trim())
    // A thread has no signal: workerpool reports `signalCode: \`undefined\``, which says nothing to a reader.
    const detail = lines
      .filter((l) => (l.startsWith('exitCode') || l.startsWith('signalCode')) && !l.includes('`undefined`'))
      .join(', ')
    // V8 aborts a process whose heap is full: the likeliest cause, said as such (its report went to stderr).
    const why = /signalCode: `SIGABRT`/.test(lines.join('\n')) ? ': aborted, most often out of memory' : ''
    return `a worker exited unexpectedly (${detail.replace(/`/g, '')})${why}`
  }
  // A thread over its heap: workerpool's prefix says nothing a reader needs.
  if (/reaching memory limit/.test(first))
    return `a worker thread ran out of memory (${first.replace(/^Workerpool Worker error: /, '')})`
  if (DIED_BEFORE.test(first)) return `a worker had died before its task (${first})`
  return first
}

/**
 * A worker that died while idle is only noticed when a task is handed to it, and workerpool words it variously: a
 * terminated worker, a closed channel, or (a child process whose exit it has not heard of yet) a write to its pipe.
 */
const DIED_BEFORE = /Worker is terminated|Channel closed|write EPIPE/

/** Whether a task's failure is its worker's death (during it, or before it), as poolErrorLine words them. */
export const isWorkerDeath = (err: unknown): boolean => {
  const first = errorLine(err)
  return first.startsWith('Workerpool Worker terminated Unexpectedly') || DIED_BEFORE.test(first)
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Sends `size` concurrent calls, which land on `size` idle workers, until every worker has answered (a worker
 * rarely takes two of one round): how start-up and prepare reach each worker exactly once or more.
 */
async function everyWorker(
  size: number,
  exec: <T>(method: string, params: unknown[]) => TaskPromise<T>,
  method: 'ping' | 'prepare',
  params: unknown[],
  track: (task: TaskPromise<unknown>) => void = () => undefined,
): Promise<{ answered: Set<string>; replies: PingReply[] }> {
  const answered = new Set<string>()
  let replies: PingReply[] = []
  for (let round = 0; answered.size < size && round < 10; round++) {
    replies = await Promise.all(
      Array.from({ length: size }, () => {
        const task = exec<PingReply>(method, params)
        track(task)
        return task
      }),
    )
    for (const r of replies) answered.add(r.worker)
  }
  return { answered, replies }
}

export class PoolStartError extends Error {
  override name = 'PoolStartError'
}

export class PoolStartCancelled extends Error {
  override name = 'PoolStartCancelled'
}

/**
 * Creates a pool of `size` workers and waits until every one of them has answered a ping (cold start-up), then
 * times warm empty round trips. Rejects with PoolStartError (and leaves nothing running) when the pool cannot
 * start or does not answer in time, and with PoolStartCancelled as soon as `signal` aborts.
 */
export async function startPool(
  script: string,
  executor: Executor,
  size: number,
  timeoutMs: number = STARTUP_TIMEOUT_MS,
  signal?: AbortSignal,
): Promise<WorkerPool> {
  if (!existsSync(script))
    throw new PoolStartError(`the ${executor} pool of ${size} could not start: no worker script at ${script}`)
  const t0 = performance.now()
  const pool = workerpool.pool(script, {
    minWorkers: size,
    maxWorkers: size,
    workerType: executor,
    workerTerminateTimeout: TERMINATE_GRACE_MS,
    // 'advanced' serialisation carries typed arrays to child processes as typed arrays, not JSON.
    // --expose-gc lets the engine free a child's copied rows between samples (see collect in the worker).
    forkOpts: { serialization: 'advanced', execArgv: ['--expose-gc'] },
  })
  const send = <T>(method: string, params: unknown[], transfer?: ArrayBuffer[]) =>
    pool.exec(method, params, transfer ? { transfer } : undefined) as unknown as TaskPromise<T>
  const lane = executor === 'thread' ? new Lane(send, size, poolErrorLine) : null
  // A worker in the lane reads no message: it is asked to leave first, and workerpool queues the task till it has.
  const exec = <T>(method: string, params: unknown[], transfer?: ArrayBuffer[]) => {
    lane?.leave()
    return send<T>(method, params, transfer)
  }
  const end = () => {
    lane?.leave()
    return track(
      withTimeout(Promise.resolve(pool.terminate(true)), 5000, 'pool did not stop').catch(() => undefined),
    )
  }

  // Starting many processes takes a while; a cancel must not wait for all of them to come up.
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new PoolStartCancelled('cancelled while the pool started'))
    if (signal?.aborted) onAbort()
    else signal?.addEventListener('abort', onAbort, { once: true })
  })
  aborted.catch(() => undefined)
  const orAbort = <T>(p: Promise<T>) => Promise.race([p, aborted])

  try {
    let kernels: Kernel[] = []
    const ready = everyWorker(size, exec, 'ping', []).then((r) => {
      kernels = r.replies[0].kernels
      return r.answered
    })
    const answered = await orAbort(
      withTimeout(ready, timeoutMs, `no answer within ${Math.round(timeoutMs / 1000)} s`),
    )
    if (answered.size < size) throw new Error(`only ${answered.size} of ${size} workers answered`)
    const coldMs = performance.now() - t0

    const trips: number[] = []
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const s = performance.now()
      await orAbort(Promise.resolve(exec('ping', [])))
      trips.push(performance.now() - s)
    }
    const startup: PoolStartup = { executor, pool: size, coldMs, roundTripMs: median(trips) }
    // JIT warm-up of the kernels on every worker, outside the start-up figures; a script without it still runs.
    await orAbort(
      withTimeout(
        Promise.all(Array.from({ length: size }, () => exec<number>('warm', []))),
        timeoutMs,
        'warm-up took too long',
      ).catch(() => undefined),
    )
    const collect = async () => {
      await Promise.allSettled(Array.from({ length: size }, () => exec<boolean>('collect', [])))
    }
    const pids: number[] = []
    const notePids = (workers: Set<string>) => {
      if (executor !== 'process') return
      pids.length = 0
      for (const w of workers) {
        const pid = Number(w.split(':')[0])
        if (Number.isInteger(pid) && pid !== process.pid) pids.push(pid)
      }
    }
    notePids(answered)
    const prepare = async (task: PrepareTask, track?: (task: TaskPromise<unknown>) => void) => {
      try {
        // A replaced worker (after a crash) has a new pid: the answers tell which processes are ours now.
        notePids((await everyWorker(size, exec, 'prepare', [task], track)).answered)
      } catch (err) {
        // A worker script of one's own without prepare still runs, unwarmed; any other fault is the cells'.
        if (!/Unknown method/i.test(String((err as Error)?.message))) throw err
      }
    }
    const speed = async (buffer: SharedArrayBuffer | null): Promise<SpeedCheck | null> => {
      const params = buffer && executor === 'thread' ? [buffer] : []
      // At most one per core: the workers of an oversubscribed pool would only time-share the check.
      const replies = await Promise.all(
        Array.from({ length: Math.min(size, availableParallelism()) }, () => exec<unknown>('speed', params)),
      ).catch((err: unknown) => {
        if (isWorkerDeath(err)) throw new WorkerDied(poolErrorLine(err))
        return null
      })
      if (!replies) return null
      const checks = replies.map((r) => SpeedCheckSchema.safeParse(r))
      if (checks.some((c) => !c.success)) return null
      const slowest = slowestOf(checks.map((c) => c.data as SpeedCheck))
      return slowest && { ...slowest, pool: size }
    }
    return { executor, size, startup, kernels, pids, exec, lane, prepare, collect, speed, terminate: end }
  } catch (err) {
    // A cancel comes back at once; the half-started pool ends in the background, tracked by closePools().
    if (err instanceof PoolStartCancelled) {
      void end()
      throw err
    }
    await end()
    throw new PoolStartError(`the ${executor} pool of ${size} could not start: ${poolErrorLine(err)}`)
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort)
  }
}

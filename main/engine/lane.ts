// The main side of a lane (common/lane.ts): a thread pool's workers enter it for a workspace and take each
// sample's tasks from shared memory; any message sent to the pool (pool.ts) has them leave it first.
import { availableParallelism } from 'node:os'
import type { Kernel } from '../../common/contract'
import {
  LANE,
  LANE_KERNELS,
  LANE_WORKLOADS,
  laneBytes,
  laneViews,
  type LaneTask,
  type LaneWorkload,
} from '../../common/lane'
import type { WorkspaceRef } from '../../common/protocol'

/**
 * Where the pool leaves a core free (Lane.spins), how long a worker watches GEN after its tasks before it sleeps,
 * and how long the main side watches DONE before it sleeps. A sleeping thread of this VM took ~25 µs to wake
 * (2026-11-28): a 1-worker sample of 10⁶ entries read 0.151 ms with the main side asleep, 0.119 watching, against a
 * 0.085 ms kernel. With three other programs busy, watching cost 10% (0.359 against 0.327 ms); such a run is
 * flagged busy. Back-to-back samples (a batch, the bench) find their worker still watching.
 */
export const WORKER_SPIN_MS = 0.2
export const MAIN_SPIN_MS = 1
/**
 * How long the main side waits for a dispatch asleep on the futex, its event loop held, before it waits through
 * the event loop: longer samples gain nothing from the quicker wake-up, and a worker's death or a cancel is then
 * heard at most this late.
 */
export const SYNC_WAIT_MS = 2
/** Workers that have not entered the lane by then are busy elsewhere: the samples go by message instead. */
const JOIN_TIMEOUT_MS = 5000

/**
 * Whether this thread may block in Atomics.wait. Node's main thread may; a host that forbids it (as browsers
 * forbid their main threads) throws at once, and the lane then waits through the event loop alone.
 */
const mayBlock = (() => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)), 0, 1, 0)
    return true
  } catch {
    return false
  }
})()

/** The id of the lane that dispatched last, watched by every spinning worker of every lane of this process. */
const current = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT))
let lanesMade = 0

/** One dispatch: the cell's tasks, each `chunkRows` rows from row t · chunkRows of the workspace's matrix. */
export interface LaneDispatch {
  workload: LaneWorkload
  kernel: Kernel
  tasks: number
  chunkRows: number
}

export interface LaneOutcome {
  /** Each task's value, by task number. */
  values: Float64Array
  /** Each worker's kernel time over its tasks, as message replies would name them. */
  replies: { kernelMs: number; worker: string }[]
  failure: string | null
}

/** workerpool's task promise: cancel() rejects it and replaces the worker running it. */
type CancellablePromise = Promise<unknown> & { cancel(): unknown }
type Exec = (method: string, params: unknown[]) => CancellablePromise

const ENDED = Symbol('ended')

/** Atomics.waitAsync (in Node since 16), which this TypeScript lib does not declare yet. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
      timeoutMs?: number,
    ):
      { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> }
  }
).waitAsync

type LaneViews = ReturnType<typeof laneViews>

export class Lane {
  readonly id = ++lanesMade
  /** 'joining': the lane tasks are sent, the workers not all in yet; no dispatch until they are ('open'). */
  private state: 'closed' | 'joining' | 'open' | 'unsupported' = 'closed'
  private refId = -1
  private capacity = 0
  private views: LaneViews | null = null
  /** The workers' lane tasks: each settles when its worker leaves the lane (or fails in it, or dies). */
  private members: CancellablePromise[] = []
  /** Settles with the first member's end (its error, or ENDED for a worker that left). */
  private firstEnd: Promise<unknown> = new Promise(() => undefined)
  private leaving: Promise<unknown> = Promise.resolve()
  /** The open under way: a second open waits for it, rather than sending a second lane to busy workers. */
  private opening: Promise<boolean> | null = null
  /** A dispatch is under way: the slots and values are its own until it returns. */
  private busy = false

  constructor(
    private readonly exec: Exec,
    readonly size: number,
    private readonly errorLine: (err: unknown) => string,
  ) {}

  /**
   * Workers and the main side spin only where the pool leaves a core free: never beside workers that need every
   * core.
   */
  get spins(): boolean {
    return this.size < availableParallelism()
  }

  /** Whether a dispatch of `tasks` over `ref` may go now: the lane open for it, no other dispatch under way. */
  isOpenFor(ref: WorkspaceRef, tasks = 1): boolean {
    return this.serves(ref, tasks) && !this.busy
  }

  /** The workers are in the lane for `ref`, with room for `tasks` a dispatch (a dispatch may be under way). */
  private serves(ref: WorkspaceRef, tasks: number): boolean {
    return this.state === 'open' && this.refId === ref.id && tasks <= this.capacity
  }

  /** The workers were sent into the lane (joining or in it), and have not been asked to leave. */
  private get entered(): boolean {
    return this.state === 'open' || this.state === 'joining'
  }

  /**
   * Has every worker enter the lane for `ref` (up to `maxTasks` tasks a dispatch), unless it is open for it already;
   * false when the workers cannot (a worker script of one's own without `lane`, a worker busy past the timeout):
   * the samples then go by message. Call it outside any timed region.
   */
  async open(ref: WorkspaceRef, maxTasks = ref.layout.n): Promise<boolean> {
    // One at a time: two opens side by side each sent the workers a lane; those in the first never left it.
    while (this.opening) await this.opening.catch(() => false)
    if (this.serves(ref, maxTasks)) return true
    if (this.state === 'unsupported') return false
    const opening = this.join(ref, maxTasks)
    this.opening = opening
    try {
      return await opening
    } finally {
      if (this.opening === opening) this.opening = null
    }
  }

  private async join(ref: WorkspaceRef, maxTasks: number): Promise<boolean> {
    this.leave()
    await this.leaving
    const control = new SharedArrayBuffer(laneBytes(this.size, Math.max(1, maxTasks)))
    const views = laneViews(control, this.size)
    const task: LaneTask = {
      control,
      ref,
      current: current.buffer as SharedArrayBuffer,
      id: this.id,
      workers: this.size,
      spinMs: this.spins ? WORKER_SPIN_MS : 0,
    }
    this.views = views
    this.members = Array.from({ length: this.size }, () => this.exec('lane', [task]))
    this.firstEnd = Promise.race(
      this.members.map((m) =>
        Promise.resolve(m).then(
          () => ENDED,
          (err: unknown) => err,
        ),
      ),
    )
    this.state = 'joining'
    this.refId = ref.id
    this.capacity = Math.max(1, maxTasks)
    const joined = await waitFor(views.ints, LANE.JOINED, this.size, this.firstEnd, JOIN_TIMEOUT_MS)
    // Left during the join (a message to the pool, a cancel): the workers leave as they come.
    if (this.state !== 'joining') return false
    if (joined === true) {
      this.state = 'open'
      return true
    }
    this.leave()
    if (joined !== ENDED && /Unknown method/i.test(this.errorLine(joined))) this.state = 'unsupported'
    return false
  }

  /**
   * Runs one dispatch and waits for every worker to be done with it. Inside the timed region: nothing here but
   * writing the slots, the wake-up and the wait.
   */
  async dispatch(d: LaneDispatch, stopped: boolean): Promise<LaneOutcome> {
    const views = this.views
    if (!views || this.state !== 'open' || this.busy || d.tasks > this.capacity)
      throw new Error('the lane is not open for this dispatch')
    // Until it returns (nothing in between throws): a second dispatch would write over this one's slots.
    this.busy = true
    const { ints, kernelMs, values } = views
    kernelMs.fill(0)
    // Task w goes to worker w first, as workerpool hands a dispatch's first tasks one to each idle worker; the
    // rest go to whichever worker is free first, from NEXT.
    ints[LANE.NEXT] = this.size
    ints[LANE.DONE] = 0
    ints[LANE.STOP] = stopped ? 1 : 0
    ints[LANE.CUT] = 0
    ints[LANE.TASKS] = d.tasks
    ints[LANE.CHUNK_ROWS] = d.chunkRows
    ints[LANE.WORKLOAD] = LANE_WORKLOADS.indexOf(d.workload)
    ints[LANE.KERNEL] = LANE_KERNELS.indexOf(d.kernel as (typeof LANE_KERNELS)[number])
    Atomics.store(current, 0, this.id)
    Atomics.add(ints, LANE.GEN, 1)
    Atomics.notify(ints, LANE.GEN)
    // Watching where a core is free (MAIN_SPIN_MS); then asleep on the futex, as the workers sleep, before the
    // event loop's wait (waitAsync), whose wake-up took a few µs more; bounded, so a dead worker or a cancel is
    // heard within SYNC_WAIT_MS all the same.
    if (this.spins) {
      const spinUntil = performance.now() + MAIN_SPIN_MS
      while (Atomics.load(ints, LANE.DONE) < this.size && performance.now() < spinUntil);
    }
    const syncUntil = performance.now() + (mayBlock ? SYNC_WAIT_MS : 0)
    for (let seen = Atomics.load(ints, LANE.DONE); seen < this.size; seen = Atomics.load(ints, LANE.DONE)) {
      const left = syncUntil - performance.now()
      if (left <= 0) break
      Atomics.wait(ints, LANE.DONE, seen, left)
    }
    // This lane's, as the dispatch began: a leave during it, and another open after, replace the lane's own.
    const firstEnd = this.firstEnd
    const done = await waitFor(ints, LANE.DONE, this.size, firstEnd)
    let failure: string | null = null
    if (done !== true || Atomics.load(ints, LANE.FAILED) === 1) {
      // A task threw (its worker left with the error) or a worker died: the lane is over; the next sample opens
      // a new one, with the pool's replacement worker.
      const why = done === true ? await firstEnd : done
      failure = this.errorLine(why === ENDED ? new Error('a worker left the lane during a sample') : why)
      if (this.views === views) this.leave()
    } else if (Atomics.load(ints, LANE.CUT) === 1) {
      // A leave (a message sent meanwhile) or a cancel stopped the workers between tasks: each counted itself
      // done with tasks it had taken and not run, whose values are not written.
      failure = 'the sample was stopped before all its tasks ran (a cancel, or a message to the pool)'
      if (this.views === views) this.leave()
    }
    const replies = Array.from(kernelMs, (ms, i) => ({ kernelMs: ms, worker: `lane-${this.id}:${i}` }))
    this.busy = false
    // A copy: the view is the next dispatch's as soon as this one returns, before its caller has read it.
    return { values: values.slice(0, d.tasks), replies, failure }
  }

  /**
   * A cancel, as a message's task is cancelled: the workers are stopped where they are (workerpool ends them and
   * starts others), so a long task is not waited for; the dispatch returns at once.
   */
  stop(): void {
    if (!this.entered || !this.views) return
    Atomics.store(this.views.ints, LANE.STOP, 1)
    const members = this.members
    this.leave()
    for (const m of members) m.cancel()
  }

  /** Has the workers leave the lane (at once if they wait; after their task if they work); never waits. */
  leave(): void {
    if (!this.entered || !this.views) return
    const { ints } = this.views
    Atomics.store(ints, LANE.STOP, 1)
    Atomics.store(ints, LANE.LEAVE, 1)
    Atomics.add(ints, LANE.GEN, 1)
    Atomics.notify(ints, LANE.GEN)
    this.state = 'closed'
    this.refId = -1
    this.leaving = Promise.allSettled(this.members.map((m) => Promise.resolve(m)))
  }
}

/**
 * Waits until slot `at` of `ints` reaches `count`: true, or what ended a member first (its error, or ENDED:
 * see Lane.firstEnd), or ENDED after `timeoutMs`. Woken by the workers' notify, so the event loop stays free
 * meanwhile.
 */
async function waitFor(
  ints: Int32Array,
  at: number,
  count: number,
  firstEnd: Promise<unknown>,
  timeoutMs = Infinity,
): Promise<true | unknown> {
  const until = performance.now() + timeoutMs
  for (;;) {
    const seen = Atomics.load(ints, at)
    if (seen >= count) return true
    const left = until - performance.now()
    if (left <= 0) return ENDED
    const wait = waitAsync(ints, at, seen, Number.isFinite(left) ? left : undefined)
    if (!wait.async) continue
    const woke = await Promise.race([wait.value, firstEnd])
    if (woke !== 'ok' && woke !== 'timed-out' && woke !== 'not-equal') {
      // A member ended; what it wrote before it did still counts.
      if (Atomics.load(ints, at) >= count) return true
      return woke
    }
  }
}

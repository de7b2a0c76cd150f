// The lane: how a thread pool's workers take a sample's tasks from shared memory rather than one message per task.
//
// A message to a worker and its answer (workerpool's exec) cost 40–65 µs here (2026-11-28), a futex wake-up 10–20
// µs, a hand-off between two spinning threads under 1 µs: at N = 1,000 a sum takes 90 µs, so the message was a
// third of every small sample. OpenMP's runtimes hand work to their threads the same way: a shared word that the
// waiting threads watch, spinning a little before they sleep. The main side (main/engine/lane.ts) writes the cell's
// tasks here and bumps GEN; each worker (workers/worker.ts, `lane`) takes the task of its own number, then task
// numbers from NEXT until none is left, writes each task's value, adds its kernel time to its own slot and counts
// itself DONE.
import type { Kernel, Workload } from './contract'
import type { WorkspaceRef } from './protocol'

/** Int32 slots at the start of the control block. */
export const LANE = {
  /** Bumped by the main side for each dispatch (and to make the workers read LEAVE). */
  GEN: 0,
  /** 1: leave the lane (the worker's lane task returns, and the worker takes messages again). */
  LEAVE: 1,
  /** Workers in the lane: each adds one as it enters, which numbers it. */
  JOINED: 2,
  /** The next task number to take, once each worker has run the task of its own number. */
  NEXT: 3,
  /** Workers done with this dispatch. */
  DONE: 4,
  /** 1 once a task threw: its worker leaves the lane with the error. */
  FAILED: 5,
  /** 1: take no further task (a cancel, a leave). */
  STOP: 6,
  /** This dispatch: how many tasks, rows per task, the workload and kernel codes below. */
  TASKS: 7,
  CHUNK_ROWS: 8,
  WORKLOAD: 9,
  KERNEL: 10,
  /** 1 once a worker stopped (STOP) with a task taken and not run: this dispatch's values are not whole. */
  CUT: 11,
} as const

const INTS = 16
const FLOATS_AT = INTS * Int32Array.BYTES_PER_ELEMENT

/** The workloads and kernels a lane runs, by their code in WORKLOAD and KERNEL. */
export const LANE_WORKLOADS = ['sum', 'assign'] as const satisfies readonly Workload[]
export const LANE_KERNELS = ['js', 'wasm'] as const satisfies readonly Kernel[]
export type LaneWorkload = (typeof LANE_WORKLOADS)[number]

/** What a worker is given as it enters a lane (a workerpool task that returns when the lane is left). */
export interface LaneTask {
  control: SharedArrayBuffer
  /** The workspace whose rows the tasks read: a lane serves one workspace. */
  ref: WorkspaceRef
  /** One Int32 shared by every lane of the process: the id of the lane that dispatched last. */
  current: SharedArrayBuffer
  /** This lane's id (see `current`): a worker spins only while its own lane dispatched last. */
  id: number
  /** Workers in the lane; each has a kernel-time slot. */
  workers: number
  /** How long a worker watches GEN after its tasks before it sleeps (0: it sleeps at once). */
  spinMs: number
}

/** Bytes of a control block for `workers` workers and up to `tasks` tasks per dispatch. */
export const laneBytes = (workers: number, tasks: number): number =>
  FLOATS_AT + (workers + tasks) * Float64Array.BYTES_PER_ELEMENT

/** The views of a control block: its Int32 slots, each worker's kernel time (ms) and each task's value. */
export function laneViews(control: SharedArrayBuffer, workers: number) {
  const floats = (control.byteLength - FLOATS_AT) / Float64Array.BYTES_PER_ELEMENT
  return {
    ints: new Int32Array(control, 0, INTS),
    kernelMs: new Float64Array(control, FLOATS_AT, workers),
    values: new Float64Array(control, FLOATS_AT + workers * Float64Array.BYTES_PER_ELEMENT, floats - workers),
  }
}

// The messages between the engine (main side) and its workers: tasks, replies, and the shared workspace handle.
import type { Kernel, Workload } from './contract'
import type { ModuleRef } from './user-module'

/**
 * A shared WebAssembly.Memory, typed structurally: the project's TypeScript libs carry no WebAssembly
 * declarations, and declaring them globally here could clash with the wasm kernels' own.
 */
export interface SharedWasmMemory {
  readonly buffer: SharedArrayBuffer
  grow(pages: number): number
}

/** One N's workspace: a shared WebAssembly.Memory when it fits in 4 GiB (wasm kernels import it), else a SAB. */
export type Workspace = SharedWasmMemory | SharedArrayBuffer

/** Byte offsets of the regions in the workspace (see main/engine/matrix.ts layout). */
export interface WorkspaceLayout {
  n: number
  k: number
  matrixOffset: number
  centroidsOffset: number
  labelsOffset: number
  totalBytes: number
}

export interface WorkspaceRef {
  /** Unique per allocation, so a worker can cache what it binds to one workspace. */
  id: number
  workspace: Workspace
  layout: WorkspaceLayout
}

export function workspaceBuffer(ws: Workspace): SharedArrayBuffer {
  return ws instanceof SharedArrayBuffer ? ws : ws.buffer
}

export type FillTarget = 'matrix' | 'centroids'
export interface FillTask {
  ref: WorkspaceRef
  target: FillTarget
  seed: number
  rowStart: number
  rowEnd: number
}

/** Rows [rowStart, rowEnd) of the matrix in the shared workspace: nothing copied. */
export interface SharedTask {
  mode: 'shared'
  workload: Workload
  kernel: Kernel
  ref: WorkspaceRef
  rowStart: number
  rowEnd: number
  /** Workload 'module': the user's module, whose kernel runs instead of ours. */
  module?: ModuleRef
}

/** A copy of the task's rows (and of the centroids for assign), made on the main side inside the timed region. */
export interface CopyTask {
  mode: 'copy'
  workload: Workload
  kernel: Kernel
  n: number
  k: number
  /** The first row of the copy in the matrix, for a module's kernel (ours do not need it; default 0). */
  rowStart?: number
  rows: Float64Array
  centroids: Float64Array | null
  module?: ModuleRef
}

export type WorkTask = SharedTask | CopyTask

export interface TaskReply {
  /** sum: the partial sum; assign: the sum of the labels written; module: what the user's kernel returned. */
  value: number
  /** Time inside the kernel, measured in the worker. */
  kernelMs: number
  /** pid:threadId of the worker that ran it: the breakdown sums kernel time per worker. */
  worker?: string
  /** assign with transfer 'copy' only: the labels of the task's rows, for the main side to write. */
  labels?: Int32Array
}

/**
 * Readies one worker for a size's cells before any of them is timed: binds the kernels to the workspace (the
 * wasm module is instantiated over its memory here, not inside the first sample) and runs them on a few rows
 * until the JIT (and wasm tier-up) has had its go. Shared tasks read the real workspace; copied tasks make rows.
 */
export interface PrepareTask {
  mode: 'shared' | 'copy'
  workload: Workload
  kernel: Kernel
  /** The workspace, for shared tasks (null for copied ones). */
  ref: WorkspaceRef | null
  n: number
  k: number
  /**
   * Workload 'module': the module each worker imports here, once, and warms. Copied tasks get a copy of the first
   * rows of the real matrix to warm it on, since a user's kernel may expect what their setup wrote.
   */
  module?: ModuleRef
  rows?: Float64Array
}

/** Rows a prepare runs the kernel on: enough for a call to be real work (≥ 4096 entries where N allows), few enough to stay quick. */
export function prepareRows(n: number): number {
  return Math.max(1, Math.min(n, Math.ceil(4096 / n)))
}

export interface PingReply {
  /** pid:threadId, so the pool can check that every worker answered. */
  worker: string
  kernels: Kernel[]
}

/**
 * One task of the machine probe (main/probe): `passes` runs of one kernel over a part of the workspace's matrix
 * region, timed inside the worker. sum reads entries [start, start + count); triad writes a = b + s·c over three
 * count-long arrays starting at entries a, b, c; assign labels rows [start, start + count) against the centroids.
 */
export interface ProbeTask {
  op: 'sum' | 'triad' | 'assign'
  kernel: Kernel
  ref: WorkspaceRef
  start: number
  count: number
  /** triad only: entry offsets of b and c (a is `start`). */
  b?: number
  c?: number
  passes: number
}

export interface ProbeReply {
  /** Time inside the kernel over all passes, measured in the worker. */
  kernelMs: number
  /** A value that depends on the work (so the loop cannot be skipped): the last pass's sum, label sum or a[0]. */
  value: number
}

// The memory check done before anything is allocated: refuse a size that does not fit, in one human line.
import os from 'node:os'
import type { SweepSpec } from '../../common/contract'
import { allocationSizes, layout } from './matrix'

/** Keep this share of the free memory for the OS and everything else. */
export const HEADROOM = 0.1
/** Rough resident cost of one idle worker: a V8 isolate for a thread, a whole Node for a process. */
const WORKER_BYTES = { thread: 12 * 2 ** 20, process: 48 * 2 ** 20 } as const

export function centroidsOf(spec: SweepSpec): number {
  return spec.workload === 'assign' ? spec.centroids : 0
}

/**
 * Extra bytes per matrix byte that transfer 'copy' holds at its peak, measured on Node 20 (RSS of the main process
 * and its children during an N = 8000 sweep). Threads: the copies made on the main side, plus the previous
 * sample's copies the workers have not collected yet (2×). Processes: on the main side the copy, V8's serialiser
 * buffer growing by doubling and Node's framing concat (≈ 4×); in the children the arriving chunks, their concat
 * and the deserialised rows (≈ 4×, with the engine collecting their garbage between samples).
 */
const COPY_FACTOR = { thread: 2, process: 8 } as const

/**
 * Bytes the sweep needs at its peak up to size n: the workspaces (see allocationSizes), the copies of transfer
 * 'copy', and the workers themselves.
 */
export function bytesNeeded(spec: SweepSpec, n: number): number {
  const k = centroidsOf(spec)
  const { wasmN, sabN } = allocationSizes(
    spec.sizes.filter((size) => size <= n),
    k,
  )
  const ws = (wasmN ? layout(wasmN, k).totalBytes : 0) + (sabN ? layout(sabN, k).totalBytes : 0)
  const matrix = n * n * 8
  const copies = spec.transfer === 'copy' ? COPY_FACTOR[spec.executor] * matrix : 0
  const workers = (1 + spec.pools.reduce((a, b) => a + b, 0)) * WORKER_BYTES[spec.executor]
  return ws + copies + workers
}

/** Sizes as a refusal words them: GiB or MiB with one decimal. */
function gibOrMib(bytes: number): string {
  const gib = bytes / 2 ** 30
  if (gib >= 1) return `${gib.toFixed(1)} GiB`
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`
}

export function refusal(n: number, needed: number, free: number): string {
  return (
    `N = ${n} needs ${gibOrMib(needed)} but only ${gibOrMib(free)} is free ` +
    `(keep ${Math.round(HEADROOM * 100)}% headroom): choose a smaller size or close other programs`
  )
}

/** null when the largest size of the spec fits in free memory with headroom, else one human line. */
export function checkFreeMemory(spec: SweepSpec, freeBytes: number = os.freemem()): string | null {
  const n = Math.max(...spec.sizes)
  const needed = bytesNeeded(spec, n)
  return needed <= freeBytes * (1 - HEADROOM) ? null : refusal(n, needed, freeBytes)
}

/** The same kind of line for an allocation the system refused despite the check. */
export function allocationRefused(spec: SweepSpec, n: number, err: unknown): string {
  const why = err instanceof Error ? err.message : String(err)
  return `${refusal(n, bytesNeeded(spec, n), os.freemem())} (allocation refused: ${why})`
}

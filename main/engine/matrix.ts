// The workspace of one matrix size: one shared allocation holding the matrix, the centroids and the labels.
import {
  workspaceBuffer,
  type SharedWasmMemory,
  type WorkspaceLayout,
  type WorkspaceRef,
} from '../../common/protocol'

const ALIGN = 16
const WASM_PAGE = 65536
/** A wasm32 memory addresses at most 4 GiB (65536 pages). */
export const WASM_MAX_PAGES = 65536

const align = (bytes: number) => Math.ceil(bytes / ALIGN) * ALIGN

/** Byte layout: [matrix n×n f64][centroids k×n f64][labels n i32], each region 16-byte aligned. */
export function layout(n: number, k: number): WorkspaceLayout {
  const matrixOffset = 0
  const centroidsOffset = align(matrixOffset + n * n * 8)
  const labelsOffset = align(centroidsOffset + k * n * 8)
  const totalBytes = align(labelsOffset + n * 4)
  return { n, k, matrixOffset, centroidsOffset, labelsOffset, totalBytes }
}

type MemoryConstructor = new (descriptor: {
  initial: number
  maximum: number
  shared: boolean
}) => SharedWasmMemory
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: MemoryConstructor } }).WebAssembly
  .Memory

let nextWorkspaceId = 1

export function fitsWasm(n: number, k: number): boolean {
  return Math.ceil(layout(n, k).totalBytes / WASM_PAGE) <= WASM_MAX_PAGES
}

/**
 * The allocations a sweep makes: one shared WebAssembly.Memory sized for the largest N that fits in 4 GiB, reused
 * by every smaller N, and one SharedArrayBuffer sized for the largest N beyond. Reusing instead of allocating per
 * N matters: a dropped SharedArrayBuffer is freed only once every worker isolate that saw it has collected it,
 * which may be never while they idle, so a fresh allocation per N could hold several matrices at once.
 */
export function allocationSizes(
  sizes: readonly number[],
  k: number,
): { wasmN: number | null; sabN: number | null } {
  const small = sizes.filter((n) => fitsWasm(n, k))
  const large = sizes.filter((n) => !fitsWasm(n, k))
  return { wasmN: small.length ? Math.max(...small) : null, sabN: large.length ? Math.max(...large) : null }
}

/** Hands out one N's workspace, allocating lazily (at the first N that needs it) per allocationSizes. */
export class Workspaces {
  private wasm: WorkspaceRef | null = null
  private sab: WorkspaceRef | null = null
  private readonly plan: { wasmN: number | null; sabN: number | null }

  constructor(
    sizes: readonly number[],
    private readonly k: number,
  ) {
    this.plan = allocationSizes(sizes, k)
  }

  /** Throws RangeError when the system refuses the allocation. */
  forSize(n: number): WorkspaceRef {
    const small = fitsWasm(n, this.k)
    let base = small ? this.wasm : this.sab
    if (!base) {
      base = allocateWorkspace(small ? (this.plan.wasmN ?? n) : (this.plan.sabN ?? n), this.k)
      if (small) this.wasm = base
      else this.sab = base
    }
    return { id: base.id, workspace: base.workspace, layout: layout(n, this.k) }
  }

  release(): void {
    this.wasm = null
    this.sab = null
  }
}

/**
 * Allocates one N's workspace. A shared WebAssembly.Memory (whose buffer is a SharedArrayBuffer) when it fits
 * in 4 GiB, so the wasm kernels can import the very memory the JS kernels read; a plain SharedArrayBuffer
 * beyond. The memory never grows (maximum = initial), so views over its buffer stay valid.
 * Throws RangeError when the system refuses the allocation.
 */
export function allocateWorkspace(n: number, k: number): WorkspaceRef {
  const l = layout(n, k)
  const pages = Math.ceil(l.totalBytes / WASM_PAGE)
  const workspace =
    pages <= WASM_MAX_PAGES
      ? new WasmMemory({ initial: pages, maximum: pages, shared: true })
      : new SharedArrayBuffer(l.totalBytes)
  return { id: nextWorkspaceId++, workspace, layout: l }
}

/** Main-side views over the regions of a workspace. */
export function views(ref: WorkspaceRef): {
  matrix: Float64Array
  centroids: Float64Array
  labels: Int32Array
} {
  const { n, k, matrixOffset, centroidsOffset, labelsOffset } = ref.layout
  const buffer = workspaceBuffer(ref.workspace)
  return {
    matrix: new Float64Array(buffer, matrixOffset, n * n),
    centroids: new Float64Array(buffer, centroidsOffset, k * n),
    labels: new Int32Array(buffer, labelsOffset, n),
  }
}

// The wasm implementation of the workers' Kernels seam: SIMD kernels straight on the shared workspace memory
// when the views live in it (zero copy), else on the worker's scratch memory (transfer 'copy', or a workspace
// too large for wasm32). Takes a kernel cache over the assembled bytes, so tests can build it without the Vite plugin.
import { fillRows, rowSeed, triad as jsTriad, type Kernels } from '../kernels'
import type { SharedWasmMemory } from '../../common/protocol'
import type { KernelsFor, WasmKernelExports } from './instance'
import { scratchMemory } from './scratch'

/** Copied rows go through the scratch memory in blocks of this size: cache-sized, and never near 4 GiB. */
const BLOCK_BYTES = 4 << 20

/** The worker's kernel factory shape: kernels over one workspace memory (null: a copied task). */
export type WasmKernelFactory = (memory: SharedWasmMemory | null) => Kernels

export function createWasmKernels(kernelsFor: KernelsFor): WasmKernelFactory {
  return (memory) => bindKernels(kernelsFor, memory)
}

/**
 * Whether a view lies in the workspace memory the kernels were bound to. Every task message brings a new
 * WebAssembly.Memory wrapper (with a new SharedArrayBuffer object) around the same shared memory, and the worker
 * binds kernels once per workspace id; so identity cannot be asked, only "a shared buffer of the bound size".
 */
export function inMemory(view: ArrayBufferView, memory: SharedWasmMemory): boolean {
  const buffer = view.buffer
  if (buffer === memory.buffer) return true
  return buffer instanceof SharedArrayBuffer && buffer.byteLength === memory.buffer.byteLength
}

function bindKernels(kernelsFor: KernelsFor, memory: SharedWasmMemory | null): Kernels {
  /** The workspace's instance when every view lives in its memory (zero copy), else null. */
  function inPlace(...views: ArrayBufferView[]): WasmKernelExports | null {
    if (!memory || !views.every((v) => inMemory(v, memory))) return null
    return kernelsFor(memory)
  }

  function sum(m: Float64Array, n: number, rowStart: number, rowEnd: number): number {
    const count = (rowEnd - rowStart) * n
    const direct = inPlace(m)
    if (direct) return direct.sum(m.byteOffset + rowStart * n * 8, count)
    // Block by block through a small scratch: any size works (even beyond wasm32's 4 GiB), and each block is
    // summed while it is still in cache from the copy.
    const block = Math.min(count, BLOCK_BYTES / 8)
    const scratch = scratchMemory(block * 8)
    const kernels = kernelsFor(scratch)
    const view = new Float64Array(scratch.buffer, 0, block)
    let total = 0
    for (let i = rowStart * n, end = rowEnd * n; i < end; i += block) {
      const len = Math.min(block, end - i)
      view.set(m.subarray(i, i + len))
      total += kernels.sum(0, len)
    }
    return total
  }

  /**
   * The probe's cache-resident read, all passes inside wasm: one call per pass through sum() above cost as much as
   * summing 16 KiB from L1 (L1 read 17 GB/s that way; 34 GB/s calling the export per pass; all in wasm, see
   * amdahl probe).
   */
  function sumRepeated(m: Float64Array, count: number, passes: number): number {
    const direct = inPlace(m)
    if (direct) return direct.sum_repeat(m.byteOffset, count, passes)
    let value = 0
    for (let i = 0; i < passes; i++) value = sum(m, count, 0, 1)
    return value
  }

  function labelSum(labels: Int32Array, offset: number, rows: number): number {
    let s = 0
    for (let i = offset; i < offset + rows; i++) s += labels[i]
    return s
  }

  function assign(
    m: Float64Array,
    n: number,
    rowStart: number,
    rowEnd: number,
    centroids: Float64Array,
    k: number,
    labels: Int32Array,
    labelOffset: number,
  ): number {
    const rows = rowEnd - rowStart
    const direct = inPlace(m, centroids, labels)
    if (direct) {
      direct.assign(
        m.byteOffset + rowStart * n * 8,
        centroids.byteOffset,
        labels.byteOffset + labelOffset * 4,
        n,
        k,
        rows,
      )
      return labelSum(labels, labelOffset, rows)
    }
    // Scratch layout: [k × n centroids][block × n rows][block labels]; rows go through in blocks.
    const block = Math.max(1, Math.min(rows, Math.floor(BLOCK_BYTES / (n * 8))))
    const centBytes = k * n * 8
    const rowsAt = centBytes
    const labelsAt = rowsAt + block * n * 8
    const scratch = scratchMemory(labelsAt + block * 4)
    const kernels = kernelsFor(scratch)
    new Float64Array(scratch.buffer, 0, k * n).set(centroids.subarray(0, k * n))
    const rowView = new Float64Array(scratch.buffer, rowsAt, block * n)
    const labelView = new Int32Array(scratch.buffer, labelsAt, block)
    for (let r = rowStart; r < rowEnd; r += block) {
      const len = Math.min(block, rowEnd - r)
      rowView.set(m.subarray(r * n, (r + len) * n))
      kernels.assign(rowsAt, 0, labelsAt, n, k, len)
      labels.set(labelView.subarray(0, len), labelOffset + (r - rowStart))
    }
    return labelSum(labels, labelOffset, rows)
  }

  /** Only the probe runs the triad, always in place; arrays elsewhere (a copy) take the JS loop. */
  function triad(a: Float64Array, b: Float64Array, c: Float64Array, s: number): void {
    const direct = inPlace(a, b, c)
    if (!direct) return jsTriad(a, b, c, s)
    direct.triad(a.byteOffset, b.byteOffset, c.byteOffset, a.length, s)
  }

  return { sum, sumRepeated, assign, triad }
}

/** The seeded fill with fillRows' signature and bit-for-bit its values. */
export type FillRows = typeof fillRows

/**
 * The seeded fill in wasm (four entries per step in i32x4 lanes) over one workspace memory; a view elsewhere
 * falls back to the JS fill. Same values bit for bit: the generator is all 32-bit integer arithmetic.
 */
export function createWasmFill(kernelsFor: KernelsFor): (memory: SharedWasmMemory) => FillRows {
  // The fill runs for every sweep, whatever its kernel: where wasm SIMD cannot compile, keep the JS fill.
  let unavailable = false
  const instance = (memory: SharedWasmMemory): WasmKernelExports | null => {
    if (unavailable) return null
    try {
      return kernelsFor(memory)
    } catch {
      unavailable = true
      return null
    }
  }
  return (memory) => (out, offset, n, rowStart, rowEnd, seed, stream) => {
    const kernels = inMemory(out, memory) ? instance(memory) : null
    if (!kernels) return fillRows(out, offset, n, rowStart, rowEnd, seed, stream)
    let p = out.byteOffset + offset * 8
    for (let r = rowStart; r < rowEnd; r++, p += n * 8) kernels.fill_row(p, n, rowSeed(seed, stream, r) | 0)
  }
}

// The wasm implementation of the workers' Kernels seam: SIMD kernels straight on the shared workspace memory
// when the views live in it (zero copy), else on the worker's scratch memory (transfer 'copy', or a workspace
// too large for wasm32). Takes the assembled bytes, so tests can build it without the Vite plugin.
import type { Kernels } from '../kernels'
import type { SharedWasmMemory } from '../protocol'
import { kernelCache, type KernelsFor, type WasmKernelExports } from './instance'
import { scratchMemory } from './scratch'

/** The worker's kernel factory shape: kernels over one workspace memory (null: a copied task). */
export type WasmKernelFactory = (memory: SharedWasmMemory | null) => Kernels

export function createWasmKernels(bytes: Uint8Array): WasmKernelFactory {
  const kernelsFor = kernelCache(bytes)
  return (memory) => bindKernels(kernelsFor, memory)
}

function bindKernels(kernelsFor: KernelsFor, memory: SharedWasmMemory | null): Kernels {
  /** The workspace's instance when every view lives in its memory (zero copy), else null. */
  function inPlace(...views: ArrayBufferView[]): WasmKernelExports | null {
    if (!memory || views.some((v) => v.buffer !== memory.buffer)) return null
    return kernelsFor(memory)
  }

  function sum(m: Float64Array, n: number, rowStart: number, rowEnd: number): number {
    const count = (rowEnd - rowStart) * n
    const direct = inPlace(m)
    if (direct) return direct.sum(m.byteOffset + rowStart * n * 8, count)
    const scratch = scratchMemory(count * 8)
    new Float64Array(scratch.buffer, 0, count).set(m.subarray(rowStart * n, rowEnd * n))
    return kernelsFor(scratch).sum(0, count)
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
    // Scratch layout: [rows × n][k × n][rows labels], all 8-byte aligned.
    const rowBytes = rows * n * 8
    const centBytes = k * n * 8
    const scratch = scratchMemory(rowBytes + centBytes + rows * 4)
    new Float64Array(scratch.buffer, 0, rows * n).set(m.subarray(rowStart * n, rowEnd * n))
    new Float64Array(scratch.buffer, rowBytes, k * n).set(centroids.subarray(0, k * n))
    kernelsFor(scratch).assign(0, rowBytes, rowBytes + centBytes, n, k, rows)
    labels.set(new Int32Array(scratch.buffer, rowBytes + centBytes, rows), labelOffset)
    return labelSum(labels, labelOffset, rows)
  }

  return { sum, assign }
}

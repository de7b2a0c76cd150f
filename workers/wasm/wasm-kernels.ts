// The wasm implementation of the workers' Kernels seam: SIMD kernels straight on the shared workspace memory
// when the views live in it (zero copy), else on the worker's scratch memory (transfer 'copy', or a workspace
// too large for wasm32). Takes the assembled bytes, so tests can build it without the Vite plugin.
import type { Kernels } from '../kernels'
import type { Workspace } from '../protocol'
import { kernelCache, type WasmKernelExports } from './instance'
import { scratchMemory } from './scratch'
import type { WasmMemory } from './wasm-api'

export interface WasmKernels {
  kernels: Kernels
  /** Lets the kernels run in place on a workspace; call when a task's workspace arrives (cheap, idempotent). */
  adoptWorkspace(ws: Workspace): void
}

export function createWasmKernels(bytes: Uint8Array): WasmKernels {
  const kernelsFor = kernelCache(bytes)

  /** Workspace memories this worker has seen, by their buffer: the kernels' views only carry the buffer. */
  const memories = new WeakMap<ArrayBufferLike, WasmMemory>()

  function adoptWorkspace(ws: Workspace): void {
    if (!(ws instanceof SharedArrayBuffer)) memories.set(ws.buffer, ws)
  }

  function inPlace(...views: ArrayBufferView[]): WasmKernelExports | null {
    const memory = memories.get(views[0].buffer)
    if (!memory || views.some((v) => v.buffer !== views[0].buffer)) return null
    return kernelsFor(memory)
  }

  function sum(m: Float64Array, n: number, rowStart: number, rowEnd: number): number {
    const count = (rowEnd - rowStart) * n
    const direct = inPlace(m)
    if (direct) return direct.sum(m.byteOffset + rowStart * n * 8, count)
    const memory = scratchMemory(count * 8)
    new Float64Array(memory.buffer, 0, count).set(m.subarray(rowStart * n, rowEnd * n))
    return kernelsFor(memory).sum(0, count)
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
    const memory = scratchMemory(rowBytes + centBytes + rows * 4)
    new Float64Array(memory.buffer, 0, rows * n).set(m.subarray(rowStart * n, rowEnd * n))
    new Float64Array(memory.buffer, rowBytes, k * n).set(centroids.subarray(0, k * n))
    kernelsFor(memory).assign(0, rowBytes, rowBytes + centBytes, n, k, rows)
    labels.set(new Int32Array(memory.buffer, rowBytes + centBytes, rows), labelOffset)
    return labelSum(labels, labelOffset, rows)
  }

  return { kernels: { sum, assign }, adoptWorkspace }
}

// Compiles the WebAssembly kernels once per worker and instantiates them once per workspace memory.
import { wasmApi, type WasmMemory } from './wasm-api'

/** The raw exports of kernels.wat: byte addresses and counts into the imported memory. */
export interface WasmKernelExports {
  /** Sum of `count` f64 from byte address `ptr`. */
  sum(ptr: number, count: number): number
  /** `passes` sums of the same `count` f64 from `ptr` in one call (the probe's cache reads); the last sum. */
  sum_repeat(ptr: number, count: number, passes: number): number
  /** For `rows` rows of `n` f64 from `x`: index of the nearest of `k` centroids at `c`, as i32 at `labels`. */
  assign(x: number, c: number, labels: number, n: number, k: number, rows: number): void
  /** One row of the seeded fill: `n` f64 from `ptr`, mulberry32 from the row's `state` (see workers/prng.ts). */
  fill_row(ptr: number, n: number, state: number): void
  /** STREAM triad: a[i] = b[i] + s·c[i] for `count` f64 at byte addresses `a`, `b`, `c`. */
  triad(a: number, b: number, c: number, count: number, s: number): void
}

export type KernelsFor = (memory: WasmMemory) => WasmKernelExports

/** A per-worker cache: the module compiles on first use; each memory (one per N) gets one instance. */
export function kernelCache(bytes: Uint8Array): KernelsFor {
  let compiled: object | null = null
  // Weak: when the engine drops a workspace, its instance goes with it.
  const instances = new WeakMap<WasmMemory, WasmKernelExports>()
  return (memory) => {
    let kernels = instances.get(memory)
    if (!kernels) {
      compiled ??= new wasmApi.Module(bytes)
      kernels = new wasmApi.Instance(compiled, { env: { mem: memory } })
        .exports as unknown as WasmKernelExports
      instances.set(memory, kernels)
    }
    return kernels
  }
}

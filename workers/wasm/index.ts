// The worker's wasm kernels: kernels.wat assembled at build time (scripts/vite-plugin-wat.ts) and inlined.
import bytes from './kernels.wat'
import { kernelCache } from './instance'
import { wasmApi } from './wasm-api'
import { createWasmFill, createWasmKernels } from './wasm-kernels'

/** One compiled module per worker, one instance per workspace memory, shared by the kernels and the fill. */
const kernelsFor = kernelCache(bytes)

/**
 * Whether this runtime can compile the kernels (SIMD and shared memory): a worker advertises `wasm` only then,
 * so a wasm sweep on a runtime without them is refused in one line instead of failing every cell.
 */
export const wasmAvailable = ((): boolean => {
  try {
    return wasmApi.validate(bytes)
  } catch {
    return false
  }
})()

/** Registered in workers/worker.ts as the `wasm` kernel factory. */
export const wasmKernelFactory = createWasmKernels(kernelsFor)

/** The seeded fill in wasm SIMD over a workspace memory (same values as fillRows, bit for bit). */
export const wasmFillFor = createWasmFill(kernelsFor)

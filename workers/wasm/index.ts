// The worker's wasm kernels: kernels.wat assembled at build time (scripts/vite-plugin-wat.ts) and inlined.
import bytes from './kernels.wat'
import { kernelCache } from './instance'
import { createWasmFill, createWasmKernels } from './wasm-kernels'

/** One compiled module per worker, one instance per workspace memory, shared by the kernels and the fill. */
const kernelsFor = kernelCache(bytes)

/** Registered in workers/worker.ts as the `wasm` kernel factory. */
export const wasmKernelFactory = createWasmKernels(kernelsFor)

/** The seeded fill in wasm SIMD over a workspace memory (same values as fillRows, bit for bit). */
export const wasmFillFor = createWasmFill(kernelsFor)

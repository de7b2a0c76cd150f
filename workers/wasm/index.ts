// The worker's wasm kernels: kernels.wat assembled at build time (scripts/vite-plugin-wat.ts) and inlined.
import bytes from './kernels.wat'
import { createWasmKernels } from './wasm-kernels'

/** Registered in workers/worker.ts as the `wasm` kernel factory. */
export const wasmKernelFactory = createWasmKernels(bytes)

// The worker's wasm kernels: kernels.wat assembled at build time (scripts/vite-plugin-wat.ts) and inlined.
import bytes from './kernels.wat'
import { createWasmKernels } from './wasm-kernels'

export const { kernels: wasmKernels, adoptWorkspace } = createWasmKernels(bytes)

// A worker-local wasm memory for copy transfer: the copied rows are placed here, since the kernels only see
// their own memory. Grows on demand and is reused across tasks, so steady-state tasks allocate nothing.
import { WASM_PAGE, wasmApi, type WasmMemory } from './wasm-api'

/** Largest wasm32 memory: 4 GiB. */
const MAX_PAGES = 65536

let memory: WasmMemory | null = null

/** The worker's scratch memory, at least `bytes` long (shared, because kernels.wat imports a shared memory). */
export function scratchMemory(bytes: number): WasmMemory {
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE))
  if (pages > MAX_PAGES) throw new Error(`a wasm kernel can address at most 4 GiB; ${bytes} bytes asked`)
  if (!memory) memory = new wasmApi.Memory({ initial: pages, maximum: MAX_PAGES, shared: true })
  const have = memory.buffer.byteLength / WASM_PAGE
  if (have < pages) memory.grow(pages - have)
  return memory
}

// The few WebAssembly JS-API types the kernels need; the project's TS libs (ES2023 + node) do not declare them.
/** A WebAssembly.Memory, structurally: the engine's workspace or a worker-local one. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer
  grow(deltaPages: number): number
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => {
    readonly exports: Record<string, unknown>
  }
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory
  validate(bytes: Uint8Array): boolean
}

export const WASM_PAGE = 65536

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

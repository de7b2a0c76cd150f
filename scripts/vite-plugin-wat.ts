// Vite plugin: `import bytes from './x.wat'` assembles the WebAssembly text with wabt at build time and
// inlines the binary, so no .wasm file is committed or shipped beside the bundle.
import { readFile } from 'node:fs/promises'
import wabt from 'wabt'
import type { Plugin } from 'vite'

/** Post-MVP features the kernels use: 128-bit SIMD and shared (threads) memory. */
const FEATURES = { simd: true, threads: true } as const

/** Assemble WebAssembly text into a validated binary; throws with wabt's message on a syntax error. */
export async function assembleWat(source: string, fileName = 'module.wat'): Promise<Uint8Array> {
  const module = (await wabt()).parseWat(fileName, source, FEATURES)
  try {
    module.resolveNames()
    // wabt.js's validate takes the features too (its typings omit the parameter)
    ;(module.validate as (features: typeof FEATURES) => void)(FEATURES)
    return module.toBinary({}).buffer
  } finally {
    module.destroy()
  }
}

/** The module a `.wat` import becomes: a Uint8Array decoded from base64 (atob works in Node and browsers). */
export function bytesModule(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64')
  return `export default Uint8Array.from(atob(${JSON.stringify(b64)}), (c) => c.charCodeAt(0))\n`
}

export function watPlugin(): Plugin {
  return {
    name: 'amdahl-wat',
    async load(id) {
      const file = id.split('?')[0]
      if (!file.endsWith('.wat')) return null
      this.addWatchFile(file)
      return { code: bytesModule(await assembleWat(await readFile(file, 'utf8'), file)), map: null }
    },
  }
}

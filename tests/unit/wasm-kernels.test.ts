// The wasm SIMD kernels agree with the JS kernels on seeded data, in place on a shared memory and from copies.
import { readFileSync } from 'node:fs'
import { MessageChannel } from 'node:worker_threads'
import { beforeAll, describe, expect, it } from 'vitest'
import { assembleWat } from '../../scripts/vite-plugin-wat'
import { fillRows, jsKernels, STREAM_CENTROIDS, STREAM_MATRIX } from '../../workers/kernels'
import { kernelCache } from '../../workers/wasm/instance'
import type { SharedWasmMemory } from '../../common/protocol'
import { WASM_PAGE, wasmApi } from '../../workers/wasm/wasm-api'
import {
  createWasmFill,
  createWasmKernels,
  inMemory,
  type WasmKernelFactory,
} from '../../workers/wasm/wasm-kernels'

const source = readFileSync(new URL('../../workers/wasm/kernels.wat', import.meta.url), 'utf8')
let bytes: Uint8Array
let wasmFor: WasmKernelFactory

beforeAll(async () => {
  bytes = await assembleWat(source, 'kernels.wat')
  wasmFor = createWasmKernels(kernelCache(bytes))
})

/** A workspace like the engine's: [matrix n×n][centroids k×n][labels n], 16-byte aligned, seeded. */
function workspace(n: number, k: number, seed = 7) {
  const align = (b: number) => Math.ceil(b / 16) * 16
  const centroidsOffset = align(n * n * 8)
  const labelsOffset = align(centroidsOffset + k * n * 8)
  const pages = Math.ceil((labelsOffset + n * 4) / WASM_PAGE)
  const memory = new wasmApi.Memory({ initial: pages, maximum: pages, shared: true }) as SharedWasmMemory
  const m = new Float64Array(memory.buffer, 0, n * n)
  const centroids = new Float64Array(memory.buffer, centroidsOffset, k * n)
  const labels = new Int32Array(memory.buffer, labelsOffset, n)
  fillRows(m, 0, n, 0, n, seed, STREAM_MATRIX)
  fillRows(centroids, 0, n, 0, k, seed, STREAM_CENTROIDS)
  return { memory, m, centroids, labels }
}

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b)

describe('wasm availability', () => {
  it('validates the assembled kernels on this runtime, and refuses bytes that are not a module', () => {
    expect(wasmApi.validate(bytes)).toBe(true)
    expect(wasmApi.validate(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0]))).toBe(false)
  })
})

describe('wasm sum', () => {
  it.each([1, 3, 16, 37, 250])('matches the JS sum of every row range of an %i-wide matrix in place', (n) => {
    const ws = workspace(n, 2)
    const wasm = wasmFor(ws.memory)
    for (const [r0, r1] of [
      [0, n],
      [0, 1],
      [Math.floor(n / 3), n],
      [n - 1, n],
    ]) {
      const expected = jsKernels.sum(ws.m, n, r0, r1)
      expect(relErr(wasm.sum(ws.m, n, r0, r1), expected)).toBeLessThan(1e-12)
    }
  })

  it('sums a copied Float64Array (transfer copy) to the same value as in place', () => {
    const n = 301
    const ws = workspace(n, 2)
    const copy = ws.m.slice(50 * n, 200 * n)
    const wasm = wasmFor(null)
    const expected = jsKernels.sum(ws.m, n, 50, 200)
    expect(relErr(wasm.sum(copy, n, 0, 150), expected)).toBeLessThan(1e-12)
  })

  it("repeats the probe's cache-sized sum in place and from a copy, to the value of one JS sum", () => {
    const n = 64
    const ws = workspace(n, 2)
    const part = ws.m.subarray(3 * n, 5 * n)
    const expected = jsKernels.sum(part, part.length, 0, 1)
    expect(jsKernels.sumRepeated(part, part.length, 5)).toBe(expected)
    expect(relErr(wasmFor(ws.memory).sumRepeated(part, part.length, 5), expected)).toBeLessThan(1e-12)
    expect(relErr(wasmFor(null).sumRepeated(part.slice(), part.length, 3), expected)).toBeLessThan(1e-12)
    // a count shorter than the view sums only its start
    expect(relErr(wasmFor(ws.memory).sumRepeated(part, 10, 2), jsKernels.sum(part, 10, 0, 1))).toBeLessThan(
      1e-12,
    )
  })

  it('sums copied rows larger than its scratch block, block by block', () => {
    const n = 1000
    const rows = new Float64Array(700 * n)
    fillRows(rows, 0, n, 0, 700, 13, STREAM_MATRIX)
    expect(relErr(wasmFor(null).sum(rows, n, 0, 700), jsKernels.sum(rows, n, 0, 700))).toBeLessThan(1e-12)
  })

  it('returns exactly 0 for an empty row range', () => {
    const ws = workspace(8, 2)
    const wasm = wasmFor(ws.memory)
    expect(wasm.sum(ws.m, 8, 4, 4)).toBe(0)
  })

  it('adds exact small integers exactly, whatever the tail length', () => {
    const data = Float64Array.from({ length: 1000 }, (_, i) => i + 1)
    const wasm = wasmFor(null)
    for (const count of [0, 1, 15, 16, 17, 31, 33, 1000]) {
      expect(wasm.sum(data, 1, 0, count)).toBe((count * (count + 1)) / 2)
    }
  })
})

describe('wasm assign', () => {
  it.each([
    [64, 8],
    [37, 3],
    [200, 16],
  ])('labels every row of a %i-wide matrix like the JS kernel (k = %i), in place', (n, k) => {
    const ws = workspace(n, k, 11)
    const wasm = wasmFor(ws.memory)
    const expected = new Int32Array(n)
    const expectedSum = jsKernels.assign(ws.m, n, 0, n, ws.centroids, k, expected, 0)
    const half = n >> 1
    const sum =
      wasm.assign(ws.m, n, 0, half, ws.centroids, k, ws.labels, 0) +
      wasm.assign(ws.m, n, half, n, ws.centroids, k, ws.labels, half)
    expect([...ws.labels]).toEqual([...expected])
    expect(sum).toBe(expectedSum)
  })

  it('labels copied rows (transfer copy) into the given label array at its offset', () => {
    const n = 90
    const k = 5
    const ws = workspace(n, k, 3)
    const expected = new Int32Array(n)
    jsKernels.assign(ws.m, n, 0, n, ws.centroids, k, expected, 0)
    const rows = ws.m.slice(30 * n, 60 * n)
    const out = new Int32Array(40).fill(-1)
    const wasm = wasmFor(null)
    const sum = wasm.assign(rows, n, 0, 30, ws.centroids.slice(), k, out, 10)
    expect([...out.subarray(10)]).toEqual([...expected.subarray(30, 60)])
    expect([...out.subarray(0, 10)]).toEqual(Array(10).fill(-1))
    expect(sum).toBe(expected.subarray(30, 60).reduce((a, b) => a + b, 0))
  })

  it('labels copied rows larger than its scratch block, block by block', () => {
    const n = 3000
    const k = 4
    const rows = new Float64Array(400 * n)
    const centroids = new Float64Array(k * n)
    fillRows(rows, 0, n, 0, 400, 17, STREAM_MATRIX)
    fillRows(centroids, 0, n, 0, k, 17, STREAM_CENTROIDS)
    const expected = new Int32Array(400)
    const expectedSum = jsKernels.assign(rows, n, 0, 400, centroids, k, expected, 0)
    const labels = new Int32Array(400)
    expect(wasmFor(null).assign(rows, n, 0, 400, centroids, k, labels, 0)).toBe(expectedSum)
    expect([...labels]).toEqual([...expected])
  })

  it('breaks ties towards the lowest centroid index', () => {
    const n = 10
    const rows = Float64Array.from({ length: 2 * n }, (_, i) => (i < n ? 0 : 5))
    // row 0 is equally near centroids 0 and 1; row 1 sits on centroids 2 and 3, which are identical
    const centroids = Float64Array.from({ length: 4 * n }, (_, i) => [1, -1, 5, 5][Math.floor(i / n)])
    const labels = new Int32Array(2)
    const wasm = wasmFor(null)
    wasm.assign(rows, n, 0, 2, centroids, 4, labels, 0)
    expect([...labels]).toEqual([0, 2])
  })
})

describe('triad (the probe s read+write kernel)', () => {
  it('writes a = b + s·c in wasm exactly as the JS loop does, every tail length, in place', () => {
    for (const count of [0, 1, 7, 8, 9, 1001]) {
      const { memory, m } = workspace(128, 2)
      const b = new Float64Array(memory.buffer, 0, count)
      const c = new Float64Array(memory.buffer, 8 * 1024 * 8, count)
      const a = new Float64Array(memory.buffer, 16 * 1024 * 8, count)
      const want = new Float64Array(count)
      jsKernels.triad(want, b, c, 0.5)
      wasmFor(memory).triad(a, b, c, 0.5)
      expect(Array.from(a)).toEqual(Array.from(want))
      expect(count === 0 || want[count - 1] === m[count - 1] + 0.5 * m[8 * 1024 + count - 1]).toBe(true)
    }
  })

  it('falls back to the JS loop for arrays outside its memory', () => {
    const { memory } = workspace(8, 2)
    const a = new Float64Array(5)
    wasmFor(memory).triad(a, Float64Array.of(1, 2, 3, 4, 5), Float64Array.of(2, 2, 2, 2, 2), 0.5)
    expect(Array.from(a)).toEqual([2, 3, 4, 5, 6])
  })
})

describe('wasm kernels bound to a workspace', () => {
  it('still sums views that live outside their workspace memory (through the scratch memory)', () => {
    const n = 40
    const ws = workspace(n, 2)
    const other = workspace(n, 2, 99).m.slice()
    const wasm = wasmFor(ws.memory)
    expect(relErr(wasm.sum(other, n, 0, n), jsKernels.sum(other, n, 0, n))).toBeLessThan(1e-12)
  })

  it('counts views over another wrapper of the same shared memory (each task message brings one) as in place', async () => {
    const ws = workspace(16, 2)
    const { port1, port2 } = new MessageChannel()
    const received = new Promise<SharedWasmMemory>((resolve) => port2.once('message', resolve))
    port1.postMessage(ws.memory)
    const again = await received
    port1.close()
    expect(again.buffer).not.toBe(ws.memory.buffer)
    expect(inMemory(new Float64Array(again.buffer, 128, 4), ws.memory)).toBe(true)
  })

  it('does not count a plain buffer or a shared buffer of another size as the workspace', () => {
    const ws = workspace(16, 2)
    expect(inMemory(new Float64Array(ws.memory.buffer.byteLength / 8), ws.memory)).toBe(false)
    expect(inMemory(new Float64Array(new SharedArrayBuffer(64)), ws.memory)).toBe(false)
  })

  it('writes labels of a sub-range in place at the right rows of the labels region', () => {
    const n = 50
    const k = 4
    const ws = workspace(n, k, 5)
    const expected = new Int32Array(n)
    jsKernels.assign(ws.m, n, 0, n, ws.centroids, k, expected, 0)
    ws.labels.fill(-1)
    // as the worker calls it: views starting at the task's first row
    const rows = new Float64Array(ws.memory.buffer, 20 * n * 8, 10 * n)
    const labels = new Int32Array(ws.memory.buffer, ws.labels.byteOffset + 20 * 4, 10)
    wasmFor(ws.memory).assign(rows, n, 0, 10, ws.centroids, k, labels, 0)
    expect([...ws.labels.subarray(20, 30)]).toEqual([...expected.subarray(20, 30)])
    expect(ws.labels.subarray(0, 20).every((l) => l === -1)).toBe(true)
    expect(ws.labels.subarray(30).every((l) => l === -1)).toBe(true)
  })
})

describe('wasm kernels beyond 2 GiB', () => {
  // Untouched pages cost nothing: only the few kilobytes written here are ever backed by memory.
  const big = () => new wasmApi.Memory({ initial: 33000, maximum: 33000, shared: true }) as SharedWasmMemory
  const far = 2 ** 31 + 4096

  it('sums, labels and fills rows at byte addresses past 2^31 (they cross into wasm as unsigned)', () => {
    const memory = big()
    const n = 12
    const k = 3
    const m = new Float64Array(memory.buffer, far, n * n)
    const centroids = new Float64Array(memory.buffer, far + n * n * 8, k * n)
    const labels = new Int32Array(memory.buffer, far + (n * n + k * n) * 8, n)
    createWasmFill(kernelCache(bytes))(memory)(m, 0, n, 0, n, 21, STREAM_MATRIX)
    fillRows(centroids, 0, n, 0, k, 21, STREAM_CENTROIDS)
    const expectedM = new Float64Array(n * n)
    fillRows(expectedM, 0, n, 0, n, 21, STREAM_MATRIX)
    expect(m).toEqual(expectedM)
    const wasm = wasmFor(memory)
    expect(relErr(wasm.sum(m, n, 0, n), jsKernels.sum(expectedM, n, 0, n))).toBeLessThan(1e-12)
    const expected = new Int32Array(n)
    jsKernels.assign(expectedM, n, 0, n, centroids.slice(), k, expected, 0)
    wasm.assign(m, n, 0, n, centroids, k, labels, 0)
    expect([...labels]).toEqual([...expected])
  })
})

describe('wasm fill', () => {
  it.each([1, 3, 4, 5, 7, 8, 12, 15, 37, 256])(
    'writes bit for bit the JS fill of a %i-wide matrix, both streams',
    (n) => {
      const ws = workspace(n, 3)
      const fill = createWasmFill(kernelCache(bytes))(ws.memory)
      for (const [stream, rows] of [
        [STREAM_MATRIX, n],
        [STREAM_CENTROIDS, 3],
      ]) {
        const view = stream === STREAM_MATRIX ? ws.m : ws.centroids
        const expected = new Float64Array(rows * n)
        fillRows(expected, 0, n, 0, rows, 1234, stream)
        view.fill(-1)
        fill(view, 0, n, 0, rows, 1234, stream)
        expect(view).toEqual(expected)
      }
    },
  )

  it('fills a row range at an offset and leaves everything else alone', () => {
    const n = 29
    const ws = workspace(n, 2)
    ws.m.fill(-1)
    const expected = new Float64Array(n * n).fill(-1)
    fillRows(expected, 5 * n, n, 5, 17, 7, STREAM_MATRIX)
    createWasmFill(kernelCache(bytes))(ws.memory)(ws.m, 5 * n, n, 5, 17, 7, STREAM_MATRIX)
    expect(ws.m).toEqual(expected)
  })

  it('falls back to the JS fill where the wasm module cannot compile', () => {
    const n = 9
    const ws = workspace(n, 2)
    const expected = new Float64Array(n * n)
    fillRows(expected, 0, n, 0, n, 8, STREAM_MATRIX)
    const broken = createWasmFill(kernelCache(new Uint8Array([0, 97, 115, 109, 9, 9])))
    broken(ws.memory)(ws.m, 0, n, 0, n, 8, STREAM_MATRIX)
    expect(ws.m).toEqual(expected)
  })

  it('falls back to the JS fill for an array outside the workspace', () => {
    const n = 10
    const ws = workspace(n, 2)
    const out = new Float64Array(n * n)
    const expected = new Float64Array(n * n)
    fillRows(expected, 0, n, 0, n, 3, STREAM_MATRIX)
    createWasmFill(kernelCache(bytes))(ws.memory)(out, 0, n, 0, n, 3, STREAM_MATRIX)
    expect(out).toEqual(expected)
  })
})

describe('wasm instances', () => {
  it('instantiates once per memory and reuses the instance', () => {
    const kernelsFor = kernelCache(bytes)
    const a = workspace(4, 2).memory
    const b = workspace(4, 2).memory
    expect(kernelsFor(a)).toBe(kernelsFor(a))
    expect(kernelsFor(a)).not.toBe(kernelsFor(b))
  })
})

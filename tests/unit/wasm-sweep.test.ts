// Sweeps with kernel 'wasm' through the real engine and the built worker: same sums and labels as the JS kernels.
import { describe, expect, it } from 'vitest'
import { SweepSpecSchema, type Run, type SweepSpecInput } from '../../common/contract'
import { runSweep } from '../../main/engine'

const spec = (input: SweepSpecInput) =>
  SweepSpecSchema.parse({ repetitions: 2, warmups: 1, seed: 5, maxSamples: input.repetitions ?? 2, ...input })

const results = (run: Run) => run.cells.map((c) => c.result)

function expectAllOk(run: Run): void {
  expect(run.error).toBeUndefined()
  expect(run.status).toBe('complete')
  expect(run.cells.map((c) => [c.status, c.error])).toEqual(run.cells.map(() => ['ok', undefined]))
}

describe('runSweep with wasm kernels', () => {
  it('sums every cell to the JS serial sum (shared transfer, uneven chunks)', async () => {
    const base = { sizes: [61, 400], pools: [1, 2], chunkRows: ['auto' as const, 7] }
    const js = await runSweep(spec({ ...base, kernel: 'js' }))
    const wasm = await runSweep(spec({ ...base, kernel: 'wasm' }))
    expectAllOk(wasm)
    const jsSerial = js.cells.filter((c) => c.serial).map((c) => c.result as number)
    const wasmSerial = wasm.cells.filter((c) => c.serial).map((c) => c.result as number)
    wasmSerial.forEach((s, i) => expect(Math.abs(s - jsSerial[i]) / jsSerial[i]).toBeLessThan(1e-12))
    expect(wasm.cells.every((c) => (c.relError as number) < 1e-12)).toBe(true)
  })

  it('labels every row like the JS kernels (assign, shared transfer)', async () => {
    const base = { workload: 'assign' as const, sizes: [90, 257], pools: [1, 2], centroids: 6 }
    const js = await runSweep(spec({ ...base, kernel: 'js' }))
    const wasm = await runSweep(spec({ ...base, kernel: 'wasm' }))
    expectAllOk(wasm)
    expect(results(wasm)).toEqual(results(js))
    expect(wasm.cells.every((c) => c.relError === 0)).toBe(true)
  })

  it('works on copied rows in threads and in child processes', async () => {
    for (const executor of ['thread', 'process'] as const) {
      for (const workload of ['sum', 'assign'] as const) {
        const base = { workload, sizes: [80], pools: [2], executor, transfer: 'copy' as const }
        const js = await runSweep(spec({ ...base, kernel: 'js' }))
        const wasm = await runSweep(spec({ ...base, kernel: 'wasm' }))
        expectAllOk(wasm)
        if (workload === 'assign') expect(results(wasm)).toEqual(results(js))
        else
          expect(
            Math.abs((wasm.cells[0].result as number) / (js.cells[0].result as number) - 1),
          ).toBeLessThan(1e-12)
      }
    }
  })
})

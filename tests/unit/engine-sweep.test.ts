// runSweep end to end on small sizes: results agree across pools, chunkings and transfers, and runs parse.
import { describe, expect, it } from 'vitest'
import { RunSchema, SweepSpecSchema, type SweepSpecInput } from '../../main/contract'
import { runSweep } from '../../main/engine'

const spec = (input: SweepSpecInput) => SweepSpecSchema.parse({ repetitions: 2, warmups: 1, ...input })

describe('runSweep (sum, threads, shared)', () => {
  it('completes with a serial baseline and one cell per pool, and parses as a Run', async () => {
    const run = await runSweep(spec({ sizes: [100, 1000], pools: [1, 2] }))
    expect(run.error).toBeUndefined()
    expect(run.status).toBe('complete')
    expect(run.cells.map((c) => [c.n, c.pool, c.serial])).toEqual([
      [100, 1, true],
      [100, 1, false],
      [100, 2, false],
      [1000, 1, true],
      [1000, 1, false],
      [1000, 2, false],
    ])
    expect(run.cells.every((c) => c.status === 'ok' && c.samplesMs.length === 2)).toBe(true)
    expect(run.poolStartup.map((p) => p.pool)).toEqual([1, 2])
    expect(() => RunSchema.parse(run)).not.toThrow()
  })
})
